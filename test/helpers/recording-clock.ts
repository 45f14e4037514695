import { VirtualClock } from '../../src/core/virtual-clock.js';

/** A VirtualClock that also records every setTimeout delay it was asked for. */
export class RecordingClock extends VirtualClock {
  readonly delays: number[] = [];
  override setTimeout(fn: () => void, ms: number): unknown {
    this.delays.push(ms);
    return super.setTimeout(fn, ms);
  }
}

/** A function that fails `failures` times with `error` (or errors from a factory), then returns `value`. */
export function flaky<T>(failures: number, value: T, error: () => unknown = () => new Error('boom')) {
  let calls = 0;
  const fn = async () => {
    calls++;
    if (calls <= failures) throw error();
    return value;
  };
  return Object.defineProperty(fn, 'calls', { get: () => calls }) as typeof fn & { readonly calls: number };
}
