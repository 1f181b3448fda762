import { Redis } from 'ioredis';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LuaLayout } from '../../lib/stores/redis/redis-scripts';
import { loadLuaScript, sessionScripts } from '../../lib/stores/redis/redis-scripts';
import type { RedisServerHandle } from '../support/redis-server';
import { startRedisServer } from '../support/redis-server';
import { trackedClients } from '../support/tracked-clients';

const LUA_DIR = join(__dirname, '../../lib/stores/redis/lua');

let server: RedisServerHandle;
const clients = trackedClients();
let redis: Redis;

beforeAll(async () => {
  server = await startRedisServer();
  redis = clients.track(new Redis({ host: server.host, port: server.port }));
});
afterAll(async () => {
  await clients.closeAll();
  await server?.stop();
});

describe('RedisStore Lua scripts', () => {
  it('take the field prefixes and the marker from the layout they are loaded with', async () => {
    // Quotes, a backslash, a newline and non-ASCII: the loader must write them as Lua literals.
    const layout: LuaLayout = {
      dataField: 'da"ta\\\n\u00e9:',
      metaField: "me'ta:",
      markerField: "me'ta:born",
      versionField: "me'ta:v\u00e9rsion",
    };
    const [apply, touch, destroy] = ['apply-session', 'touch-session', 'destroy-session'].map((file) =>
      loadLuaScript(file, layout),
    );
    const data = (name: string) => layout.dataField + name;
    const meta = (name: string) => layout.metaField + name;
    const key = 'lua-spec:{layout}';
    const ttl = 60_000;
    // expiry (ms, expiresAt, lastSeenAt, ttl), clear, counts D S I C, then the fields.
    const created = await redis.eval(
      apply,
      1,
      key,
      ttl,
      2,
      1,
      '5',
      '0',
      0,
      1,
      1,
      2,
      data('a'),
      '"x"',
      data('n'),
      '1',
      layout.markerField,
      '1',
      meta('userId'),
      'u1',
    );
    expect(created).toEqual([2, 1]);
    expect(Object.keys(await redis.hgetall(key)).sort()).toEqual(
      [
        data('a'),
        data('n'),
        layout.markerField,
        meta('expiresAt'),
        meta('lastSeenAt'),
        meta('ttl'),
        meta('userId'),
        layout.versionField,
      ].sort(),
    );

    // Clearing drops the data fields, found by their prefix, and keeps the metadata.
    expect(await redis.eval(apply, 1, key, ttl, 3, 3, '', '1', 0, 0, 0, 0)).toEqual([1, 2]);
    expect(await redis.hget(key, data('a'))).toBeNull();
    expect(await redis.hget(key, meta('expiresAt'))).toBe('3');

    expect(await redis.eval(touch, 1, key, ttl, 4, 4, '7')).toBe(1);
    expect(await redis.hmget(key, meta('expiresAt'), meta('ttl'))).toEqual(['4', '7']);
    expect(await redis.eval(destroy, 1, key)).toEqual([1, 'u1']);

    // A hash with the default marker but not this layout's is not a session of this layout.
    await redis.hset(key, 'm:createdAt', '1');
    expect(await redis.eval(touch, 1, key, ttl, 4, 4, '')).toBe(-1);
    expect(await redis.eval(destroy, 1, key)).toEqual([-1]);
    expect(await redis.exists(key)).toBe(0);
  });

  it('expand each include once and leave no include line behind', () => {
    for (const [name, lua] of Object.entries(sessionScripts())) {
      expect(lua, name).not.toMatch(/^--@include/m);
      for (const definition of ['local DATA_FIELD =', 'local function session_state(']) {
        expect(lua.split(definition).length, `${name}: ${definition}`).toBeLessThanOrEqual(2);
      }
    }
    expect(sessionScripts().nestSessionsApply).toContain('local function json_number(');
    expect(() => loadLuaScript('no-such-script')).toThrow(/cannot read its Lua script .*no-such-script\.lua/);
  });

  it('spell no field prefix: the layout constants are the only place', () => {
    const files = (readdirSync(LUA_DIR, { recursive: true }) as string[]).filter((f) => f.endsWith('.lua'));
    expect(files.length).toBeGreaterThanOrEqual(6);
    for (const file of files) {
      const code = readFileSync(join(LUA_DIR, file), 'utf8').replace(/--\[\[[\s\S]*?\]\]|--.*$/gm, '');
      expect(code, file).not.toMatch(/['"][dm]:/);
    }
  });
});
