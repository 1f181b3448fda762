/**
 * A min-heap of (time, key) pairs kept in two parallel arrays, so a million entries cost two
 * arrays rather than a million small objects. Entries are never updated in place: a touched
 * session pushes a new pair and the stale one is skipped when it surfaces (the owner checks).
 */
export class ExpiryQueue {
  private times: number[] = [];
  private keys: string[] = [];
  /** Arrays keep the backing store they grew to; copy them once they are this much emptier. */
  private peak = 0;

  get size(): number {
    return this.times.length;
  }

  push(time: number, key: string): void {
    this.times.push(time);
    this.keys.push(key);
    this.siftUp(this.times.length - 1);
    if (this.times.length > this.peak) this.peak = this.times.length;
  }

  /** The earliest time, or Infinity when empty. */
  peekTime(): number {
    return this.times.length > 0 ? this.times[0] : Infinity;
  }

  /** Removes the earliest pair and returns its key. */
  pop(): string | undefined {
    const n = this.times.length;
    if (n === 0) return undefined;
    const key = this.keys[0];
    const lastTime = this.times.pop()!;
    const lastKey = this.keys.pop()!;
    if (n > 1) {
      this.times[0] = lastTime;
      this.keys[0] = lastKey;
      this.siftDown(0);
    }
    if (this.peak > 1024 && this.times.length * 4 < this.peak) this.compact();
    return key;
  }

  /** Replaces the whole queue (used to drop stale pairs once they outnumber live ones). */
  rebuild(entries: Iterable<[number, string]>): void {
    this.times = [];
    this.keys = [];
    for (const [time, key] of entries) {
      this.times.push(time);
      this.keys.push(key);
    }
    this.peak = this.times.length;
    for (let i = (this.times.length >> 1) - 1; i >= 0; i--) this.siftDown(i);
  }

  private compact(): void {
    this.times = this.times.slice();
    this.keys = this.keys.slice();
    this.peak = this.times.length;
  }

  private siftUp(i: number): void {
    const { times, keys } = this;
    const time = times[i];
    const key = keys[i];
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (times[parent] <= time) break;
      times[i] = times[parent];
      keys[i] = keys[parent];
      i = parent;
    }
    times[i] = time;
    keys[i] = key;
  }

  private siftDown(i: number): void {
    const { times, keys } = this;
    const n = times.length;
    const time = times[i];
    const key = keys[i];
    for (;;) {
      let child = 2 * i + 1;
      if (child >= n) break;
      if (child + 1 < n && times[child + 1] < times[child]) child++;
      if (times[child] >= time) break;
      times[i] = times[child];
      keys[i] = keys[child];
      i = child;
    }
    times[i] = time;
    keys[i] = key;
  }
}
