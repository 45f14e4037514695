/**
 * How the Redis stores report trouble: an optional `onEvent` callback per store, and the Node
 * `diagnostics_channel` channel `zenoo-retry:redis` (published only when someone subscribes),
 * next to the library's other channels. Only changes are reported (Redis became unusable, Redis
 * is back, breakers with different rules share a key), never every failed command.
 */
import { safeInvoke } from '../core/safe-invoke.js';
import { type Channel, publish } from '../observability/diagnostics.js';

/** Name of the diagnostics channel the Redis stores publish to. */
export const REDIS_CHANNEL_NAME = 'zenoo-retry:redis';

/** What a Redis store reports (frozen). */
export interface RedisStoreEvent {
  /**
   * - `'fallback'`: a Redis operation failed or timed out; the store now answers from local
   *   state and retries Redis every `retryInterval` ms in the background.
   * - `'recovered'`: Redis answered again; the store uses the shared state again.
   * - `'rules-mismatch'`: the shared key was created by a breaker with other rules (reported once).
   */
  readonly type: 'fallback' | 'recovered' | 'rules-mismatch';
  /** Which store: a breaker or a budget store. */
  readonly store: 'breaker' | 'budget';
  /** The main Redis key of the store. */
  readonly key: string;
  /** `'fallback'`: the error (or timeout) that caused it. */
  readonly error?: unknown;
  /** `'recovered'`: ms spent on local state. */
  readonly downtime?: number;
}

/** A listener for `RedisStoreEvent`s; throws and rejections are swallowed. */
export type RedisStoreEventListener = (event: RedisStoreEvent) => unknown;

const channel = /* @__PURE__ */ ((): Channel | undefined => {
  try {
    const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
    const dc = proc?.getBuiltinModule?.('node:diagnostics_channel') as { channel(name: string): Channel } | undefined;
    return dc?.channel(REDIS_CHANNEL_NAME);
  } catch {
    return undefined;
  }
})();

/** Report `event` to `listener` and the diagnostics channel; never throws. */
export function emitStoreEvent(listener: RedisStoreEventListener | undefined, event: RedisStoreEvent): void {
  const frozen = Object.freeze(event);
  safeInvoke(listener, undefined, frozen);
  publish(channel, frozen);
}
