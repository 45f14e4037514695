import { type Clock, clampDelay, realClock } from './clock.js';

/**
 * Deadlines without a timer per call. Every call with the same timeout value (and clock) joins
 * one FIFO list: since `now` only grows, appending keeps the list sorted by deadline, so one
 * timer armed for the head serves the whole list and insert/remove are O(1) — the design of
 * Node's own timer lists. A `DefaultRetryPolicy` call (60 s total timeout) thus costs a clock
 * read and two pointer updates, not a `setTimeout` + `clearTimeout`.
 *
 * While a list holds a pending call its timer is ref'd: a call with a timeout settles by its
 * deadline even when the work it waits on holds nothing open (a hung promise must end in
 * `RetryTimeoutError`, not in the process quietly exiting with code 13 mid-`await`). When the list
 * empties the timer is unref'd where the runtime can, left to lapse, and reused by the next call
 * — so once every call has settled nothing keeps the process alive; on a clock without `unref`
 * (an injected virtual clock) it is cleared instead, so no timer outlives the work.
 */
/** What a deadline list links: the executor's call object is one itself (no extra allocation). */
export interface DeadlineEntry {
  at: number;
  prev: DeadlineEntry | null;
  next: DeadlineEntry | null;
  list: DeadlineList | null;
  /** The deadline passed (the entry is already unlinked). */
  expire(): void;
}

/** A free-standing entry around a callback. */
export class DeadlineNode implements DeadlineEntry {
  at = 0;
  prev: DeadlineEntry | null = null;
  next: DeadlineEntry | null = null;
  list: DeadlineList | null = null;
  constructor(private readonly fire: () => void) {}
  expire(): void {
    this.fire();
  }
}

const unrefable = (h: unknown): boolean =>
  h !== null &&
  typeof h === 'object' &&
  typeof (h as { unref?: unknown }).unref === 'function' &&
  typeof (h as { ref?: unknown }).ref === 'function';

export class DeadlineList {
  private head: DeadlineEntry | null = null;
  private tail: DeadlineEntry | null = null;
  private timer: unknown = undefined;
  private timerAt = Infinity;
  /** The current timer can be unref'd: an idle list lets it lapse instead of clearing it. */
  private lapses = false;
  /** The current timer is unref'd (the list went idle while it was armed). */
  private dormant = false;
  private readonly onTimer = (): void => this.expire();

  constructor(
    readonly clock: Clock,
    readonly timeout: number,
    /** Shared lists keep an idle timer (unref'd) for reuse; private ones clear it. */
    private readonly shared = true,
  ) {}

  /** Add `node` with deadline `now + timeout`. */
  add(node: DeadlineEntry, now: number): void {
    node.at = now + this.timeout;
    node.list = this;
    node.next = null;
    node.prev = this.tail;
    if (this.tail === null) this.head = node;
    else this.tail.next = node;
    this.tail = node;
    if (this.timer === undefined) this.arm(node.at - now);
    else if (this.dormant) {
      this.dormant = false;
      (this.timer as { ref(): unknown }).ref();
    }
  }

  remove(node: DeadlineEntry): void {
    if (node.list !== this) return;
    const { prev, next } = node;
    if (prev === null) this.head = next;
    else prev.next = next;
    if (next === null) this.tail = prev;
    else next.prev = prev;
    node.prev = node.next = node.list = null;
    if (this.head === null && this.timer !== undefined) this.idle();
  }

  private arm(ms: number): void {
    const delay = clampDelay(Math.ceil(ms));
    const timer = this.clock.setTimeout(this.onTimer, delay);
    this.timer = timer;
    this.timerAt = this.clock.now() + delay;
    this.lapses = unrefable(timer);
    this.dormant = false;
  }

  private idle(): void {
    if (this.shared && this.lapses) {
      this.dormant = true;
      (this.timer as { unref(): unknown }).unref();
    } else {
      this.clock.clearTimeout(this.timer);
      this.timer = undefined;
      this.timerAt = Infinity;
    }
  }

  private expire(): void {
    this.timer = undefined;
    this.timerAt = Infinity;
    const now = this.clock.now();
    try {
      let node = this.head;
      while (node !== null && node.at <= now) {
        this.remove(node);
        node.expire();
        node = this.head;
      }
    } finally {
      // Even if an expiry threw, the entries left must keep their timer.
      if (this.head !== null && this.timer === undefined) this.arm(this.head.at - now);
    }
  }

  /** For tests and diagnostics: entries currently waiting. */
  get size(): number {
    let n = 0;
    for (let x = this.head; x !== null; x = x.next) n++;
    return n;
  }

  /** For tests: when the shared timer will fire (Infinity when none). */
  get armedAt(): number {
    return this.timerAt;
  }
}

const MAX_SHARED_LISTS = 64;
const lists = /* @__PURE__ */ new WeakMap<object, Map<number, DeadlineList>>();
let lastKey: object | undefined;
let lastTimeout = Number.NaN;
let lastList: DeadlineList | undefined;

/** The shared list for (`clock`, `timeout`); a one-entry cache makes the common case a compare. */
export function deadlineList(clock: Clock, timeout: number): DeadlineList {
  // The real clock's timers are the globals of the moment: fake timers installed or removed by a
  // test must not strand a list on a timer of the other world.
  const key: object = clock === realClock ? globalThis.setTimeout : clock;
  if (key === lastKey && timeout === lastTimeout && lastList !== undefined) return lastList;
  let byTimeout = lists.get(key);
  if (byTimeout === undefined) {
    byTimeout = new Map();
    lists.set(key, byTimeout);
  }
  let list = byTimeout.get(timeout);
  if (list === undefined) {
    // Bounded: a program computing many distinct timeouts gets private lists past this point.
    if (byTimeout.size >= MAX_SHARED_LISTS) return new DeadlineList(clock, timeout, false);
    list = new DeadlineList(clock, timeout);
    byTimeout.set(timeout, list);
  }
  lastKey = key;
  lastTimeout = timeout;
  lastList = list;
  return list;
}
