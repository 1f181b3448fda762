import { Logger } from '@nestjs/common';
import { SessionWriterView } from '../session/session-writer-view';

const logger = new Logger('SessionHandler');
/** Marks a handler already wrapped (two `@Session()` parameters wrap it once). */
const WRAPPED = Symbol('nest-sessions:wrapped-handler');
/** Sessions their HTTP response saves once, before its head (GraphQL): the handler leaves them alone. */
const savedByResponse = new WeakSet<object>();

/**
 * Marks a session as saved by its held HTTP response, not after each handler: GraphQL resolvers
 * of one request run in parallel on one session, and a save after each would write it many times
 * while others are still changing it.
 */
export function leaveSaveToResponse(session: object): void {
  savedByResponse.add(session);
}

/** What a handler's session parameter is: a session, or the writer view of one; both commit. */
interface Committable {
  commit(): Promise<void> | undefined;
}

type Handler = ((...args: unknown[]) => unknown) & { [WRAPPED]?: true };

/**
 * Wraps the handler at `target[key]` so the session it receives as argument `index` is saved after
 * it returns, before Nest writes the response, and also when it throws (what it set before the
 * error, a flash message, is kept). A failed save fails the request through the app's exception
 * filters (503), unless the handler failed first, whose error then wins. This is what an
 * interceptor would do, without Nest's interceptor pipeline on every call.
 *
 * Runs once the class is fully decorated (a microtask after its definition), and carries over
 * every metadata key of the handler (route, guards, pipes, interceptors...), so Nest sees the
 * handler as it was declared.
 */
export function saveAfterHandler(target: object, key: string | symbol, index: number): void {
  queueMicrotask(() => {
    const owner = target as Record<string | symbol, unknown>;
    const original = owner[key] as Handler;
    if (typeof original !== 'function' || original[WRAPPED]) return;
    const wrapped: Handler = function (this: unknown, ...args: unknown[]) {
      const session = args[index] as Committable | undefined;
      let result: unknown;
      try {
        result = original.apply(this, args);
      } catch (error) {
        return saveAfterFailure(session, error);
      }
      if (isThenable(result)) {
        return result.then(
          (value) => saveThen(session, value),
          (error: unknown) => saveAfterFailure(session, error),
        );
      }
      return saveThen(session, result);
    };
    wrapped[WRAPPED] = true;
    for (const metadataKey of Reflect.getMetadataKeys(original) as unknown[]) {
      Reflect.defineMetadata(metadataKey, Reflect.getMetadata(metadataKey, original), wrapped);
    }
    Object.defineProperty(wrapped, 'name', { value: original.name });
    Object.defineProperty(target, key, { ...Object.getOwnPropertyDescriptor(target, key), value: wrapped });
  });
}

/** The handler's result once the session is saved; the result itself when there is nothing to save. */
function saveThen(session: Committable | undefined, result: unknown): unknown {
  const saving = commit(session);
  return saving ? saving.then(() => result) : result;
}

async function saveAfterFailure(session: Committable | undefined, error: unknown): Promise<never> {
  try {
    await commit(session);
  } catch (saveError) {
    logger.error(`Session not saved after a failed handler: ${String(saveError)}`);
  }
  throw error;
}

function commit(session: Committable | undefined): Promise<void> | undefined {
  if (session === undefined) return undefined;
  const target = session instanceof SessionWriterView ? session.session : session;
  return savedByResponse.has(target) ? undefined : session.commit();
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | null)?.then === 'function';
}
