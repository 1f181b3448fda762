import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { signSessionId, unsignSessionId } from './sign-session-id';

const SECRETS = ['current-secret', 'previous-secret'];
const ID = 'AbCdEfGhIjKlMnOpQrStUvWxYz012345';
const SIGNED = signSessionId(ID, SECRETS);
const SIGNATURE_START = SIGNED.lastIndexOf('.') + 1;

/** The signed value with the signature's character at `at` replaced by `text`. */
function withSignatureChar(at: number, text: string): string {
  const i = SIGNATURE_START + at;
  return SIGNED.slice(0, i) + text + SIGNED.slice(i + 1);
}

/** Characters whose UTF-8 form is not one byte, and other oddities a client can put in a cookie. */
const ODD_CHARACTERS = [
  'é', // Latin-1: what Node reads a 0xE9 header byte as, two bytes in UTF-8
  'ÿ',
  '\u0080',
  '\u00a0',
  'Ā', // U+0100
  '€',
  'сесия'[0],
  '中',
  '\ufffd',
  '\ufeff',
  '\u200b',
  '\ud800', // lone high surrogate
  '\udfff', // lone low surrogate
  '\u0000',
  '\u0001',
  '\t',
  '\n',
  '\r',
  '\x7f',
  ' ',
  '.',
  '=',
  ';',
  '"',
  '+',
  '/',
];

describe('unsignSessionId', () => {
  it('verifies what signSessionId signed, with the current or a previous secret', () => {
    expect(unsignSessionId(SIGNED, SECRETS)).toBe(ID);
    expect(unsignSessionId(signSessionId(ID, ['previous-secret']), SECRETS)).toBe(ID);
    expect(unsignSessionId(signSessionId(ID, ['other-secret']), SECRETS)).toBeUndefined();
  });

  const codePoint = (c: string) => `U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
  it.each(ODD_CHARACTERS.map((c) => [codePoint(c), c]))(
    'refuses, without throwing, a signature holding %s at any position',
    (_label, c) => {
      for (let at = 0; at < 43; at++) {
        expect(unsignSessionId(withSignatureChar(at, c), SECRETS)).toBeUndefined();
      }
    },
  );

  it('refuses a signature whose non-ASCII characters keep the character count but not the byte count', () => {
    // 42 ASCII characters and one two-byte one: 43 characters, 44 UTF-8 bytes.
    expect(unsignSessionId(`${ID}.${'A'.repeat(42)}é`, SECRETS)).toBeUndefined();
    // a surrogate pair counts two characters: 41 + 2 = 43 characters, 45 UTF-8 bytes
    expect(unsignSessionId(`${ID}.${'A'.repeat(41)}😀`, SECRETS)).toBeUndefined();
  });

  it('refuses an id that only verifies because UTF-8 encoding replaced a lone surrogate', () => {
    // 'a\ud800' and 'a\ufffd' have the same UTF-8 bytes, so one's signature would verify the other.
    const signedReplacement = signSessionId('a\ufffd', SECRETS);
    const forged = `a\ud800${signedReplacement.slice(signedReplacement.lastIndexOf('.'))}`;
    expect(unsignSessionId(forged, SECRETS)).toBeUndefined();
  });

  it('refuses a signature that differs only in bits base64 decoding drops', () => {
    // The 43rd character holds the HMAC's last 4 bits and 2 spare ones: 'M' and 'N' decode alike.
    expect(SIGNED.at(-1)).toBe('M');
    const spareBitsChanged = `${SIGNED.slice(0, -1)}N`;
    expect(Buffer.from(spareBitsChanged.slice(SIGNATURE_START), 'base64url')).toEqual(
      Buffer.from(SIGNED.slice(SIGNATURE_START), 'base64url'),
    );
    expect(unsignSessionId(spareBitsChanged, SECRETS)).toBeUndefined();
  });

  it('refuses empty, dotless, short and long values', () => {
    for (const value of [
      '',
      '.',
      `.${SIGNED.slice(SIGNATURE_START)}`,
      ID,
      `${ID}.`,
      SIGNED.slice(0, -1),
      `${SIGNED}A`,
    ]) {
      expect(unsignSessionId(value, SECRETS)).toBeUndefined();
    }
  });

  it('never throws, and verifies a value only when the HMAC of its id matches, for any string', () => {
    const signature = (id: string, secret: string) =>
      createHmac('sha256', secret).update(id).digest('base64url');
    const anyText = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 60 }),
      fc.string({ unit: fc.constantFrom(...ODD_CHARACTERS, 'A', 'z', '0', '-', '_'), maxLength: 60 }),
    );
    const value = fc.oneof(
      anyText,
      // the right shape: an id, a dot and 43 characters, some of them odd
      fc
        .tuple(
          anyText,
          fc.string({
            unit: fc.constantFrom(...ODD_CHARACTERS, 'A', 'b', '9'),
            minLength: 43,
            maxLength: 43,
          }),
        )
        .map(([id, sig]) => `${id}.${sig}`),
      // a real signature with one character replaced
      fc
        .tuple(fc.integer({ min: 0, max: 42 }), fc.constantFrom(...ODD_CHARACTERS))
        .map(([at, c]) => withSignatureChar(at, c)),
    );
    fc.assert(
      fc.property(value, (v) => {
        const id = unsignSessionId(v, SECRETS);
        if (id === undefined) return;
        expect(v).toBe(`${id}.${v.slice(id.length + 1)}`);
        expect(SECRETS.map((s) => `${id}.${signature(id, s)}`)).toContain(v);
      }),
      { numRuns: 5_000 },
    );
  });
});
