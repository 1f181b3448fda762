import { Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { RedisStore, SessionModule } from 'nest-sessions';
import { AuthController } from './auth.controller';
import { CsrfGuard } from './csrf.guard';
import { loadDemoUser } from './demo-users';
import { DevicesController } from './devices.controller';
import { HealthController } from './health.controller';
import { HomeController } from './home.controller';
import { RevocationsGateway } from './revocations.gateway';
import { SignInRedirect } from './signed-in.guard';
import { StoreUnavailablePage } from './store-unavailable.filter';

/**
 * The sample: sessions (memory, or Redis with REDIS_URL) with the demo users' profiles behind
 * `session.user()`, Terminus for /health, and the filters that turn errors into pages.
 */
@Module({
  imports: [
    SessionModule.forRoot({
      secret: process.env.SESSION_SECRET ?? 'sample-secret-change-me',
      // The memory store by default, so `npm start` needs nothing else; Redis when REDIS_URL is set.
      ...(process.env.REDIS_URL ? { store: RedisStore.connect(process.env.REDIS_URL) } : {}),
      userLoader: loadDemoUser,
      userCacheTtl: 60_000,
      // Sockets of a session that ends are disconnected: the pages' live "signed out" notice.
      disconnectOnEnd: true,
    }),
    // The store logs its outages itself (once each); Terminus need not log every failed check.
    TerminusModule.forRoot({ logger: false }),
  ],
  controllers: [HomeController, AuthController, DevicesController, HealthController],
  providers: [
    CsrfGuard,
    RevocationsGateway,
    { provide: APP_FILTER, useClass: SignInRedirect },
    { provide: APP_FILTER, useClass: StoreUnavailablePage },
  ],
})
export class AppModule {}
