// Generated from README.md line 1010 by test/readme/extract-snippets.mjs: edit the README.
import { randomBytes } from 'node:crypto';
import { Module } from '@nestjs/common';
import { SessionModule } from 'nest-sessions';

@Module({
  imports: [
    SessionModule.forRoot({
      rolling: true, // the cookie follows the idle expiry
      cookie: { maxAge: null, sameSite: 'none', partitioned: true, priority: 'high' },
      genid: () => randomBytes(24).toString('base64url'),
    }),
  ],
})
export class AppModule {}
