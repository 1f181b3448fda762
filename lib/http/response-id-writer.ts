import { Logger } from '@nestjs/common';
import type { SessionIdSource } from '../options/session-module-options.interface';
import type { SessionIdWriter } from '../session/session-id-writer';
import type { SessionSettings } from '../options/session-settings';
import { serializeSessionCookie } from '../cookie/serialize-session-cookie';
import { signSessionId } from '../id/sign-session-id';
import { freshnessCookie, freshnessCookieName } from './freshness-cookie';
import type { HttpRequestLike } from './http-exchange';
import { headersSent, isHttps, setResponseCookie, setResponseHeader } from './http-exchange';

const logger = new Logger('SessionInterceptor');
/** Apps (by their settings) already warned that `secure: true` met plain HTTP: one warning each. */
const warnedInsecure = new WeakSet<SessionSettings>();

/** RFC 6265 path-match: the cookie's path is the request path, or a prefix of it ending at a '/'. */
function pathMatches(requestPath: string, cookiePath: string): boolean {
  if (requestPath === cookiePath) return true;
  if (!requestPath.startsWith(cookiePath)) return false;
  return cookiePath.endsWith('/') || requestPath[cookiePath.length] === '/';
}

/** The request's target as the client sent it (Express may rewrite `url` under a mounted router). */
function requestTarget(req: HttpRequestLike): string {
  return (req as { originalUrl?: string }).originalUrl ?? req.url ?? '/';
}

/** Whether the request's path is in the cookie's path; for the usual `/`, without cutting the URL. */
function requestInPath(req: HttpRequestLike, cookiePath: string): boolean {
  const target = requestTarget(req);
  if (cookiePath === '/') return target.charCodeAt(0) === 47; // '/': every origin-form path
  const query = target.indexOf('?');
  return pathMatches(query < 0 ? target : target.slice(0, query), cookiePath);
}

/**
 * Sends a request's session id back the way it came: a header for header (and query) clients, the
 * cookie otherwise. Writes wait until the interceptor has bound the response (a guard may create
 * or regenerate a session before that).
 */
export class ResponseIdWriter implements SessionIdWriter {
  private response?: unknown;
  private pending?: (res: unknown) => void;
  private pendingStamp?: (res: unknown) => void;
  /** An id went out (or is about to) on this response. */
  private issued = false;
  private canIssue?: boolean;

  constructor(
    private readonly settings: SessionSettings,
    private readonly req: HttpRequestLike,
    private readonly source: SessionIdSource | undefined,
    /** Values go out as given: a sealed session (`CookieStore`) is authenticated already, not signed. */
    private readonly sealed = false,
  ) {}

  bind(response: unknown): void {
    this.response = response;
    const pending = this.pending;
    const stamp = this.pendingStamp;
    this.pending = undefined;
    this.pendingStamp = undefined;
    pending?.(response);
    stamp?.(response);
  }

  /**
   * Whether an id can reach the client on this response. Not when the cookie would not: the
   * request's path is outside `cookie.path` (the browser would neither send nor be meant to get
   * it), or `cookie.secure: true` meets plain HTTP (the browser would refuse it).
   */
  get issuable(): boolean {
    return (this.canIssue ??= this.usesHeader() || this.cookieReachesClient());
  }

  issue(id: string, expiresAt: number | undefined): void {
    if (!this.issuable) return;
    this.issued = true;
    if (this.usesHeader()) {
      this.write((res) => setResponseHeader(res, this.settings.header, id));
      return;
    }
    const value =
      this.settings.secrets.length > 0 && !this.sealed ? signSessionId(id, this.settings.secrets) : id;
    this.write((res) => setResponseCookie(res, this.settings.cookie.name, this.cookie(value, expiresAt)));
  }

  /** Expires the cookie, unless the client holds none: it sent no id and none went out. */
  revoke(): void {
    if (this.usesHeader() || !this.issuable) return;
    if (this.source === undefined && !this.issued) return;
    this.write((res) => setResponseCookie(res, this.settings.cookie.name, this.cookie('', null)));
  }

  /** Sends a freshness token in the companion cookie (cookie clients only). */
  stamp(token: string, expiresAt: number | undefined): void {
    if (this.usesHeader() || !this.issuable) return;
    const secure = this.settings.cookie.secure === 'auto' ? isHttps(this.req) : this.settings.cookie.secure;
    const name = freshnessCookieName(this.settings.cookie.name);
    const apply = (res: unknown) =>
      setResponseCookie(res, name, freshnessCookie(this.settings, token, expiresAt, secure));
    if (this.response === undefined) this.pendingStamp = apply;
    else if (!headersSent(this.response)) apply(this.response);
  }

  private usesHeader(): boolean {
    const { idFrom } = this.settings;
    return this.source === 'header' || this.source === 'query' || !idFrom.includes('cookie');
  }

  private cookieReachesClient(): boolean {
    const { cookie } = this.settings;
    if (!requestInPath(this.req, cookie.path)) return false;
    if (cookie.secure === true && !isHttps(this.req)) {
      if (!warnedInsecure.has(this.settings)) {
        warnedInsecure.add(this.settings);
        logger.warn(
          'cookie.secure is true but a request came over plain HTTP: no session cookie is sent and no new ' +
            "session is stored for it. Behind a TLS-terminating proxy, enable the platform's trust proxy " +
            "(Express: app.set('trust proxy', ...), Fastify: new FastifyAdapter({ trustProxy }))",
        );
      }
      return false;
    }
    return true;
  }

  private cookie(value: string, expiresAt: number | null | undefined): string {
    const { cookie } = this.settings;
    const secure = cookie.secure === 'auto' ? isHttps(this.req) : cookie.secure;
    return serializeSessionCookie(cookie, value, expiresAt, secure);
  }

  private write(apply: (res: unknown) => void): void {
    if (this.response === undefined) {
      this.pending = apply; // only the latest id matters
      return;
    }
    if (headersSent(this.response)) {
      logger.warn(
        'Session id changed after the response was sent; call session.save() before writing the response',
      );
      return;
    }
    apply(this.response);
  }
}
