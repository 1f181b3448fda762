import { Module } from '@nestjs/common';
import { ConfigurableSessionModule } from './session.module-definition';
import { sessionExports, sessionProviders } from './session.providers';

/**
 * Sessions for the whole app: `SessionModule.forRoot(options)` or
 * `SessionModule.forRootAsync({ imports, inject, useFactory })`. Global unless `isGlobal: false`.
 */
@Module({
  providers: sessionProviders,
  exports: sessionExports,
})
export class SessionModule extends ConfigurableSessionModule {}
