import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { withSignal } from '../../src/decorators/call-signal.js';
import { retryWithFallback } from '../../src/decorators/fallback.js';
import { databaseRetry, networkRetry, quickRetry, retryWithTimeout } from '../../src/decorators/presets-wrappers.js';
import { asyncRetry, retry } from '../../src/decorators/wrappers.js';
import { MaxRetriesExceededError, RetryTimeoutError } from '../../src/errors/library-errors.js';
import { ConnectionError, DatabaseError, HTTPError } from '../../src/errors/vocabulary.js';
import { FixedDelayStrategy } from '../../src/strategies/fixed.js';
import { SyncClock } from './sync-clock.js';

// Real TC39 standard decorators (lowered by esbuild in vitest.config.ts), with vitest fake timers.

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

/** Let a decorated call run to completion under fake timers. */
async function settle<T>(p: Promise<T>): Promise<{ value?: T; error?: unknown }> {
  const out = p.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
  await vi.runAllTimersAsync();
  return out;
}

class Repo {
  calls: Array<[Repo, ...unknown[]]> = [];
  failures = 2;
  constructor(readonly prefix: string) {}

  @asyncRetry({ maxAttempts: 3, delay: 100 })
  async find(id: number, opts?: { deep: boolean }): Promise<string> {
    this.calls.push([this, id, opts]);
    if (this.failures-- > 0) throw new Error('flaky');
    return `${this.prefix}${id}${opts?.deep ? '+' : ''}`;
  }

  static attempts = 0;
  @asyncRetry({ maxAttempts: 2, delay: 10 })
  static async create(prefix: string): Promise<Repo> {
    if (++this.attempts < 2) throw new Error('not yet');
    return new this(prefix); // `this` is the class (or the subclass it was called on)
  }

  #secretCalls = 0;
  @asyncRetry({ maxAttempts: 2, delay: 1 })
  async #secret(): Promise<number> {
    if (++this.#secretCalls < 2) throw new Error('x');
    return this.#secretCalls;
  }
  reveal(): Promise<number> {
    return this.#secret();
  }
}

class CachedRepo extends Repo {
  override async find(id: number): Promise<string> {
    return `cached:${await super.find(id)}`;
  }
}

describe('@asyncRetry as a TC39 standard decorator', () => {
  it('retries an instance method, with this and the arguments preserved', async () => {
    const repo = new Repo('u');
    const { value } = await settle(repo.find(7, { deep: true }));
    expect(value).toBe('u7+');
    expect(repo.calls).toEqual([
      [repo, 7, { deep: true }],
      [repo, 7, { deep: true }],
      [repo, 7, { deep: true }],
    ]);
  });

  it('rejects with MaxRetriesExceededError when attempts run out', async () => {
    const repo = new Repo('u');
    repo.failures = 10;
    const { error } = await settle(repo.find(1));
    expect(error).toBeInstanceOf(MaxRetriesExceededError);
    expect(repo.calls).toHaveLength(3);
  });

  it('retries a static method with this = the class', async () => {
    Repo.attempts = 0;
    const { value } = await settle(Repo.create('s'));
    expect(value).toBeInstanceOf(Repo);
    expect(value?.prefix).toBe('s');
    expect(Repo.attempts).toBe(2);
  });

  it('a subclass inherits the decorated method (this = the subclass instance) and can call it through super', async () => {
    const repo = new CachedRepo('c');
    repo.failures = 1;
    const { value } = await settle(repo.find(3));
    expect(value).toBe('cached:c3');
    expect(repo.calls.map((c) => c[0])).toEqual([repo, repo]);
    expect(repo.calls[0]![0]).toBeInstanceOf(CachedRepo);
  });

  it('a static decorated method called on a subclass gets the subclass as this', async () => {
    class SubRepo extends Repo {}
    SubRepo.attempts = 0;
    const { value } = await settle(SubRepo.create('x'));
    expect(value).toBeInstanceOf(SubRepo);
  });

  it('decorates private methods too', async () => {
    const { value } = await settle(new Repo('p').reveal());
    expect(value).toBe(2);
  });

  it('the replacement keeps the method name', () => {
    expect(Repo.prototype.find.name).toBe('find');
    expect(Repo.create.name).toBe('create');
  });

  it('instances do not share attempts; each call is its own retry loop', async () => {
    const a = new Repo('a');
    const b = new Repo('b');
    b.failures = 0;
    const both = settle(Promise.all([a.find(1), b.find(2)]));
    const { value } = await both;
    expect(value).toEqual(['a1', 'b2']);
    expect(a.calls).toHaveLength(3);
    expect(b.calls).toHaveLength(1);
  });

  it('withSignal(signal, () => obj.method()) aborts a decorated call', async () => {
    const repo = new Repo('u');
    repo.failures = 10;
    vi.spyOn(Math, 'random').mockReturnValue(0.5); // the default policy's full jitter: waits 50 ms
    const controller = new AbortController();
    const p = withSignal(controller.signal, () => repo.find(1));
    const check = expect(p).rejects.toBe('cancelled');
    await vi.advanceTimersByTimeAsync(10);
    controller.abort('cancelled');
    await check;
    expect(repo.calls).toHaveLength(1);
  });
});

describe('every wrapper as a TC39 decorator', () => {
  it('@networkRetry() retries network errors and HTTP 503 with the NetworkRetryPolicy (5 attempts), not a 404', async () => {
    class Api {
      n = 0;
      @networkRetry()
      async get(): Promise<string> {
        this.n++;
        if (this.n < 3) throw new ConnectionError('reset');
        if (this.n < 5) throw new HTTPError(503);
        return `after ${this.n}`;
      }
      m = 0;
      @networkRetry({ maxAttempts: 3, baseDelay: 10 })
      async missing(): Promise<string> {
        this.m++;
        throw new HTTPError(404);
      }
    }
    const api = new Api();
    expect((await settle(api.get())).value).toBe('after 5');
    const { error } = await settle(api.missing());
    expect((error as HTTPError).status).toBe(404);
    expect(api.m).toBe(1);
  });

  it('@databaseRetry() retries transient database errors, 3 attempts', async () => {
    class Db {
      n = 0;
      @databaseRetry()
      async save(row: { id: number }): Promise<number> {
        this.n++;
        throw new DatabaseError('deadlock', { code: '40P01' });
        return row.id;
      }
    }
    const db = new Db();
    const { error } = await settle(db.save({ id: 1 }));
    expect(error).toBeInstanceOf(MaxRetriesExceededError);
    expect(db.n).toBe(3);
  });

  it('@quickRetry() makes 2 attempts, 100 ms apart', async () => {
    class Cache {
      at: number[] = [];
      @quickRetry()
      async count(): Promise<number> {
        this.at.push(Date.now());
        throw new Error('busy');
      }
    }
    const cache = new Cache();
    const { error } = await settle(cache.count());
    expect(error).toBeInstanceOf(MaxRetriesExceededError);
    expect(cache.at).toHaveLength(2);
    expect(cache.at[1]! - cache.at[0]!).toBe(100);
  });

  it('@retryWithFallback({ fallbackValue }) resolves with the fallback when retrying fails', async () => {
    class Partners {
      @retryWithFallback({ maxAttempts: 2, delay: 5, fallbackValue: [] as string[] })
      async list(): Promise<string[]> {
        throw new Error('down');
      }
    }
    expect((await settle(new Partners().list())).value).toEqual([]);
  });

  it('@retryWithTimeout({ totalTimeout }) rejects with RetryTimeoutError at the deadline', async () => {
    class Search {
      @retryWithTimeout({ maxAttempts: 10, baseDelay: 100, totalTimeout: 250 })
      async run(): Promise<string> {
        throw new Error('slow');
      }
    }
    const { error } = await settle(new Search().run());
    expect(error).toBeInstanceOf(RetryTimeoutError);
    expect((error as RetryTimeoutError).timeout).toBe(250);
  });

  it('@retry(…) keeps a synchronous method synchronous, and an async one async', async () => {
    const clock = new SyncClock();
    class Config {
      reads = 0;
      @retry({ clock, strategy: new FixedDelayStrategy({ maxAttempts: 3, delay: 20 }) })
      read(name: string): string {
        if (++this.reads < 3) throw new Error('locked');
        return `${name}:${this.reads}`;
      }
      @retry({ maxAttempts: 2, delay: 10 })
      async load(): Promise<string> {
        return 'loaded';
      }
    }
    const config = new Config();
    expect(config.read('db')).toBe('db:3');
    expect(clock.sleeps).toEqual([20, 20]);
    const p = config.load();
    expect(p).toBeInstanceOf(Promise);
    expect((await settle(p)).value).toBe('loaded');
  });
});

describe('decorating anything but a method fails at class definition time', () => {
  it('a field, a getter, an accessor and a class are refused with a TypeError naming the member', () => {
    const dec = asyncRetry() as unknown as (value: unknown, context: unknown) => unknown;
    expect(() => dec(undefined, { kind: 'field', name: 'count' })).toThrow(
      /asyncRetry: only methods can be decorated, not a field \(`count`\)/,
    );
    expect(() => dec(() => 1, { kind: 'getter', name: 'size' })).toThrow(/not a getter \(`size`\)/);
    expect(() => dec({ get() {}, set() {} }, { kind: 'accessor', name: 'v' })).toThrow(/not an accessor \(`v`\)/);
    expect(() => dec(class {}, { kind: 'class', name: 'Thing' })).toThrow(/not a class/);
  });

  it('with real syntax: a decorated getter throws when the class is defined', () => {
    const define = () => {
      class Bad {
        // @ts-expect-error a getter is not a method
        @asyncRetry()
        get value(): Promise<number> {
          return Promise.resolve(1);
        }
      }
      return Bad;
    };
    expect(define).toThrow(/asyncRetry: only methods can be decorated, not a getter \(`value`\)/);
  });

  it('bad options fail when the class is defined, not when the method is called', () => {
    const define = () => {
      class Bad {
        @asyncRetry({ maxAttempts: 0 })
        async run(): Promise<void> {}
      }
      return Bad;
    };
    expect(define).toThrow(/asyncRetry: `maxAttempts` must be an integer >= 1, got 0/);
  });
});
