// `node --require` this to load the TypeScript of lib/ and test/ as CommonJS, compiled by SWC as
// Vitest compiles it (decorator metadata included), for specs run outside Vitest (node:test).
/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS preload: require is how it loads */
const { readFileSync } = require('node:fs');
const { transformSync } = require('@swc/core');

require.extensions['.ts'] = (module, filename) => {
  const { code } = transformSync(readFileSync(filename, 'utf8'), {
    filename,
    sourceMaps: 'inline',
    module: { type: 'commonjs' },
    jsc: {
      target: 'es2022',
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
    },
  });
  module._compile(code, filename);
};
