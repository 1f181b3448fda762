// Type tests for the public `Session<T>` API: checked by tsc (`npm test` runs `tsc -p tsconfig.json`,
// which includes test/), and by Vitest's typecheck. Never run. Each `@ts-expect-error` line must
// stay an error: tsc fails on one that no longer is.
import { assertType, describe, expectTypeOf, it } from 'vitest';
import {
  Session,
  type NumericKeys,
  type SessionData,
  type SessionManager,
  type SessionParameterOptions,
  type SessionValue,
  type SessionWriter,
} from '../../lib';

/** An interface, not a type literal: it has no implicit index signature. */
interface Profile {
  city: string;
}

interface Data {
  n: number;
  name: string;
  count?: number;
  profile?: Profile;
  tags: string[];
}

/** The README's example. */
interface Cart {
  userName?: string;
  visits: number;
  items: string[];
}

/** Keys typed loosely, or with types JSON cannot carry. */
interface Loose {
  extra: unknown;
  optional?: string;
  callback: () => void;
  big: bigint;
  either: string | (() => string);
}

declare const typed: Session<Data>;
declare const bare: Session;
declare const loose: Session<Loose>;
declare const untyped: unknown;
declare const readonlyTags: readonly string[];
declare const cart: Session<Cart>;
declare const profile: Profile;
declare const manager: SessionManager;

describe('Session<T>: keys and values typed by T', () => {
  it('get(key) returns T[K] | undefined', () => {
    expectTypeOf(typed.get('n')).toEqualTypeOf<number | undefined>();
    expectTypeOf(typed.get('name')).toEqualTypeOf<string | undefined>();
    expectTypeOf(typed.get('count')).toEqualTypeOf<number | undefined>();
    expectTypeOf(typed.get('profile')).toEqualTypeOf<Profile | undefined>();
    expectTypeOf(cart.get('items')).toEqualTypeOf<string[] | undefined>();
  });

  it('set(key, value) checks the value against T[K]', () => {
    typed.set('n', 1);
    typed.set('name', 'Ada');
    typed.set('count', 2);
    typed.set('profile', profile);
    typed.set('profile', { city: 'Paris' });
    typed.set('tags', []);
    cart.set('items', [...(cart.get('items') ?? []), 'apple']);
    expectTypeOf(typed.set('n', 1)).toEqualTypeOf<void>();
    // @ts-expect-error a string for a number key
    typed.set('n', 'x');
    // @ts-expect-error a number for a string key
    typed.set('name', 1);
    // @ts-expect-error an object missing a required property
    typed.set('profile', {});
    // @ts-expect-error an array of the wrong element type
    typed.set('tags', [1]);
    // @ts-expect-error undefined is no value (set throws): delete the key instead
    typed.set('count', undefined);
  });

  it('set rejects what JSON cannot carry on a bare Session', () => {
    bare.set('name', 'Ada');
    bare.set('n', 1);
    bare.set('flag', false);
    bare.set('none', null);
    bare.set('list', [1, 'a', null]);
    bare.set('nested', { a: { b: [1] }, call: 'a property named like a function member' });
    bare.set('profile', profile);
    bare.set('tags', readonlyTags);
    // @ts-expect-error a function
    bare.set('f', () => 1);
    // @ts-expect-error a class
    bare.set('c', class {});
    // @ts-expect-error a BigInt
    bare.set('big', 10n);
    // @ts-expect-error a symbol
    bare.set('sym', Symbol('s'));
    // @ts-expect-error undefined: delete the key instead
    bare.set('u', undefined);
    // @ts-expect-error a Map (set throws)
    bare.set('map', new Map());
    // @ts-expect-error a Set (set throws)
    bare.set('set', new Set([1]));
    // @ts-expect-error a Promise (JSON writes {}): await it first
    bare.set('later', Promise.resolve(1));
    // @ts-expect-error an unknown value: narrow it first
    bare.set('x', untyped);
  });

  it('set checks untyped keys of a typed session the same way, and typed keys by their type', () => {
    loose.set('extra', { a: 1 });
    loose.set('extra', profile);
    loose.set('either', 'x');
    // @ts-expect-error a function for an untyped key
    loose.set('extra', () => 1);
    // @ts-expect-error a BigInt for an untyped key
    loose.set('extra', 1n);
    // @ts-expect-error undefined for an optional key
    loose.set('optional', undefined);
    // @ts-expect-error a key typed as a function takes nothing
    loose.set('callback', () => undefined);
    // @ts-expect-error nor does a BigInt key
    loose.set('big', 1n);
    // @ts-expect-error the function half of a union
    loose.set('either', () => 'x');
  });

  it("SessionValue<T[K]> is set's value type, to name in generic helpers", () => {
    function put<T extends object, K extends keyof T & string>(
      session: Session<T>,
      key: K,
      value: SessionValue<T[K]>,
    ) {
      session.set(key, value);
    }
    put(typed, 'n', 1);
    // @ts-expect-error a string for a number key
    put(typed, 'n', 'x');
    expectTypeOf<SessionValue<number | undefined>>().toEqualTypeOf<number>();
    expectTypeOf<SessionValue<string | (() => string)>>().toEqualTypeOf<string>();
    expectTypeOf<SessionValue<Profile>>().toEqualTypeOf<Profile>();
  });

  it('keys outside T are errors', () => {
    // @ts-expect-error not a key of Data
    typed.get('missing');
    // @ts-expect-error not a key of Data
    typed.set('missing', 1);
    // @ts-expect-error not a key of Data
    typed.has('missing');
    // @ts-expect-error not a key of Data
    typed.delete('missing');
    // @ts-expect-error not a key of Data
    typed.increment('missing');
    expectTypeOf(typed.has('n')).toEqualTypeOf<boolean>();
    expectTypeOf(typed.delete('profile')).toEqualTypeOf<void>();
    expectTypeOf(typed.has).parameter(0).toEqualTypeOf<keyof Data>();
  });

  it('all() is a read-only partial copy', () => {
    expectTypeOf(typed.all()).toEqualTypeOf<Readonly<Partial<Data>>>();
    expectTypeOf(typed.all().n).toEqualTypeOf<number | undefined>();
    const all = typed.all();
    // @ts-expect-error read-only
    all.n = 1;
  });
});

describe('increment', () => {
  it('accepts only the numeric keys of a typed session, optional ones included', () => {
    expectTypeOf(typed.increment('n')).toEqualTypeOf<number>();
    assertType<number>(typed.increment('n', 5));
    assertType<number>(typed.increment('count'));
    assertType<number>(cart.increment('visits'));
    expectTypeOf<NumericKeys<Data>>().toEqualTypeOf<'n' | 'count'>();
    // @ts-expect-error a string key
    typed.increment('name');
    // @ts-expect-error an object key
    typed.increment('profile');
    // @ts-expect-error an array key
    cart.increment('items');
    // @ts-expect-error an optional string key
    cart.increment('userName');
    // @ts-expect-error `by` is a number
    typed.increment('n', '1');
  });

  it('accepts any key of a bare Session, whose values are untyped', () => {
    expectTypeOf(bare.increment('n')).toEqualTypeOf<number>();
    assertType<number>(bare.increment('anything', -1));
    expectTypeOf<NumericKeys<SessionData>>().toEqualTypeOf<string>();
    expectTypeOf<NumericKeys<Record<string, number>>>().toEqualTypeOf<string>();
    expectTypeOf<NumericKeys<Record<string, string>>>().toEqualTypeOf<never>();
    // Beside an index signature that is not countable: only the number key.
    expectTypeOf<
      NumericKeys<{ [key: string]: string | number; n: number; s: string }>
    >().toEqualTypeOf<'n'>();
  });

  it('counts a key whose value is a number or absent, or untyped', () => {
    interface Edge {
      explicit: number | undefined;
      untyped: unknown;
      // A stored null makes increment throw, and a count can leave a literal union or a mixed type.
      nullable: number | null;
      level: 1 | 2 | 3;
      either: string | number;
    }
    expectTypeOf<NumericKeys<Edge>>().toEqualTypeOf<'explicit' | 'untyped'>();
  });
});

describe('the session around the data', () => {
  it('has read-only metadata', () => {
    expectTypeOf(typed.id).toEqualTypeOf<string>();
    expectTypeOf(typed.isNew).toEqualTypeOf<boolean>();
    expectTypeOf(typed.createdAt).toEqualTypeOf<Date>();
    expectTypeOf(typed.expiresAt).toEqualTypeOf<Date>();
    expectTypeOf(typed.userId).toEqualTypeOf<string | undefined>();
    // @ts-expect-error read-only
    typed.id = 'other';
    // @ts-expect-error read-only
    typed.userId = 'u1';
  });

  it('has async lifecycle methods', () => {
    expectTypeOf(typed.save()).toEqualTypeOf<Promise<void>>();
    expectTypeOf(typed.regenerate()).toEqualTypeOf<Promise<void>>();
    expectTypeOf(typed.destroy()).toEqualTypeOf<Promise<void>>();
    expectTypeOf(typed.login('u1')).toEqualTypeOf<Promise<void>>();
    expectTypeOf(typed.login('u1', { ttl: 60_000 })).toEqualTypeOf<Promise<void>>();
    expectTypeOf(typed.logout()).toEqualTypeOf<Promise<void>>();
    expectTypeOf(typed.user<{ name: string }>()).toEqualTypeOf<Promise<{ name: string } | undefined>>();
    expectTypeOf(typed.user()).toEqualTypeOf<Promise<unknown>>();
    // @ts-expect-error a user id is a string
    void typed.login(42);
    // @ts-expect-error ttl is in ms, a number
    void typed.login('u1', { ttl: '1m' });
  });
});

describe('one name for the decorator and the type', () => {
  it('Session() is a parameter decorator and Session<T> the type it injects', () => {
    expectTypeOf(Session).toEqualTypeOf<(options?: SessionParameterOptions) => ParameterDecorator>();
    class Controller {
      visit(@Session() session: Session<Cart>) {
        return session.increment('visits');
      }
    }
    expectTypeOf<Controller['visit']>().parameter(0).toEqualTypeOf<Session<Cart>>();
  });
});

describe('SessionWriter<T>: @Session({ load: false })', () => {
  const writer = {} as SessionWriter<Cart>;
  it('takes writes, typed as on Session<T>', () => {
    writer.set('visits', 1);
    writer.delete('items');
    writer.clear();
    expectTypeOf(writer.save()).toEqualTypeOf<Promise<void>>();
    // @ts-expect-error the value type is checked
    writer.set('visits', 'one');
    // @ts-expect-error only numeric keys count
    writer.increment('items');
  });

  it('has no reads, and increment returns nothing (nothing was read)', () => {
    expectTypeOf(writer.increment('visits')).toEqualTypeOf<void>();
    // @ts-expect-error no get on a session that was not loaded
    void writer.get('visits');
    // @ts-expect-error no all()
    void writer.all();
    // @ts-expect-error no id: it may change at save
    void writer.id;
  });

  it('a bare SessionWriter increments any key', () => {
    const bare = {} as SessionWriter;
    bare.increment('anything', 2);
  });

  it('a Session is usable where a SessionWriter is expected', () => {
    assertType<SessionWriter<Cart>>({} as Session<Cart>);
  });

  it('@Session({ load: false }) takes only known options', () => {
    class Controller {
      seen(@Session({ load: false }) session: SessionWriter<Cart>) {
        session.increment('visits');
      }
    }
    expectTypeOf<Controller['seen']>().parameter(0).toEqualTypeOf<SessionWriter<Cart>>();
    // @ts-expect-error load is a boolean
    Session({ load: 'no' });
  });
});

describe('SessionManager', () => {
  it('forRequest<T>(), get<T>() and create<T>() return Session<T>', () => {
    expectTypeOf(manager.forRequest<Cart>({})).toEqualTypeOf<Promise<Session<Cart>>>();
    expectTypeOf(manager.get<Cart>('id')).toEqualTypeOf<Promise<Session<Cart> | null>>();
    expectTypeOf(manager.create<Cart>({ visits: 0 })).toEqualTypeOf<Promise<Session<Cart>>>();
    expectTypeOf(manager.create<Cart>()).toEqualTypeOf<Promise<Session<Cart>>>();
    // @ts-expect-error create's data is checked against T
    void manager.create<Cart>({ visits: 'zero' });
  });

  it('without a type argument they return a bare Session', () => {
    expectTypeOf(manager.forRequest({})).toEqualTypeOf<Promise<Session>>();
    expectTypeOf(manager.get('id')).toEqualTypeOf<Promise<Session | null>>();
    expectTypeOf(manager.create()).toEqualTypeOf<Promise<Session<SessionData>>>();
  });
});
