/**
 * Encoding a breaker's rules for the Lua script and decoding its replies.
 */
import type { Admission, BreakerRules, BreakerSnapshot, BreakerState, Transition } from '../breaker/store.js';

/** The shared state as one script run left it (times in the store's time base). */
export interface RemoteView extends BreakerSnapshot {
  /** `acquire`: whether the call was admitted. */
  readonly admitted: boolean;
  /** `acquire`, rejected while open: ms until a probe may be admitted. */
  readonly retryAfter: number;
  /** The time the script ran at (server time, or the breaker clock's). */
  readonly now: number;
  /** The key was created with other rules. */
  readonly mismatch: boolean;
}

const opt = (x: number | undefined): string => (x === undefined ? '' : String(x));

/** ARGV 3..15 of the breaker script: the rules, the key TTL and the rules' fingerprint. */
export function rulesArgs(rules: BreakerRules, keyTtl: number): string[] {
  const w = rules.window;
  const fingerprint = JSON.stringify([
    rules.recoveryTimeout,
    rules.halfOpenMaxCalls,
    rules.successThreshold,
    w === undefined ? rules.failureThreshold : null,
    w === undefined ? null : [w.type, w.size, w.buckets, opt(w.maxAge), w.minimumThroughput, opt(w.failureRateThreshold), opt(w.slowCallRateThreshold)],
  ]);
  return [
    String(rules.recoveryTimeout),
    String(rules.halfOpenMaxCalls),
    String(rules.successThreshold),
    String(rules.failureThreshold),
    w === undefined ? '' : w.type,
    w === undefined ? '0' : String(w.size),
    w === undefined ? '0' : String(w.buckets),
    w === undefined || w.maxAge === Infinity ? 'inf' : String(w.maxAge),
    w === undefined ? '0' : String(w.minimumThroughput),
    opt(w?.failureRateThreshold),
    opt(w?.slowCallRateThreshold),
    String(Math.ceil(keyTtl)),
    fingerprint,
  ];
}

const STATES: readonly string[] = ['closed', 'open', 'half-open'];

/** Decode a script reply; throws a TypeError on anything malformed (treated as a Redis failure). */
export function parseReply(reply: unknown): RemoteView {
  if (!Array.isArray(reply) || reply.length < 13 || (reply.length - 13) % 3 !== 0) {
    throw new TypeError(`unexpected reply from the breaker script: ${String(reply)}`);
  }
  const num = (i: number): number => {
    const n = Number(reply[i]);
    if (Number.isNaN(n)) throw new TypeError(`unexpected reply from the breaker script: ${String(reply)}`);
    return n;
  };
  const state = String(reply[0]);
  if (!STATES.includes(state)) throw new TypeError(`unexpected breaker state from Redis: ${state}`);
  const transitions: Transition[] = [];
  for (let i = 13; i < reply.length; i += 3) {
    transitions.push(
      Object.freeze({ from: String(reply[i]) as BreakerState, to: String(reply[i + 1]) as BreakerState, at: num(i + 2) }),
    );
  }
  return {
    state: state as BreakerState,
    generation: num(1),
    since: num(2),
    consecutiveFailures: num(3),
    calls: num(4),
    failures: num(5),
    slowCalls: num(6),
    probes: num(7),
    probeSuccesses: num(8),
    admitted: num(9) === 1,
    retryAfter: num(10),
    now: num(11),
    mismatch: num(12) === 1,
    transitions,
  };
}

/** The admission a reply to `acquire` means. */
export const admission = (v: RemoteView, transitions: readonly Transition[]): Admission =>
  Object.freeze({ admitted: v.admitted, state: v.state, generation: v.generation, retryAfter: v.retryAfter, transitions });

/** The snapshot a reply to `read` means. */
export const snapshot = (v: RemoteView, transitions: readonly Transition[]): BreakerSnapshot =>
  Object.freeze({
    state: v.state,
    generation: v.generation,
    since: v.since,
    consecutiveFailures: v.consecutiveFailures,
    calls: v.calls,
    failures: v.failures,
    slowCalls: v.slowCalls,
    probes: v.probes,
    probeSuccesses: v.probeSuccesses,
    transitions,
  });
