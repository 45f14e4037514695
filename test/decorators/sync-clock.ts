import { VirtualClock } from '../../src/core/virtual-clock.js';
import { RecordingClock } from '../helpers/recording-clock.js';

/**
 * A RecordingClock that can also wait synchronously: `sleepSync(ms)` records the wait and moves
 * virtual time (firing any timer due on the way), so a synchronous `retry` never blocks for real.
 */
export class SyncClock extends RecordingClock {
  readonly sleeps: number[] = [];
  sleepSync(ms: number): void {
    this.sleeps.push(ms);
    let done = false;
    VirtualClock.prototype.setTimeout.call(this, () => {
      done = true;
    }, ms);
    while (!done) this.step();
  }
}

/** A synchronous function failing `failures` times with `error()`, then returning `value`. */
export function flakySync<T>(failures: number, value: T, error: () => unknown = () => new Error('boom')) {
  let calls = 0;
  const fn = () => {
    calls++;
    if (calls <= failures) throw error();
    return value;
  };
  return Object.defineProperty(fn, 'calls', { get: () => calls }) as typeof fn & { readonly calls: number };
}
