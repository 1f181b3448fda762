import { describe, expect, it } from 'vitest';
import { SessionTooLargeError } from './session-too-large.error';

describe('SessionTooLargeError', () => {
  const error = new SessionTooLargeError('internalProfileCacheKey', 70_000, 65_536);

  it('gives clients a fixed 413 body that names no key', () => {
    expect(error.getStatus()).toBe(413);
    expect(error.getResponse()).toEqual({
      statusCode: 413,
      error: 'Payload Too Large',
      message: 'Session too large',
    });
    expect(error.message).toBe('Session too large');
  });

  it('keeps the key, the sizes and what to change for logs', () => {
    expect(error.name).toBe('SessionTooLargeError');
    expect(error).toMatchObject({ key: 'internalProfileCacheKey', bytes: 70_000, limit: 65_536 });
    expect(error.detail).toMatch(
      /70000 bytes after setting 'internalProfileCacheKey', over maxSessionBytes \(65536\)/,
    );
  });
});
