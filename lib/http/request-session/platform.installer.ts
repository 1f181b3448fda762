import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { SESSION_SETTINGS, SessionSettings } from '../../options/session-settings';
import type { ActiveSession } from '../../session/active-session';
import { registerPlatformSessions } from '../platform-sessions';
import { RequestSessions, declareRequestState } from '../request-sessions';
import { createSessionView } from './session-view';

type Next = (err?: unknown) => void;
interface ExpressLike {
  request: object;
  use(middleware: (req: object, res: object, next: Next) => void): unknown;
}
interface FastifyLike {
  decorateRequest(name: string | symbol, value: { getter(this: object): unknown } | null): unknown;
  hasRequestDecorator(name: string | symbol): boolean;
  addHook(name: 'onRequest', hook: (request: object, reply: object) => Promise<void>): unknown;
}

/**
 * Binds the module to the app's HTTP platform once it exists: registers this app's sessions for
 * `@Session()` to find from a request, and, with `requestSession: true`, gives every request `req.session` (Express) / `request.session`
 * (Fastify) and `req.sessionID`, for Passport, csrf-csrf, connect-flash and the rest of the
 * express-session ecosystem: the request's one session (the one `@Session()` gets) through
 * `createSessionView`. Installed once, as the app is created, so it comes before the app's own
 * middleware. Per request it costs a look at the id a client presents: a request that presents
 * one has it loaded before the middleware runs (they read `req.session` synchronously); any other
 * gets a fresh session only if something reads `req.session`, with no store call.
 */
@Injectable()
export class PlatformInstaller implements OnModuleInit {
  private readonly views = new WeakMap<ActiveSession, object>();
  private readonly logger = new Logger('SessionModule');
  private installed = false;

  constructor(
    @Inject(SESSION_SETTINGS) private readonly settings: SessionSettings,
    private readonly requests: RequestSessions,
    private readonly adapterHost: HttpAdapterHost,
  ) {
    this.install();
  }

  /** A testing module's app gets its adapter only after the providers exist. */
  onModuleInit(): void {
    this.install();
  }

  private install(): void {
    const adapter = this.adapterHost?.httpAdapter;
    if (this.installed || !adapter) return;
    this.installed = true;
    const instance = adapter.getInstance<object>();
    // `@Session()` finds this app's sessions from the request (req.app / request.server).
    registerPlatformSessions(instance, this.requests);
    if (adapter.getType() === 'fastify') this.declareStateOnFastify(instance as FastifyLike);
    if (!this.settings.requestSession) return;
    if (adapter.getType() === 'fastify') this.installOnFastify(instance as FastifyLike);
    else this.installOnExpress(instance as ExpressLike);
  }

  private installOnExpress(app: ExpressLike): void {
    const viewOf = (req: object) => this.view(req);
    Object.defineProperties(app.request, {
      session: {
        configurable: true,
        get: function (this: object) {
          return viewOf(this);
        },
      },
      sessionID: {
        configurable: true,
        get: function (this: object) {
          return (viewOf(this) as { id?: string })?.id;
        },
      },
    });
    app.use((req, res, next) => {
      if (!this.requests.presentsId(req)) return next();
      this.requests.forRequest(req, res).then(() => next(), next);
    });
  }

  /** A Fastify instance that is listening already takes no more decorators: requests then change shape. */
  private declareStateOnFastify(fastify: FastifyLike): void {
    try {
      declareRequestState(fastify);
    } catch (error) {
      this.logger.warn(
        `Request state not declared on Fastify (sessions work, a little slower): ${String(error)}`,
      );
    }
  }

  private installOnFastify(fastify: FastifyLike): void {
    const viewOf = (request: object) => this.view(request);
    fastify.decorateRequest('session', {
      getter(this: object) {
        return viewOf(this);
      },
    });
    fastify.decorateRequest('sessionID', {
      getter(this: object) {
        return (viewOf(this) as { id?: string })?.id;
      },
    });
    fastify.addHook('onRequest', async (request, reply) => {
      if (this.requests.presentsId(request)) await this.requests.forRequest(request, reply);
    });
  }

  /** The request's session as a view, made on first read; undefined while its load is under way. */
  private view(req: object): object | undefined {
    const session = this.requests.sessionNow(req);
    if (!session) return undefined;
    let view = this.views.get(session);
    if (!view) {
      const { cookie } = this.settings;
      view = createSessionView(
        session,
        {
          cookie: {
            path: cookie.path,
            httpOnly: cookie.httpOnly,
            secure: cookie.secure,
            sameSite: cookie.sameSite,
            domain: cookie.domain,
          },
          lifetime: this.settings.absoluteTimeout,
        },
        (error) => this.logger.error(`Binding a Passport login to its user failed: ${String(error)}`),
      );
      this.views.set(session, view);
    }
    return view;
  }
}
