import type { DynamicModule } from '@nestjs/common';
import { Module } from '@nestjs/common';
import type { OPTIONS_TYPE } from './session.module-definition';
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
export class SessionModule extends ConfigurableSessionModule {
  /** Every option has a default, so `forRoot()` alone is a working setup (MemoryStore). */
  static forRoot(options: typeof OPTIONS_TYPE = {}): DynamicModule {
    return super.forRoot(options);
  }
}
