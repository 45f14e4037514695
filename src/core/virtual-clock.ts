import type { Clock } from './clock.js';
import { checkNumber } from './validate.js';

interface Timer {
  at: number;
  seq: number;
  fn: () => void;
  cancelled: boolean;
}

const before = (a: Timer, b: Timer): boolean => a.at < b.at || (a.at === b.at && a.seq < b.seq);

/**
 * A clock in virtual time: `now()` moves only when told, timers fire in order of due time.
 * Used by the simulator and by tests (no global patching). A binary heap keeps thousands of
 * pending timers cheap.
 * @example
 * const clock = new VirtualClock();
 * const p = retryAsync(fn, { clock, delay: 1000 });
 * await clock.runAll();
 */
export class VirtualClock implements Clock {
  private time: number;
  private seq = 0;
  private readonly heap: Timer[] = [];
  private live = 0;

  constructor(start = 0) {
    this.time = checkNumber('start', start);
  }

  now(): number {
    return this.time;
  }

  setTimeout(fn: () => void, ms: number): unknown {
    const t: Timer = { at: this.time + (ms > 0 ? ms : 0), seq: this.seq++, fn, cancelled: false };
    this.push(t);
    this.live++;
    return t;
  }

  clearTimeout(handle: unknown): void {
    const t = handle as Timer | undefined;
    if (t !== undefined && t !== null && typeof t === 'object' && 'cancelled' in t && !t.cancelled) {
      t.cancelled = true;
      this.live--;
    }
  }

  /** Timers scheduled and not yet fired or cleared. */
  get pending(): number {
    return this.live;
  }

  /** Due time of the next live timer, or undefined. */
  nextAt(): number | undefined {
    this.dropCancelled();
    return this.heap[0]?.at;
  }

  /** Fire the next due timer (moving time to it) without flushing microtasks. */
  step(): boolean {
    this.dropCancelled();
    const t = this.pop();
    if (t === undefined) return false;
    this.live--;
    t.cancelled = true;
    if (t.at > this.time) this.time = t.at;
    t.fn();
    return true;
  }

  /** Advance by `ms`, firing due timers in order and letting promise jobs run after each. */
  async advance(ms: number): Promise<void> {
    const end = this.time + checkNumber('ms', ms, { min: 0 });
    await flush();
    for (let at = this.nextAt(); at !== undefined && at <= end; at = this.nextAt()) {
      this.step();
      await flush();
    }
    this.time = end;
    await flush();
  }

  /** Fire every timer, including ones scheduled meanwhile (bounded by `limit` firings). */
  async runAll(limit = 100_000): Promise<void> {
    // Stop after two macrotask turns in a row found no timer: a hook awaiting one turn
    // (or a promise chain) may still be about to schedule one.
    for (let i = 0, idle = 0; i < limit && idle < 2; i++) {
      await flush();
      if (this.step()) idle = 0;
      else idle++;
    }
    await flush();
  }

  private dropCancelled(): void {
    while (this.heap.length > 0 && this.heap[0]!.cancelled) this.pop();
  }

  private push(t: Timer): void {
    const h = this.heap;
    h.push(t);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!before(h[i]!, h[p]!)) break;
      [h[i], h[p]] = [h[p]!, h[i]!];
      i = p;
    }
  }

  private pop(): Timer | undefined {
    const h = this.heap;
    const top = h[0];
    const last = h.pop();
    if (h.length > 0 && last !== undefined) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && before(h[l]!, h[m]!)) m = l;
        if (r < h.length && before(h[r]!, h[m]!)) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m]!, h[i]!];
        i = m;
      }
    }
    return top;
  }
}

/** Let every queued promise job run (one macrotask turn). */
export const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
