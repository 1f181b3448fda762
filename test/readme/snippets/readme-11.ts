// Generated from README.md line 406 by test/readme/extract-snippets.mjs: edit the README.
import { Module } from '@nestjs/common';
import { SessionModule } from 'nest-sessions';
import { findUserProfile } from './users';

@Module({
  imports: [
    SessionModule.forRoot({
      maxSessionsPerUser: 5, // a 6th login ends the oldest; 1 = single-session mode
      userLoader: (userId) => findUserProfile(userId), // behind `await session.user()`
      userCacheTtl: 5 * 60_000,
    }),
  ],
})
export class AppModule {}
