interface Waiting<T, R> {
  item: T;
  resolve: (result: R) => void;
  reject: (err: unknown) => void;
}

/**
 * Group commit: items for one lock (a session's change sets, a user's new sessions) that arrive
 * while it is held (an earlier write in progress, here or in another process) wait together and
 * are handled in one turn of the lock, in arrival order, so the result is the one of handling
 * them one by one at the cost of one read and one write. Without it, N concurrent requests on a
 * session cost N flushed writes in a row.
 */
export class WriteBatches<T, R> {
  private readonly open = new Map<string, Waiting<T, R>[]>();

  constructor(
    /** Runs `body` holding `name`'s lock. */
    private readonly locked: <X>(name: string, body: () => Promise<X>) => Promise<X>,
    /** Handles the items (lock held), one settled result per item, in order. */
    private readonly handle: (name: string, items: T[]) => Promise<PromiseSettledResult<R>[]>,
  ) {}

  add(name: string, item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      const waiting = { item, resolve, reject };
      const batch = this.open.get(name);
      if (batch) {
        batch.push(waiting);
        return;
      }
      const fresh = [waiting];
      this.open.set(name, fresh);
      const close = () => {
        if (this.open.get(name) === fresh) this.open.delete(name);
      };
      this.locked(name, () => {
        close(); // later arrivals form the next batch, behind this one
        return this.handle(
          name,
          fresh.map((w) => w.item),
        );
      }).then(
        (results) =>
          fresh.forEach((w, i) => {
            const result = results[i];
            if (result.status === 'fulfilled') w.resolve(result.value);
            else w.reject(result.reason);
          }),
        (err: unknown) => {
          close();
          fresh.forEach((w) => w.reject(err));
        },
      );
    });
  }
}

/** The same result for every item of a batch. */
export function allSettledAs<R>(count: number, value: R): PromiseSettledResult<R>[] {
  return Array.from({ length: count }, () => ({ status: 'fulfilled' as const, value }));
}
