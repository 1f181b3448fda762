interface VerifiedId {
  id: string;
  key: string;
}

/**
 * Remembers which raw id values (a signed cookie, a header) already proved well-formed and
 * correctly signed, with their store key, so a returning client costs a Map lookup instead of an
 * HMAC and a SHA-256 per request. Only successes are kept, keyed by the exact raw text, so a
 * cached entry can never verify anything the full check would refuse.
 *
 * Each source (`'cookie'`, `'header'`, `'query'`) has its own entries: sources are checked
 * differently (only cookies are signed), so a value verified from one must never count as verified
 * from another, whatever text it holds. Bounded: at most `capacity` entries per source, the oldest
 * go first.
 */
export class VerifiedIdCache {
  private readonly sources = new Map<string, Map<string, VerifiedId>>();

  constructor(private readonly capacity = 10_000) {}

  get(source: string, raw: string): VerifiedId | undefined {
    return this.sources.get(source)?.get(raw);
  }

  remember(source: string, raw: string, id: string, key: string): void {
    let entries = this.sources.get(source);
    if (!entries) this.sources.set(source, (entries = new Map<string, VerifiedId>()));
    if (entries.size >= this.capacity) entries.delete(entries.keys().next().value as string);
    entries.set(raw, { id, key });
  }
}
