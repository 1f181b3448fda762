/** Most digits a freshness token has: a write counter stays far below 10^15. */
const MAX_DIGITS = 15;

/**
 * The write counter a freshness token names (see `FreshnessStore`), or undefined when the text is
 * not one: 1 to 15 ASCII digits. Tokens come from clients: this runs on every cached read, so it
 * is a character loop rather than a regular expression.
 */
export function freshnessVersion(token: string | undefined): number | undefined {
  if (token === undefined || token.length === 0 || token.length > MAX_DIGITS) return undefined;
  for (let i = 0; i < token.length; i++) {
    const code = token.charCodeAt(i);
    if (code < 48 || code > 57) return undefined;
  }
  return Number(token);
}
