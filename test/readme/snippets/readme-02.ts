// Generated from README.md line 60 by test/readme/extract-snippets.mjs: edit the README.
import { Injectable, Module } from '@nestjs/common';
import { SessionModule } from 'nest-sessions';

/** Your configuration provider (ConfigService of @nestjs/config is used the same way). */
@Injectable()
export class AppConfig {
  readonly sessionSecret = process.env.SESSION_SECRET ?? 'dev-only-secret';
  readonly idleMinutes = Number(process.env.SESSION_IDLE_MINUTES ?? 30);
}

@Module({ providers: [AppConfig], exports: [AppConfig] })
export class AppConfigModule {}

@Module({
  imports: [
    SessionModule.forRootAsync({
      imports: [AppConfigModule],
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        secret: config.sessionSecret,
        idleTimeout: config.idleMinutes * 60_000,
      }),
    }),
  ],
})
export class AppModule {}
