import type { Clock } from '../../src/core/clock.js';

/**
 * A clock for tests against real servers: real `now()`, but every wait fires on the next
 * macrotask, and the requested delay is recorded. The I/O is real; no test sleeps for real.
 * Use it with `timeout: Infinity`: a deadline timer that fires at once would spin.
 */
export class ImmediateClock implements Clock {
  readonly waits: number[] = [];
  now(): number {
    return performance.now();
  }
  setTimeout(fn: () => void, ms: number): unknown {
    this.waits.push(ms);
    return setImmediate(fn);
  }
  clearTimeout(handle: unknown): void {
    clearImmediate(handle as NodeJS.Immediate);
  }
}
