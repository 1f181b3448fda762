import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const root = join(__dirname, '../..');
const run = promisify(execFile);

/** Runs test/support/memory-only-app.ts in a fresh Node with the given packages uninstallable. */
async function memoryOnlyApp(hide: string) {
  const { stdout } = await run(
    process.execPath,
    [
      '--require',
      './test/support/swc-register.cjs',
      '--require',
      './test/support/hide-packages.cjs',
      'test/support/memory-only-app.ts',
    ],
    { cwd: root, timeout: 60_000, env: { ...process.env, HIDE_PACKAGES: hide } },
  );
  return JSON.parse(stdout.trim().split('\n').pop()!);
}

describe('@nestjs/terminus is an optional peer', () => {
  it('a memory-only app without it loads nest-sessions and serves sessions; a health check says what to install', async () => {
    const seen = await memoryOnlyApp('@nestjs/terminus,ioredis');
    expect(seen.visits).toEqual([{ n: 1 }, { n: 2 }]);
    expect(seen.health).toBe('SessionHealthIndicator needs @nestjs/terminus: npm install @nestjs/terminus');
  });

  it('with it installed, Terminus is loaded only when a health check runs', async () => {
    const seen = await memoryOnlyApp('');
    expect(seen.health).toBe('checked');
    expect(seen.terminusBefore).toBe(false);
    expect(seen.terminusAfter).toBe(true);
  });
});
