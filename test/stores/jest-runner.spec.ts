import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const root = join(__dirname, '../..');
const run = promisify(execFile);

interface JestReport {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  testResults: { assertionResults: { ancestorTitles: string[]; status: string }[] }[];
}

/** Jest's JSON report of the `*.jest-test.ts` files matching `pattern` (Jest exits non-zero on a failure). */
async function jest(pattern: string): Promise<JestReport> {
  const args = ['node_modules/jest/bin/jest.js', '--config', 'test/support/jest.config.cjs'];
  args.push('--json', '--testPathPatterns', pattern);
  try {
    const { stdout } = await run(process.execPath, args, { cwd: root, timeout: 120_000 });
    return JSON.parse(stdout) as JestReport;
  } catch (err) {
    const { stdout } = err as { stdout?: string };
    if (!stdout) throw err;
    return JSON.parse(stdout) as JestReport;
  }
}

describe('nest-sessions/testing under Jest (its globals)', () => {
  it('passes for MemoryStore and for a store with the required methods only', async () => {
    const report = await jest('memory-store');
    expect(report.numFailedTests).toBe(0);
    expect(report.numPassedTests).toBeGreaterThan(40);
    const suites = new Set(
      report.testResults.flatMap((file) => file.assertionResults.map((test) => test.ancestorTitles[0])),
    );
    expect([...suites].sort()).toEqual(
      ['A store with the required methods only', 'MemoryStore'].map((name) => expect.stringContaining(name)),
    );
  });

  it('fails a store that forgets its sessions', async () => {
    const report = await jest('broken-store');
    expect(report.numFailedTests).toBeGreaterThan(5);
  });
});
