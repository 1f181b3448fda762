// Generated from README.md line 642 by test/readme/extract-snippets.mjs: edit the README.
import { Module } from '@nestjs/common';
import { Redis } from 'ioredis';
import { RedisStore, SessionModule } from 'nest-sessions';

// Your client: you close it.
export const withYourClient = SessionModule.forRoot({
  store: new RedisStore({ client: new Redis(process.env.REDIS_URL!) }),
});

// Or let the store own (and close on shutdown) its connection, fail-fast:
export const withItsOwnConnection = SessionModule.forRoot({ store: RedisStore.connect('redis://127.0.0.1:6379') });

// Or with a Redis client provider of your app:
export const REDIS_CLIENT = Symbol('REDIS_CLIENT');

@Module({
  providers: [{ provide: REDIS_CLIENT, useFactory: () => new Redis(process.env.REDIS_URL!) }],
  exports: [REDIS_CLIENT],
})
export class RedisModule {}

@Module({
  imports: [
    SessionModule.forRootAsync({
      imports: [RedisModule],
      inject: [REDIS_CLIENT],
      useFactory: (redis: Redis) => ({ store: new RedisStore({ client: redis, prefix: 'myapp:sess:' }) }),
    }),
  ],
})
export class AppModule {}
