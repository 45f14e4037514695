import { describe, expect, it } from 'vitest';
import { MemoryBreakerStore } from '../../src/breaker/memory-store.js';
import type { BreakerRules } from '../../src/breaker/store.js';
import { asyncStore, ManualClock } from './helpers.js';
import { runBreakerStoreContract } from './store-contract.js';

runBreakerStoreContract('MemoryBreakerStore', () => new MemoryBreakerStore());
runBreakerStoreContract('MemoryBreakerStore behind promises', () => asyncStore(new MemoryBreakerStore()));

const rules: BreakerRules = { recoveryTimeout: 10, halfOpenMaxCalls: 1, successThreshold: 1, failureThreshold: 1, window: undefined };

describe('MemoryBreakerStore', () => {
  it('answers synchronously (the local fast path never waits)', () => {
    const store = new MemoryBreakerStore();
    store.configure({ rules, clock: new ManualClock() });
    expect(store.acquire()).toMatchObject({ admitted: true });
    expect(Array.isArray(store.record(0, 'success'))).toBe(true);
  });

  it('reuses one admission object for every call of a closed era (no allocation)', () => {
    const store = new MemoryBreakerStore();
    store.configure({ rules, clock: new ManualClock() });
    expect(store.acquire()).toBe(store.acquire());
    expect(store.record(0, 'success')).toBe(store.record(0, 'success'));
  });

  it('reads no clock while closed in consecutive mode, except to stamp a transition', () => {
    const store = new MemoryBreakerStore();
    const clock = new ManualClock();
    store.configure({ rules: { ...rules, failureThreshold: 3 }, clock });
    const reads = clock.reads;
    for (let i = 0; i < 100; i++) store.record(store.acquire().generation, i % 2 ? 'success' : 'failure');
    expect(clock.reads).toBe(reads);
  });

  it('can be shared by breakers with the same rules, and refuses different ones', () => {
    const store = new MemoryBreakerStore();
    const clock = new ManualClock();
    store.configure({ rules, clock });
    expect(() => store.configure({ rules: { ...rules }, clock })).not.toThrow();
    expect(() => store.configure({ rules: { ...rules, recoveryTimeout: 11 }, clock })).toThrow(TypeError);
  });

  it('throws a TypeError when used before configure()', () => {
    expect(() => new MemoryBreakerStore().read()).toThrow(/configure/);
  });
});
