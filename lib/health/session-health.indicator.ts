import { Injectable } from '@nestjs/common';
import type * as Terminus from '@nestjs/terminus';
import type { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { GuardedSessionStore } from '../stores/guarded-session-store';

/** What the result says when the store fails: store errors name hosts and keys, so none is shown. */
const DOWN_MESSAGE = 'Session store unavailable';

/**
 * A `@nestjs/terminus` health indicator for the session store. `check()` pings the store (Redis
 * PING; a store's own `ping()`), never counts its sessions, within the module's `storeTimeout`:
 * `down` when the store fails or does not answer in time, `up` again as soon as it does. A store
 * without `ping()` is probed with a `load` of a key no session has, and its result says
 * `probe: 'load'`.
 *
 * Provided by `SessionModule`: inject it beside Terminus's `HealthCheckService`. `@nestjs/terminus`
 * (11 or 12) is loaded by the first `check()`, so apps that never check need not install it.
 *
 * @example
 * ```ts
 * @Controller('health')
 * export class HealthController {
 *   constructor(
 *     private readonly health: HealthCheckService,
 *     private readonly sessions: SessionHealthIndicator,
 *   ) {}
 *
 *   @Get()
 *   @HealthCheck()
 *   check() {
 *     return this.health.check([() => this.sessions.check('sessions')]);
 *   }
 * }
 * ```
 */
@Injectable()
export class SessionHealthIndicator {
  private indicators?: HealthIndicatorService;

  /** @internal Nest builds it; inject it by type. */
  constructor(private readonly store: GuardedSessionStore) {}

  /** Pings the store: `{ [key]: { status: 'up' } }`, or `'down'` with a message. */
  async check<const Key extends string = 'sessions'>(
    key: Key = 'sessions' as Key,
  ): Promise<HealthIndicatorResult<Key>> {
    const indicator = this.service().check(key);
    try {
      await this.store.ping();
    } catch {
      // The guarded store has logged the outage (once, with its cause); the result stays generic.
      return indicator.down({ message: DOWN_MESSAGE });
    }
    return this.store.canPing ? indicator.up() : indicator.up({ probe: 'load' });
  }

  private service(): HealthIndicatorService {
    this.indicators ??= new (loadTerminus().HealthIndicatorService)();
    return this.indicators;
  }
}

/** The one runtime import of the optional peer, so apps without health checks need none. */
function loadTerminus(): typeof Terminus {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require('@nestjs/terminus') as typeof Terminus;
  } catch (cause) {
    throw new Error('SessionHealthIndicator needs @nestjs/terminus: npm install @nestjs/terminus', {
      cause,
    });
  }
}
