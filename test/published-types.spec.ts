import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * The `.d.ts` files the package publishes (built with `stripInternal`) must type-check on their
 * own in a user's project that checks libraries (`skipLibCheck: false`): a public declaration
 * that names an `@internal` one would break every such build.
 */
const root = join(__dirname, '..');
const tsc = join(root, 'node_modules/typescript/bin/tsc');
// Inside the project, so the declarations resolve @nestjs/common, rxjs... from its node_modules.
const cache = join(root, 'node_modules/.cache');
mkdirSync(cache, { recursive: true });
const work = mkdtempSync(join(cache, 'published-types-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const run = (args: string[]) => spawnSync(process.execPath, [tsc, ...args], { cwd: root, encoding: 'utf8' });

describe('published types', () => {
  it('type-check in a consumer project with skipLibCheck: false', () => {
    const types = join(work, 'types');
    const build = run(['-p', 'tsconfig.build.json', '--emitDeclarationOnly', '--outDir', types]);
    expect(build.stdout + build.stderr).toBe('');
    const consumer = join(work, 'consumer.ts');
    writeFileSync(
      consumer,
      [
        `import * as sessions from ${JSON.stringify(join(types, 'index'))};`,
        `import * as testing from ${JSON.stringify(join(types, 'testing/index'))};`,
        'export const used: unknown[] = [sessions, testing];',
        'export type Writer = sessions.SessionWriter<{ n: number }>;',
      ].join('\n'),
    );
    const check = run([
      '--noEmit',
      '--strict',
      '--skipLibCheck',
      'false',
      '--target',
      'es2022',
      '--module',
      'commonjs',
      '--moduleResolution',
      'node',
      '--experimentalDecorators',
      '--types',
      'node',
      consumer,
    ]);
    expect(check.stdout + check.stderr).toBe('');
  }, 120_000);
});
