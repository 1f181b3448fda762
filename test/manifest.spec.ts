import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(__dirname, '..');
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts') ? [path] : [];
  });
}

/** Package names a file imports or requires at run time or for types. */
function importedPackages(file: string): string[] {
  const text = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
  const specifiers = [...text.matchAll(/(?:from\s+|require\(|import\()\s*['"]([^'"]+)['"]/g)].map(
    (m) => m[1],
  );
  return specifiers
    .filter((s) => !s.startsWith('.') && !s.startsWith('node:') && !builtinModules.includes(s))
    .map((s) => (s.startsWith('@') ? s.split('/').slice(0, 2).join('/') : s.split('/')[0]));
}

describe('package manifest', () => {
  const packages = new Set(sourceFiles(join(root, 'lib')).flatMap(importedPackages));

  it('declares every package lib/ imports as a peer dependency (or as its one runtime dependency)', () => {
    expect(packages.size).toBeGreaterThan(0);
    const declared = { ...manifest.peerDependencies, ...manifest.dependencies };
    for (const name of packages) expect(declared, name).toHaveProperty(name);
  });

  it('keeps ioredis optional, and has no runtime dependency but lru-cache (the near-cache)', () => {
    expect(manifest.peerDependenciesMeta.ioredis.optional).toBe(true);
    expect(Object.keys(manifest.dependencies ?? {})).toEqual(['lru-cache']);
  });

  it('publishes only dist, with types first in exports', () => {
    expect(manifest.files).toEqual(['dist']);
    expect(Object.keys(manifest.exports['.'])[0]).toBe('types');
  });
});
