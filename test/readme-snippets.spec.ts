import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain ES module script, no types
import { currentFiles, snippetFiles } from './readme/extract-snippets.mjs';

/**
 * Every ```ts block of the README is copied to test/readme/snippets/ and compiled there by
 * `npm test`'s tsc, as a module of its own: this keeps the copies equal to the README.
 */
describe('README snippets', () => {
  it('are copied to test/readme/snippets/ as they stand (else: node test/readme/extract-snippets.mjs)', () => {
    const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');
    const expected = snippetFiles(readme) as Map<string, string>;
    expect(expected.size).toBeGreaterThan(10);
    expect(Object.fromEntries(currentFiles() as Map<string, string>)).toEqual(Object.fromEntries(expected));
  });
});
