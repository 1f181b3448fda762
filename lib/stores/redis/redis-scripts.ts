import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DATA_FIELD, MARKER_FIELD, META_FIELD, VERSION_FIELD } from './redis-session-layout';

/**
 * The store's Lua scripts, kept as `.lua` files in `lua/` beside this module (the build copies
 * them into `dist/`), each headed with its KEYS, ARGV and reply. Shared pieces sit in
 * `lua/includes/`; a line `--@include <name>` in a script is replaced by `includes/<name>.lua`,
 * once per script however many files ask for it.
 *
 * The hash layout reaches the scripts through the include `layout`, which this loader writes from
 * the constants of `redis-session-layout.ts` as the Lua locals DATA_FIELD, META_FIELD and
 * MARKER_FIELD. They are substituted at load time rather than passed as ARGV because they are
 * constants of the code, not of a call: every call keeps the arguments its header documents and
 * sends no extra bytes, and each script has one text (one SHA) for every client, while the
 * TypeScript constants stay the only place the prefixes are spelled.
 * (The layout include also defines VERSION_FIELD, the write counter the near-cache compares.)
 */

/** The scripts by the ioredis command each is registered as. */
export const SESSION_SCRIPTS = {
  nestSessionsApply: { file: 'apply-session', numberOfKeys: 1 },
  nestSessionsApplyUnread: { file: 'apply-unread-session', numberOfKeys: 1 },
  nestSessionsTouch: { file: 'touch-session', numberOfKeys: 1 },
  nestSessionsDestroy: { file: 'destroy-session', numberOfKeys: 1 },
  nestSessionsIndexUser: { file: 'index-user-session', numberOfKeys: 2 },
  nestSessionsClearUser: { file: 'clear-user-index', numberOfKeys: 1 },
} as const;

export type SessionScriptName = keyof typeof SESSION_SCRIPTS;

/** What `apply-session.lua` replies first (then the session's version). */
export const ApplyReply = { Foreign: -1, Absent: 0, Applied: 1, Created: 2 } as const;
export type ApplyReply = (typeof ApplyReply)[keyof typeof ApplyReply];

/**
 * What `apply-unread-session.lua` replies first. After `Applied`: the version, createdAt,
 * expiresAt, ttl or null, userId or null; after `TooLarge`: the bytes the data would take.
 */
export const ApplyUnreadReply = { TooLarge: -2, Foreign: -1, Absent: 0, Applied: 1 } as const;
export type ApplyUnreadReply = (typeof ApplyUnreadReply)[keyof typeof ApplyUnreadReply];

/** What `touch-session.lua` replies. */
export const TouchReply = { Foreign: -1, Absent: 0, Touched: 1 } as const;
export type TouchReply = (typeof TouchReply)[keyof typeof TouchReply];

/** What `index-user-session.lua` replies first (then the prune size due, then evicted keys). */
export const IndexUserReply = { Stale: -1, Filed: 1 } as const;
export type IndexUserReply = (typeof IndexUserReply)[keyof typeof IndexUserReply];

/** What `destroy-session.lua` replies first (after `Destroyed`, the session's userId or null). */
export const DestroyReply = { Foreign: -1, Absent: 0, Destroyed: 1 } as const;
export type DestroyReply = (typeof DestroyReply)[keyof typeof DestroyReply];

/** The field names the `layout` include defines; `loadLuaScript` takes others only in tests. */
export interface LuaLayout {
  dataField: string;
  metaField: string;
  markerField: string;
  versionField: string;
}

const LAYOUT: LuaLayout = {
  dataField: DATA_FIELD,
  metaField: META_FIELD,
  markerField: MARKER_FIELD,
  versionField: VERSION_FIELD,
};
const LUA_DIR = join(__dirname, 'lua');
const INCLUDE_LINE = /^--@include\s+(.*?)\s*$/;
const INCLUDE_NAME = /^[a-z][a-z0-9-]*$/;

let loaded: Record<SessionScriptName, string> | undefined;

/** Every script's source, read from disk on first use (memory-only apps never read them). */
export function sessionScripts(): Record<SessionScriptName, string> {
  if (!loaded) {
    const scripts = {} as Record<SessionScriptName, string>;
    for (const [name, { file }] of Object.entries(SESSION_SCRIPTS)) {
      scripts[name as SessionScriptName] = loadLuaScript(file);
    }
    loaded = scripts;
  }
  return loaded;
}

/** One script from `lua/<file>.lua` with its includes expanded and the layout filled in. */
export function loadLuaScript(file: string, layout: LuaLayout = LAYOUT): string {
  const included = new Set<string>();
  const expand = (source: string, from: string): string =>
    source
      .split('\n')
      .map((line) => {
        const include = INCLUDE_LINE.exec(line)?.[1];
        if (include === undefined) return line;
        if (!INCLUDE_NAME.test(include)) {
          throw new Error(`${from}: bad include name ${JSON.stringify(include)}`);
        }
        if (included.has(include)) return `-- (${include} is included above)`;
        included.add(include);
        const text = include === 'layout' ? layoutLua(layout) : readLua(join('includes', `${include}.lua`));
        return expand(text.trimEnd(), `includes/${include}.lua`);
      })
      .join('\n');
  return expand(readLua(`${file}.lua`), `${file}.lua`);
}

function readLua(path: string): string {
  const full = join(LUA_DIR, path);
  try {
    return readFileSync(full, 'utf8');
  } catch (err) {
    throw new Error(
      `RedisStore cannot read its Lua script ${full} (the build copies lib/stores/redis/lua/ into dist/): ${(err as Error).message}`,
      { cause: err },
    );
  }
}

function layoutLua(layout: LuaLayout): string {
  return [
    '-- The hash layout, written by the loader from redis-session-layout.ts.',
    `local DATA_FIELD = ${luaString(layout.dataField)}`,
    `local META_FIELD = ${luaString(layout.metaField)}`,
    `local MARKER_FIELD = ${luaString(layout.markerField)}`,
    `local VERSION_FIELD = ${luaString(layout.versionField)}`,
  ].join('\n');
}

/** A Lua string literal for any text: printable ASCII as is, every other byte as `\ddd` (3 digits). */
function luaString(text: string): string {
  let literal = '"';
  for (const byte of Buffer.from(text, 'utf8')) {
    const printable = byte >= 0x20 && byte < 0x7f && byte !== 0x22 && byte !== 0x5c;
    literal += printable ? String.fromCharCode(byte) : `\\${String(byte).padStart(3, '0')}`;
  }
  return `${literal}"`;
}
