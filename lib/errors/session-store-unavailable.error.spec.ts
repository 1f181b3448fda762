import { describe, expect, it } from 'vitest';
import { SessionStoreUnavailableError } from './session-store-unavailable.error';

describe('SessionStoreUnavailableError', () => {
  const cause = new Error('RedisStore apply failed: OOM command not allowed, script: 0ffe4b20');
  const error = new SessionStoreUnavailableError('apply', cause);

  it('gives clients a fixed 503 body', () => {
    expect(error.getStatus()).toBe(503);
    expect(error.getResponse()).toEqual({
      statusCode: 503,
      error: 'Service Unavailable',
      message: 'Session store unavailable; try again shortly',
    });
    expect(error.message).toBe('Session store unavailable; try again shortly');
  });

  it('keeps what went wrong for logs', () => {
    expect(error.name).toBe('SessionStoreUnavailableError');
    expect(error.cause).toBe(cause);
    expect(error.operation).toBe('apply');
    expect(error.detail).toBe(`apply: ${cause.message}`);
    expect(new SessionStoreUnavailableError('load', 'timeout').detail).toBe('load: timeout');
  });
});
