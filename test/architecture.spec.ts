import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The layers of lib/, lowest first: a folder may import its own layer and the ones below it,
 * never one above, so the folder names say where a change goes and nothing loops.
 */
const LAYERS: string[][] = [
  ['errors'],
  ['id', 'cookie'],
  ['stores'],
  ['options'],
  ['session'],
  ['users'],
  ['http'],
  // Where a session is opened for a handler: HTTP, GraphQL, WebSocket messages (@Session()).
  ['contexts'],
  // What apps inject: SessionManager, and SessionHealthIndicator (Terminus, loaded on first check).
  ['manager', 'health'],
  ['.'],
  // nest-sessions/testing, a separate entry: it may import stores and below, and nothing imports it.
  ['testing'],
];

const lib = resolve(__dirname, '../lib');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts') ? [path] : [];
  });
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const found = [...text.matchAll(/(?:from|import)\s+'(\.{1,2}\/[^']+)'/g)].map((m) => m[1]);
  return found.map((spec) => {
    const base = resolve(dirname(file), spec);
    const candidates = [`${base}.ts`, join(base, 'index.ts')];
    const hit = candidates.find((c) => files.includes(c));
    if (!hit) throw new Error(`${relative(lib, file)} imports ${spec}, which is not a lib/ source`);
    return hit;
  });
}

const layerOf = (file: string) => {
  const top = relative(lib, file).split('/');
  const folder = top.length === 1 ? '.' : top[0];
  const layer = LAYERS.findIndex((names) => names.includes(folder));
  if (layer < 0) throw new Error(`lib/${folder} has no layer in test/architecture.spec.ts`);
  return layer;
};

const files = sources(lib);
const graph = new Map(files.map((file) => [file, importsOf(file)]));

describe('lib/ layout', () => {
  it('has no folder that imports a folder of a layer above it', () => {
    const upward: string[] = [];
    for (const [file, imports] of graph) {
      for (const target of imports) {
        if (layerOf(target) > layerOf(file))
          upward.push(`${relative(lib, file)} -> ${relative(lib, target)}`);
      }
    }
    expect(upward).toEqual([]);
  });

  it('has no import cycle between files', () => {
    const cycles: string[] = [];
    const state = new Map<string, 'visiting' | 'done'>();
    const visit = (file: string, path: string[]) => {
      if (state.get(file) === 'done') return;
      if (state.get(file) === 'visiting') {
        cycles.push([...path.slice(path.indexOf(file)), file].map((f) => relative(lib, f)).join(' -> '));
        return;
      }
      state.set(file, 'visiting');
      for (const next of graph.get(file)!) visit(next, [...path, file]);
      state.set(file, 'done');
    };
    for (const file of files) visit(file, []);
    expect(cycles).toEqual([]);
  });

  it('keeps lib/testing out of what lib/index.ts loads, and free of any test runner', () => {
    const reached = new Set<string>();
    const visit = (file: string) => {
      if (reached.has(file)) return;
      reached.add(file);
      for (const next of graph.get(file)!) visit(next);
    };
    visit(join(lib, 'index.ts'));
    expect([...reached].filter((f) => relative(lib, f).startsWith('testing/'))).toEqual([]);
    // Import lines only: a JSDoc @example may show a runner's import.
    const runnerImport = /^import [^;]*from '(vitest|jest|@jest\/globals)'/m;
    const runners = files.filter((f) => runnerImport.test(readFileSync(f, 'utf8')));
    expect(runners.map((f) => relative(lib, f))).toEqual([]);
  });

  it('keeps unit specs in lib/ independent of test/', () => {
    const specs = readdirSync(lib, { recursive: true, encoding: 'utf8' }).filter((f) =>
      f.endsWith('.spec.ts'),
    );
    const offenders = specs.filter((spec) =>
      /from '(\.\.\/)+test\//.test(readFileSync(join(lib, spec), 'utf8')),
    );
    expect(offenders).toEqual([]);
  });
});
