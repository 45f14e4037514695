/**
 * `zenoo-retry/testing`: helpers for testing code that retries, without real waits.
 * @example
 * import { VirtualClock } from 'zenoo-retry/testing';
 * const clock = new VirtualClock();
 * const p = retryAsync(fn, { clock });
 * await clock.runAll(); // every wait and deadline happens in virtual time
 */
export { VirtualClock, flush } from './core/virtual-clock.js';
