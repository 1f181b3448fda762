import type { Logger } from '@nestjs/common';

/**
 * Deletes expired rows on an unref'd timer, in bounded batches: `batch` returns how many rows it
 * deleted (at most its limit), and the sweep goes on while batches come back full, up to
 * `maxBatches` per tick, so one tick never holds the database for long. A failing sweep is logged
 * once until it succeeds again.
 */
export class SqlSweeper {
  private readonly timer: NodeJS.Timeout;
  private running = false;
  private failing = false;

  constructor(
    interval: number,
    private readonly batchSize: number,
    private readonly batch: () => Promise<number>,
    private readonly logger: Logger,
    private readonly maxBatches = 100,
  ) {
    this.timer = setInterval(() => void this.sweep(), interval).unref();
  }

  /** One sweep (the timer's tick); resolves with the rows deleted. Never rejects. */
  async sweep(): Promise<number> {
    if (this.running) return 0;
    this.running = true;
    let total = 0;
    try {
      for (let i = 0; i < this.maxBatches; i++) {
        const n = await this.batch();
        total += n;
        if (n < this.batchSize) break;
      }
      if (this.failing) this.logger.log('Sweeping expired sessions works again');
      this.failing = false;
    } catch (err) {
      if (!this.failing) this.logger.error(`Sweeping expired sessions failed: ${(err as Error).message}`);
      this.failing = true;
    } finally {
      this.running = false;
    }
    return total;
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
