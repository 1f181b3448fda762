import { Module } from '@nestjs/common';
import { SessionModule } from '../lib';
import { AppController } from './app.controller';

@Module({
  // No store given: the embedded MemoryStore, so the sample needs no Redis.
  imports: [SessionModule.forRoot({ secret: process.env.SESSION_SECRET ?? 'sample-secret-change-me' })],
  controllers: [AppController],
})
export class AppModule {}
