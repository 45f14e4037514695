import { describe, expectTypeOf, it } from 'vitest';
import {
  asyncRetry,
  databaseRetry,
  networkRetry,
  quickRetry,
  retry,
  retryWithFallback,
  retryWithTimeout,
  withSignal,
  type RetriedFunction,
} from '../../src/index.js';

describe('asyncRetry()(fn): inferred types', () => {
  it('keeps the parameters and returns a Promise of the awaited result', () => {
    const sync = asyncRetry()((a: number, b?: string) => a > 0 && b !== undefined);
    expectTypeOf(sync).parameters.toEqualTypeOf<[a: number, b?: string]>();
    expectTypeOf(sync).returns.toEqualTypeOf<Promise<boolean>>();

    const async = asyncRetry({ maxAttempts: 3 })(async (id: string) => ({ id }));
    expectTypeOf(async).parameters.toEqualTypeOf<[id: string]>();
    expectTypeOf(async).returns.toEqualTypeOf<Promise<{ id: string }>>(); // not Promise<Promise<…>>

    const rest = asyncRetry()((...xs: number[]) => xs.length);
    expectTypeOf(rest).parameters.toEqualTypeOf<number[]>();
  });

  it('keeps `this`: a function that needs a `this` cannot be called without one', () => {
    interface Counter {
      n: number;
    }
    const inc = asyncRetry()(function (this: Counter, by: number) {
      return (this.n += by);
    });
    expectTypeOf(inc).thisParameter.toEqualTypeOf<Counter>();
    const counter = { n: 0, inc };
    expectTypeOf(counter.inc(1)).toEqualTypeOf<Promise<number>>();
    // @ts-expect-error `this` must be a Counter
    void inc(1);
  });

  it('withSignal(signal) returns a function with the same parameters and result', () => {
    const get = asyncRetry()(async (id: number) => String(id));
    const withS = get.withSignal(new AbortController().signal);
    expectTypeOf(withS).parameters.toEqualTypeOf<[id: number]>();
    expectTypeOf(withS).returns.toEqualTypeOf<Promise<string>>();
    expectTypeOf(get).toMatchTypeOf<RetriedFunction<unknown, [id: number], Promise<string>>>();
    // @ts-expect-error a signal is required
    get.withSignal('later');
    // @ts-expect-error the parameters did not change
    void withS('1');
  });

  it('withSignal(signal, fn) returns what fn returns', () => {
    const get = asyncRetry()(async () => 42);
    expectTypeOf(withSignal(new AbortController().signal, () => get())).toEqualTypeOf<Promise<number>>();
  });
});

describe('retry()(fn): a sync function stays sync', () => {
  it('sync result, thenable result, and a union of both', () => {
    expectTypeOf(retry()((x: number) => x * 2)).returns.toEqualTypeOf<number>();
    expectTypeOf(retry()(async (x: number) => x * 2)).returns.toEqualTypeOf<Promise<number>>();
    const either = retry()((x: number): number | Promise<number> => (x > 0 ? x : Promise.resolve(x)));
    expectTypeOf(either).returns.toEqualTypeOf<number | Promise<number>>();
    expectTypeOf(either).parameters.toEqualTypeOf<[x: number]>();
  });

  it('accepts a clock with sleepSync', () => {
    let t = 0;
    retry({
      clock: { now: () => t, setTimeout: () => 0, clearTimeout: () => {}, sleepSync: (ms) => void (t += ms) },
    });
  });
});

describe('option objects reject unknown keys', () => {
  it('typos and options of other wrappers are compile errors', () => {
    // @ts-expect-error maxAttempt is a typo
    asyncRetry({ maxAttempt: 3 });
    // @ts-expect-error retries is not an option
    retry({ retries: 3 });
    // @ts-expect-error baseDelay belongs to the presets (asyncRetry calls it delay)
    asyncRetry({ baseDelay: 3 });
    // @ts-expect-error presets call it baseDelay
    networkRetry({ delay: 3 });
    // @ts-expect-error the preset is the policy
    databaseRetry({ policy: undefined });
    // @ts-expect-error unknown key
    quickRetry({ jitter: false });
    // @ts-expect-error totalTimeout is required
    retryWithTimeout({ maxAttempts: 3 });
    // @ts-expect-error the wrapper calls it totalTimeout
    retryWithTimeout({ totalTimeout: 5, timeout: 5 });
    // @ts-expect-error unknown key
    retryWithFallback({ fallbackValu: 1 });
    // @ts-expect-error wrong type
    asyncRetry({ maxAttempts: '3' });
    networkRetry({ maxAttempts: 4, baseDelay: 100, maxDelay: 1000, timeout: 10_000 });
    databaseRetry();
    retryWithTimeout({ maxAttempts: 5, baseDelay: 1000, totalTimeout: 30_000 });
  });
});

describe('retryWithFallback types', () => {
  it('the result admits the fallback type', () => {
    const f = retryWithFallback({ fallbackValue: null })(async (id: number) => ({ id }));
    expectTypeOf(f).returns.toEqualTypeOf<Promise<{ id: number } | null>>();
    const g = retryWithFallback({ fallback: (error: unknown) => String(error) })(async () => 1);
    expectTypeOf(g).returns.toEqualTypeOf<Promise<number | string>>();
    const h = retryWithFallback({ maxAttempts: 2 })(async () => 1);
    expectTypeOf(h).returns.toEqualTypeOf<Promise<number | undefined>>();
  });
});

describe('TC39 decorators: only methods of the right shape', () => {
  it('asyncRetry and the presets decorate async methods, instance and static, keeping their types', () => {
    class Api {
      @asyncRetry({ maxAttempts: 3 })
      async get(id: string): Promise<{ id: string }> {
        return { id };
      }
      @networkRetry()
      static async ping(): Promise<boolean> {
        return true;
      }
      @databaseRetry({ maxAttempts: 2 })
      async echo<T>(value: T): Promise<T> {
        return value;
      }
      @retryWithFallback({ fallbackValue: [] as string[] })
      async list(): Promise<string[]> {
        return ['a'];
      }
      @retryWithFallback({ fallbackValue: undefined })
      async maybe(): Promise<number | undefined> {
        return 1;
      }
      @retryWithTimeout({ totalTimeout: 1000 })
      async slow(): Promise<void> {}
      @quickRetry()
      async quick(): Promise<number> {
        return this.list().then((l) => l.length);
      }
    }
    const api = new Api();
    expectTypeOf(api.get('x')).toEqualTypeOf<Promise<{ id: string }>>();
    expectTypeOf(Api.ping()).toEqualTypeOf<Promise<boolean>>();
    expectTypeOf(api.echo(5)).toEqualTypeOf<Promise<number>>(); // generic methods stay generic
  });

  it('asyncRetry on a synchronous method is a type error; retry accepts it', () => {
    class Sync {
      // @ts-expect-error a sync method cannot become async
      @asyncRetry()
      read(): number {
        return 1;
      }
      // @ts-expect-error presets are async too
      @networkRetry()
      parse(): string {
        return '';
      }
      @retry({ maxAttempts: 2 })
      readSync(): number {
        return 1;
      }
      @retry()
      async readAsync(): Promise<number> {
        return 1;
      }
    }
    expectTypeOf(new Sync().readSync()).toEqualTypeOf<number>();
  });

  it('decorating a field, a getter or a class is a type error', () => {
    // @ts-expect-error not a method
    @asyncRetry()
    class Decorated {
      // @ts-expect-error not a method
      @asyncRetry()
      field = async () => 1;
      // @ts-expect-error not a method
      @retry()
      get value(): Promise<number> {
        return Promise.resolve(1);
      }
    }
    void Decorated;
  });

  it('a fallback that the method result does not admit is a type error', () => {
    class Partners {
      // @ts-expect-error a number is not a string[]
      @retryWithFallback({ fallbackValue: 0 })
      async list(): Promise<string[]> {
        return [];
      }
      // @ts-expect-error the method cannot resolve with null
      @retryWithFallback({ fallback: () => null })
      async one(): Promise<string> {
        return '';
      }
    }
    void Partners;
  });

  it('bare @asyncRetry (without parentheses) is a type error', () => {
    class Bare {
      // @ts-expect-error asyncRetry takes options: write @asyncRetry()
      @asyncRetry
      async run(): Promise<void> {}
    }
    void Bare;
  });
});

describe('legacy (experimentalDecorators) call shape', () => {
  it('accepts (target, key, descriptor) of an async method and returns the descriptor type', () => {
    const descriptor: TypedPropertyDescriptor<(id: number) => Promise<string>> = { value: async (id) => String(id) };
    expectTypeOf(asyncRetry()({}, 'get', descriptor)).toEqualTypeOf<TypedPropertyDescriptor<(id: number) => Promise<string>>>();
    const syncDescriptor: TypedPropertyDescriptor<() => number> = { value: () => 1 };
    // @ts-expect-error only async methods
    asyncRetry()({}, 'read', syncDescriptor);
    expectTypeOf(retry()({}, 'read', syncDescriptor)).toEqualTypeOf<TypedPropertyDescriptor<() => number>>();
  });
});
