// Generated from README.md line 38 by test/readme/extract-snippets.mjs: edit the README.
import { Module } from '@nestjs/common';
import { SessionModule } from 'nest-sessions';

@Module({
  imports: [
    SessionModule.forRoot({
      secret: ['current-secret', 'previous-secret'], // optional: signs the cookie; first signs, all verify
      idleTimeout: 30 * 60_000,                       // default 30 minutes
      absoluteTimeout: 24 * 3_600_000,                // default 24 hours
    }),
  ],
})
export class AppModule {}
