import { describe, expect, it, vi } from 'vitest';
import { AdvancedCircuitBreaker } from '../../src/breaker/advanced-circuit-breaker.js';
import { CircuitBreaker } from '../../src/breaker/circuit-breaker.js';
import { MemoryBreakerStore } from '../../src/breaker/memory-store.js';
import type { BreakerStore } from '../../src/breaker/store.js';
import { CircuitOpenError } from '../../src/errors/library-errors.js';
import { asyncStore, boom, ManualClock, tick } from './helpers.js';

const fail = () => {
  throw boom();
};

describe('a breaker on a store that answers with promises (as Redis would)', () => {
  const make = () => {
    const clock = new ManualClock(1000);
    const store = asyncStore(new MemoryBreakerStore());
    const breaker = new AdvancedCircuitBreaker({
      failureThreshold: 2,
      recoveryTimeout: 500,
      halfOpenMaxCalls: 2,
      successThreshold: 2,
      clock,
      store,
    });
    const events: string[] = [];
    breaker.on('stateChange', (e) => events.push(`${e.from}->${e.to}@${e.at}`));
    return { clock, store, breaker, events };
  };

  it('acquirePermit returns a promise; execute runs the whole cycle through it', async () => {
    const { breaker, clock, events } = make();
    expect(breaker.acquirePermit()).toBeInstanceOf(Promise);
    expect(await breaker.execute(() => 'ok')).toBe('ok');
    await expect(breaker.execute(fail)).rejects.toThrow('boom');
    await expect(breaker.execute(fail)).rejects.toThrow('boom');
    await tick();
    const fn = vi.fn();
    await expect(breaker.execute(fn)).rejects.toBeInstanceOf(CircuitOpenError);
    expect(fn).not.toHaveBeenCalled();
    clock.t = 1500;
    expect(await breaker.execute(() => 'probe 1')).toBe('probe 1');
    expect(await breaker.execute(() => 'probe 2')).toBe('probe 2');
    await tick();
    expect(events).toEqual(['closed->open@1000', 'open->half-open@1500', 'half-open->closed@1500']);
    expect((await breaker.refresh()).state).toBe('closed');
  });

  it('state and getStats report the latest state seen; refresh() reads the store', async () => {
    const { breaker } = make();
    expect(breaker.state).toBe('closed');
    await expect(breaker.execute(fail)).rejects.toThrow();
    await expect(breaker.execute(fail)).rejects.toThrow();
    await tick();
    expect(breaker.state).toBe('open'); // from the transition this breaker made
    const stats = await breaker.refresh();
    expect(stats).toMatchObject({ state: 'open', lastTransitionAt: 1000 });
  });

  it('admits exactly halfOpenMaxCalls of many concurrent calls in half-open', async () => {
    const { breaker, clock } = make();
    await expect(breaker.execute(fail)).rejects.toThrow();
    await expect(breaker.execute(fail)).rejects.toThrow();
    clock.t = 1500;
    let started = 0;
    let open!: () => void;
    const gate = new Promise<void>((r) => (open = r));
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, () =>
        breaker.execute(async () => {
          started++;
          await gate;
          return 'probe';
        }).finally(() => open()),
      ),
    );
    expect(started).toBe(2);
    expect(results.filter((r) => r.status === 'rejected')).toHaveLength(8);
  });

  it('reset() returns a promise and closes the shared state', async () => {
    const { breaker } = make();
    await expect(breaker.execute(fail)).rejects.toThrow();
    await expect(breaker.execute(fail)).rejects.toThrow();
    const r = breaker.reset();
    expect(r).toBeInstanceOf(Promise);
    await r;
    expect((await breaker.refresh()).state).toBe('closed');
  });
});

describe('breakers sharing one store act as one breaker', () => {
  it('what one opens, the other sees open; events come from the one that made the change', async () => {
    const clock = new ManualClock();
    const store = new MemoryBreakerStore();
    const a = new CircuitBreaker({ failureThreshold: 2, recoveryTimeout: 100, clock, store });
    const b = new CircuitBreaker({ failureThreshold: 2, recoveryTimeout: 100, clock, store });
    const seenB = vi.fn();
    b.on('stateChange', seenB);
    await expect(a.execute(fail)).rejects.toThrow();
    await expect(b.execute(fail)).rejects.toThrow();
    expect(a.state).toBe('open');
    await expect(a.execute(() => 1)).rejects.toBeInstanceOf(CircuitOpenError);
    expect(seenB).toHaveBeenCalledTimes(1); // b's failure was the one that opened it
    clock.t = 100;
    expect(await a.execute(() => 'probe')).toBe('probe');
    expect(b.state).toBe('closed');
  });

  it('a store shared by breakers with different rules is refused', () => {
    const store = new MemoryBreakerStore();
    new CircuitBreaker({ store });
    expect(() => new CircuitBreaker({ store, failureThreshold: 9 })).toThrow(/same rules/);
  });
});

describe('a broken store never takes the service down (fail open)', () => {
  const broken = (how: 'throw' | 'reject'): BreakerStore => {
    const die = () => {
      if (how === 'throw') throw new Error('store down');
      return Promise.reject(new Error('store down'));
    };
    return {
      configure: () => {},
      acquire: die as never,
      record: die as never,
      read: die as never,
      reset: die as never,
    };
  };

  it.each(['throw', 'reject'] as const)('when the store methods %s, calls run and their outcome is returned', async (how) => {
    const breaker = new CircuitBreaker({ store: broken(how), failureThreshold: 1 });
    expect(await breaker.execute(() => 'still served')).toBe('still served');
    await expect(breaker.execute(fail)).rejects.toThrow('boom');
    expect(() => breaker.onFailure(-5, boom(), 1)).not.toThrow();
    expect(breaker.state).toBe('closed'); // the last state seen
    await tick();
  });
});
