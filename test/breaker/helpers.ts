import type { Clock } from '../../src/core/clock.js';
import type { BreakerStore } from '../../src/breaker/store.js';

/** A clock that moves only when told (`clock.t = …` or `clock.advance(ms)`); breakers hold no timers. */
export class ManualClock implements Clock {
  t: number;
  reads = 0;
  constructor(start = 0) {
    this.t = start;
  }
  now(): number {
    this.reads++;
    return this.t;
  }
  advance(ms: number): void {
    this.t += ms;
  }
  setTimeout(): unknown {
    throw new Error('a breaker must not schedule timers');
  }
  clearTimeout(): void {}
}

/**
 * Wrap a store so that every answer is a promise settled on a later macrotask, as a remote
 * store's would be (the state change itself happens at call time, atomically, as in Redis).
 */
export function asyncStore(inner: BreakerStore): BreakerStore & { calls: number } {
  const later = <T>(fn: () => T): Promise<T> =>
    new Promise((resolve, reject) => {
      let out: T;
      try {
        out = fn();
      } catch (error) {
        setImmediate(() => reject(error));
        return;
      }
      setImmediate(() => resolve(out));
    });
  const store = {
    calls: 0,
    configure: (c: Parameters<BreakerStore['configure']>[0]) => inner.configure(c),
    acquire: () => (store.calls++, later(() => inner.acquire() as ReturnType<typeof inner.acquire>)),
    record: (p: number, o: Parameters<BreakerStore['record']>[1]) => (store.calls++, later(() => inner.record(p, o))),
    read: () => (store.calls++, later(() => inner.read())),
    reset: () => (store.calls++, later(() => inner.reset())),
  };
  return store as BreakerStore & { calls: number };
}

/** Let queued promise jobs and macrotasks run. */
export const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export const boom = (message = 'boom'): Error => new Error(message);
