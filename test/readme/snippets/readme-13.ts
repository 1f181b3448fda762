// Generated from README.md line 479 by test/readme/extract-snippets.mjs: edit the README.
import { Module } from '@nestjs/common';
import { SessionModule } from 'nest-sessions';

@Module({
  imports: [SessionModule.forRoot({ requestSession: true })], // instead of app.use(session({ ... }))
})
export class AppModule {}
