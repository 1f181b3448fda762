import { describe, expect, it } from 'vitest';
import { decodeSessionText, encodeSessionText, FileSealer, UnreadableFileError } from './file-session-codec';

const meta = { createdAt: 1, expiresAt: 2, lastSeenAt: 3, ttl: 4, userId: 'u', userAgent: 'a', ip: '::1' };

describe('file session codec', () => {
  it('round-trips metadata and JSON values', () => {
    const data = new Map([
      ['a', '1'],
      ['constructor', '"x"'],
    ]);
    expect(decodeSessionText(encodeSessionText(meta, data))).toEqual({ meta, data });
  });

  it.each(['', 'nope', '{}', '[1,2,3]', '[1,2,3,null,null,null,null,"k"]', '["1",2,3,null,null,null,null]'])(
    'refuses %j as unreadable',
    (text) => expect(() => decodeSessionText(text)).toThrow(UnreadableFileError),
  );

  it('seals with the first key, opens with any, and only under the same name', () => {
    const [k1, k2] = [Buffer.alloc(32, 1), Buffer.alloc(32, 2)];
    const sealed = new FileSealer([k1]).seal('hello', 'name');
    expect(sealed.toString('latin1')).not.toContain('hello');
    expect(new FileSealer([k2, k1]).open(sealed, 'name')).toBe('hello');
    expect(() => new FileSealer([k1]).open(sealed, 'other')).toThrow(/no key of the ring opens it/);
    expect(() => new FileSealer([k2]).open(sealed, 'name')).toThrow(UnreadableFileError);
    expect(() => new FileSealer([]).open(sealed, 'name')).toThrow(/no encryptionKey/);
    expect(() => new FileSealer([k1]).open(Buffer.from('[1]'), 'name')).toThrow(/not sealed/);
    const truncated = sealed.subarray(0, sealed.length - 1);
    expect(() => new FileSealer([k1]).open(truncated, 'name')).toThrow(UnreadableFileError);
  });
});
