// Generated from README.md line 179 by test/readme/extract-snippets.mjs: edit the README.
import { Controller, Param, Post } from '@nestjs/common';
import { Session, SessionWriter } from 'nest-sessions';

interface Seen {
  seen: number;
  lastArticle?: string;
}

@Controller('articles')
export class ArticleController {
  @Post(':id/seen')
  seen(@Session({ load: false }) session: SessionWriter<Seen>, @Param('id') id: string) {
    session.increment('seen'); // saved as +1: concurrent requests all count
    session.set('lastArticle', id);
  }
}
