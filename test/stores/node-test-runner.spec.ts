import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const root = join(__dirname, '../..');
const run = promisify(execFile);

/** The `# name N` totals at the end of a TAP report. */
function totals(tap: string): Record<string, number> {
  return Object.fromEntries([...tap.matchAll(/^# (\w+) (\d+)$/gm)].map((m) => [m[1], Number(m[2])]));
}

describe('nest-sessions/testing under node:test', () => {
  it('passes for MemoryStore, and skips the capability tests of a store without them', async () => {
    // Exits non-zero, so rejects, when a test fails.
    const { stdout } = await run(
      process.execPath,
      [
        '--require',
        './test/support/swc-register.cjs',
        '--test',
        '--test-reporter=tap',
        'test/stores/memory-store.node-test.ts',
      ],
      { cwd: root, timeout: 60_000 },
    );
    const counted = totals(stdout);
    expect(counted.fail).toBe(0);
    expect(counted.pass).toBeGreaterThan(20);
    expect(counted.skipped).toBeGreaterThan(0);
    expect(counted.tests).toBe(counted.pass + counted.skipped);
    // Only capability tests of the store without capabilities are skipped.
    const skips = stdout.split('\n').filter((line) => line.includes('# SKIP'));
    expect(skips).toHaveLength(counted.skipped);
    for (const line of skips) expect(line).toMatch(/ - .*# SKIP the store is no \w+Store$/);
  });
});
