/**
 * Node `diagnostics_channel` channels, so OpenTelemetry or any APM can subscribe without code
 * changes. Loaded through `process.getBuiltinModule` (Node >= 20.16), never `import`ed, so a
 * browser bundle sees no `node:` specifier; outside Node every channel is `undefined`.
 * Publishing is guarded by `hasSubscribers` (nothing is built when nobody listens).
 */

/** The part of a diagnostics channel the library uses. */
export interface Channel {
  readonly hasSubscribers: boolean;
  publish(message: unknown): void;
}

type DC = { channel(name: string): Channel };

const load = (): DC | undefined => {
  try {
    const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
    const mod = proc?.getBuiltinModule?.('node:diagnostics_channel') as DC | undefined;
    return mod !== undefined && typeof mod.channel === 'function' ? mod : undefined;
  } catch {
    return undefined;
  }
};

const dc = /* @__PURE__ */ load();
const open = (name: string): Channel | undefined => dc?.channel(name);

/** Channel names, as published. */
export const CHANNEL_NAMES = /* @__PURE__ */ Object.freeze({
  attempt: 'zenoo-retry:attempt',
  retry: 'zenoo-retry:retry',
  success: 'zenoo-retry:success',
  failure: 'zenoo-retry:failure',
  circuit: 'zenoo-retry:circuit',
} as const);

/** Before every attempt: `{ attempt: RetryAttempt }`. */
export const attemptChannel = /* @__PURE__ */ open(CHANNEL_NAMES.attempt);
/** A failed attempt will be retried: `{ attempt: RetryAttempt, error }` (attempt.nextDelay is the wait). */
export const retryChannel = /* @__PURE__ */ open(CHANNEL_NAMES.retry);
/** A call succeeded: `{ attempt: RetryAttempt }`. */
export const successChannel = /* @__PURE__ */ open(CHANNEL_NAMES.success);
/** A call failed for good: `{ attempt: RetryAttempt, error }` (error is what the call rejects with). */
export const failureChannel = /* @__PURE__ */ open(CHANNEL_NAMES.failure);
/** A breaker changed state: `{ breaker, from, to, at }`. */
export const circuitChannel = /* @__PURE__ */ open(CHANNEL_NAMES.circuit);

/** Publish without ever throwing into the caller. */
export function publish(channel: Channel | undefined, message: unknown): void {
  if (channel === undefined || !channel.hasSubscribers) return;
  try {
    channel.publish(message);
  } catch {
    // a subscriber's throw never breaks a call
  }
}

/**
 * Someone listens to a call's events: the executor then records the call's start (for
 * `elapsed`) and takes no fast path that would skip an event.
 */
export const watched = (): boolean =>
  attemptChannel?.hasSubscribers === true ||
  successChannel?.hasSubscribers === true ||
  retryChannel?.hasSubscribers === true ||
  failureChannel?.hasSubscribers === true;
