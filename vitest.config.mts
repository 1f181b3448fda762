import { fileURLToPath } from 'node:url';
import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';

const lib = fileURLToPath(new URL('./lib', import.meta.url));

// SWC, not esbuild: Nest's DI needs the decorator metadata that esbuild does not emit.
export default defineConfig({
  plugins: [swc.vite({ module: { type: 'es6' } })],
  // The sample and the README's snippets import 'nest-sessions' as users do: the sources here.
  resolve: {
    alias: [
      { find: /^nest-sessions$/, replacement: `${lib}/index.ts` },
      { find: /^nest-sessions\/(.+)$/, replacement: `${lib}/$1` },
    ],
  },
  test: {
    include: ['lib/**/*.spec.ts', 'test/**/*.spec.ts', 'test/**/*.e2e-spec.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Type tests (`*.test-d.ts`) are checked by tsc, not run: a failed `expectTypeOf` or an unused
    // `@ts-expect-error` fails the run.
    typecheck: { enabled: true, include: ['test/types/**/*.test-d.ts'] },
  },
});
