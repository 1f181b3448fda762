import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';

// SWC, not esbuild: Nest's DI needs the decorator metadata that esbuild does not emit.
export default defineConfig({
  plugins: [swc.vite({ module: { type: 'es6' } })],
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
