// Generated from README.md line 435 by test/readme/extract-snippets.mjs: edit the README.
import { Controller, Get, Module } from '@nestjs/common';
import { HealthCheck, HealthCheckService, TerminusModule } from '@nestjs/terminus';
import { RedisStore, SessionHealthIndicator, SessionModule } from 'nest-sessions';

@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly sessions: SessionHealthIndicator,
  ) {}

  @Get()
  @HealthCheck()
  check() {
    return this.health.check([() => this.sessions.check('sessions')]);
  }
}

@Module({
  imports: [SessionModule.forRoot({ store: RedisStore.connect(process.env.REDIS_URL!) }), TerminusModule],
  controllers: [HealthController],
})
export class AppModule {}
