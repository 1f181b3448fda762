// Jest for jest-runner.spec.ts: the conformance suite as a user's Jest project runs it, TypeScript
// compiled by SWC with decorator metadata, as Vitest compiles it.
/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS config: require is how it loads */
const { join } = require('node:path');

module.exports = {
  rootDir: join(__dirname, '../..'),
  testMatch: ['<rootDir>/test/stores/*.jest-test.ts'],
  testEnvironment: 'node',
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      {
        jsc: {
          target: 'es2022',
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true },
        },
        module: { type: 'commonjs' },
      },
    ],
  },
};
