/**
 * The breaker's local fallback starts from the shared state last seen, for every kind of rules:
 * an open fleet breaker stays open with the same recovery time, a half-open one is half-open, a
 * closed one keeps its failure streak. Its permits are told apart from shared generations.
 */
import { describe, expect, it } from 'vitest';
import type { BreakerRules, WindowRules } from '../../src/breaker/store.js';
import { LOCAL_PERMIT_BASE, LocalBreaker } from '../../src/redis/breaker-local.js';
import type { RemoteView } from '../../src/redis/breaker-reply.js';

const rules: BreakerRules = { recoveryTimeout: 1000, halfOpenMaxCalls: 2, successThreshold: 1, failureThreshold: 3, window: undefined };
const window = (w: Partial<WindowRules>): BreakerRules => ({
  ...rules,
  window: {
    type: 'count',
    size: 20,
    buckets: 0,
    maxAge: Infinity,
    minimumThroughput: 10,
    failureRateThreshold: 0.5,
    slowCallRateThreshold: undefined,
    ...w,
  },
});

const view = (v: Partial<RemoteView>): RemoteView => ({
  state: 'closed',
  generation: 7,
  since: 0,
  consecutiveFailures: 0,
  calls: 0,
  failures: 0,
  slowCalls: 0,
  probes: 0,
  probeSuccesses: 0,
  admitted: true,
  retryAfter: 0,
  now: 0,
  mismatch: false,
  transitions: [],
  ...v,
});

const at = (t: { now: number }) => () => t.now;

describe('LocalBreaker (the Redis store’s fallback)', () => {
  it.each([
    ['consecutive mode', rules],
    ['count window', window({})],
    ['time window', window({ type: 'time', size: 10_000, buckets: 20 })],
    ['slow-call rate only', window({ failureRateThreshold: undefined, slowCallRateThreshold: 0.8 })],
  ])('%s: an open shared breaker stays open, with the same recovery time', (_, r) => {
    const t = { now: 50_000 };
    const local = new LocalBreaker(r, at(t));
    local.seed(view({ state: 'open', since: 49_600 }), t.now);
    expect(local.acquire()).toMatchObject({ admitted: false, state: 'open', retryAfter: 600 });
    t.now = 50_600;
    const a = local.acquire();
    expect(a).toMatchObject({ admitted: true, state: 'half-open' });
    expect(a.transitions.map((x) => ({ ...x }))).toEqual([{ from: 'open', to: 'half-open', at: 50_600 }]);
  });

  it('a half-open shared breaker is half-open here, since the same time', () => {
    const t = { now: 80_000 };
    const local = new LocalBreaker(rules, at(t));
    local.seed(view({ state: 'half-open', since: 79_000, probes: 2 }), t.now);
    expect(local.read()).toMatchObject({ state: 'half-open', since: 79_000, probes: 0 });
  });

  it('a closed shared breaker keeps its failure streak (one failure short of opening at most)', () => {
    const t = { now: 1000 };
    const local = new LocalBreaker(rules, at(t));
    local.seed(view({ consecutiveFailures: 2 }), t.now);
    const a = local.acquire();
    expect(local.record(a.generation, 'failure').map((x) => x.to)).toEqual(['open']);
    const fresh = new LocalBreaker(rules, at(t));
    fresh.seed(view({ consecutiveFailures: 99 }), t.now);
    expect(fresh.read()).toMatchObject({ state: 'closed', consecutiveFailures: 2 });
  });

  it('permits are offset by LOCAL_PERMIT_BASE, and seeding again makes older ones stale', () => {
    const t = { now: 1000 };
    const local = new LocalBreaker(rules, at(t));
    local.seed(undefined, t.now);
    const a = local.acquire();
    expect(a.generation).toBeGreaterThanOrEqual(LOCAL_PERMIT_BASE);
    local.seed(undefined, t.now);
    for (let i = 0; i < 5; i++) expect(local.record(a.generation, 'failure')).toEqual([]);
    expect(local.read().state).toBe('closed');
  });
});
