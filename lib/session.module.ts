import { Module } from '@nestjs/common';
import { SESSION_SETTINGS } from './session.constants';
import { SessionManager } from './manager/session.manager';
import { ConfigurableSessionModule } from './session.module-definition';
import { sessionProviders } from './session.providers';
import { SessionStore } from './stores/session-store';

/**
 * Sessions for the whole app: `SessionModule.forRoot(options)` or
 * `SessionModule.forRootAsync({ imports, inject, useFactory })`. Global unless `isGlobal: false`.
 */
@Module({
  providers: sessionProviders,
  exports: [SessionManager, SessionStore, SESSION_SETTINGS],
})
export class SessionModule extends ConfigurableSessionModule {}
