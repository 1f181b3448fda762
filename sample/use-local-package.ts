import { cpSync, existsSync } from 'node:fs';
import Module from 'node:module';
import { join } from 'node:path';

/**
 * In your app, `'nest-sessions'` comes from node_modules. This repository's sample runs from its
 * own sources instead: `npm start` compiles lib/ and sample/ into dist-sample/ (tsconfig paths map
 * the name for the compiler), and this maps the name for Node. It must be the first import.
 */
const lib = join(__dirname, '..', 'lib');

type Resolve = (request: string, ...rest: unknown[]) => string;
const loader = Module as unknown as { _resolveFilename: Resolve };
const resolve = loader._resolveFilename;
loader._resolveFilename = function (this: unknown, request: string, ...rest: unknown[]): string {
  if (request === 'nest-sessions') return resolve.call(this, lib, ...rest);
  if (request.startsWith('nest-sessions/')) return resolve.call(this, join(lib, request.slice(14)), ...rest);
  return resolve.call(this, request, ...rest);
};

// The package's build copies RedisStore's Lua scripts beside it; tsc does not.
const lua = join(lib, 'stores', 'redis', 'lua');
if (!existsSync(lua))
  cpSync(join(__dirname, '..', '..', 'lib', 'stores', 'redis', 'lua'), lua, { recursive: true });
