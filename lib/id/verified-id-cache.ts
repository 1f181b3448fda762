/**
 * Remembers which raw id values (a signed cookie, a header) already proved well-formed and
 * correctly signed, with their store key, so a returning client costs a Map lookup instead of an
 * HMAC and a SHA-256 per request. Only successes are kept, keyed by the exact raw text, so a
 * cached entry can never verify anything the full check would refuse. Bounded: the oldest
 * entries go first.
 */
export class VerifiedIdCache {
  private readonly entries = new Map<string, { id: string; key: string }>();

  constructor(private readonly capacity = 10_000) {}

  get(raw: string): { id: string; key: string } | undefined {
    return this.entries.get(raw);
  }

  remember(raw: string, id: string, key: string): void {
    if (this.entries.size >= this.capacity) {
      this.entries.delete(this.entries.keys().next().value as string);
    }
    this.entries.set(raw, { id, key });
  }
}
