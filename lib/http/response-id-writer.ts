import { Logger } from '@nestjs/common';
import type { SessionIdSource } from '../options/session-module-options.interface';
import type { SessionIdWriter } from '../session/session-id-writer';
import type { SessionSettings } from '../options/session-settings';
import { serializeSessionCookie } from '../cookie/serialize-session-cookie';
import { signSessionId } from '../id/sign-session-id';
import type { HttpRequestLike } from './http-exchange';
import { headersSent, isHttps, setResponseCookie, setResponseHeader } from './http-exchange';

const logger = new Logger('SessionInterceptor');

/**
 * Sends a request's session id back the way it came: a header for header (and query) clients, the
 * cookie otherwise. Writes wait until the interceptor has bound the response (a guard may create
 * or regenerate a session before that).
 */
export class ResponseIdWriter implements SessionIdWriter {
  private response?: unknown;
  private pending?: (res: unknown) => void;

  constructor(
    private readonly settings: SessionSettings,
    private readonly req: HttpRequestLike,
    private readonly source: SessionIdSource | undefined,
  ) {}

  bind(response: unknown): void {
    this.response = response;
    const pending = this.pending;
    this.pending = undefined;
    pending?.(response);
  }

  issue(id: string, expiresAt: number | undefined): void {
    if (this.usesHeader()) {
      this.write((res) => setResponseHeader(res, this.settings.header, id));
      return;
    }
    const value = this.settings.secrets.length > 0 ? signSessionId(id, this.settings.secrets) : id;
    this.write((res) => setResponseCookie(res, this.settings.cookie.name, this.cookie(value, expiresAt)));
  }

  revoke(): void {
    if (this.usesHeader()) return;
    this.write((res) => setResponseCookie(res, this.settings.cookie.name, this.cookie('', null)));
  }

  private usesHeader(): boolean {
    const { idFrom } = this.settings;
    return this.source === 'header' || this.source === 'query' || !idFrom.includes('cookie');
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
