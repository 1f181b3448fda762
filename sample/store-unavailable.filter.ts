import type { ArgumentsHost, ExceptionFilter } from '@nestjs/common';
import { Catch } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { SessionStoreUnavailableError } from 'nest-sessions';
import { layout } from './views/html';

/**
 * A page instead of JSON when the session store is down (the error is a 503 that says nothing
 * internal; the store has logged the cause). Pages that do not use the session keep working.
 */
@Catch(SessionStoreUnavailableError)
export class StoreUnavailablePage implements ExceptionFilter {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  catch(_error: SessionStoreUnavailableError, host: ArgumentsHost): void {
    const { httpAdapter } = this.adapterHost;
    const res: unknown = host.switchToHttp().getResponse();
    httpAdapter.setHeader(res, 'Content-Type', 'text/html; charset=utf-8');
    httpAdapter.setHeader(res, 'Retry-After', '5');
    const body = `<h1>Sessions are unavailable</h1>
<p>The session store does not answer. Try again in a few seconds; <a href="/health">/health</a> says when it is back.</p>`;
    httpAdapter.reply(res, layout('Unavailable', body), 503);
  }
}
