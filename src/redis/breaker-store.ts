import {
  type Admission,
  type BreakerOutcome,
  type BreakerSnapshot,
  type BreakerStore,
  type BreakerStoreConfig,
  NO_TRANSITIONS,
  type Transition,
} from '../breaker/store.js';
import { type Clock, realClock, unrefTimer } from '../core/clock.js';
import { checkOneOf, optNumber } from '../core/validate.js';
import { LOCAL_PERMIT_BASE, LocalBreaker } from './breaker-local.js';
import { admission, parseReply, type RemoteView, rulesArgs, snapshot } from './breaker-reply.js';
import { BreakerView } from './breaker-view.js';
import { emitStoreEvent } from './events.js';
import { Health } from './fallback.js';
import { BREAKER_LUA } from './lua.js';
import { type CommonConfig, commonConfig, REDIS_STORE_DEFAULTS, type RedisStoreOptions } from './options.js';
import { Script } from './script.js';

/** Options of `new RedisBreakerStore()`. */
export interface RedisBreakerStoreOptions extends RedisStoreOptions {
  /** Ms after its latest change an unused breaker's keys expire (raised to at least 2 × recoveryTimeout and 2 × the window). @default 3600000 */
  keyTtl?: number | undefined;
  /**
   * The shared time base: `'server'` reads Redis `TIME` inside each script, so hosts with skewed
   * clocks agree; `'breaker'` uses the breaker's `clock` (tests with a manual clock; it must
   * then be common to every process, e.g. `Date.now`).
   * @default 'server'
   */
  time?: 'server' | 'breaker' | undefined;
}

const script = /* @__PURE__ */ new Script(BREAKER_LUA);


/**
 * A `BreakerStore` in Redis: every process whose breaker uses the same `prefix` and `name`
 * shares one breaker. Each state change is one Lua script (atomic); counts, windows and probe
 * slots are shared. Redis trouble never reaches a call: after a failure or a `timeout` the store
 * answers from local state seeded with the shared state last seen, retries Redis in the
 * background every `retryInterval` ms, and switches back when it answers.
 *
 * A closed (or open) breaker is answered from the view of the latest reply for up to
 * `syncInterval` ms, refreshed in the background once it is half that old, and successes that
 * change nothing are batched: a healthy breaker adds no Redis round trip to a call.
 *
 * @example
 * import { createClient } from 'redis';
 * import { RedisBreakerStore } from 'zenoo-retry/redis';
 * const client = await createClient({ url: 'redis://127.0.0.1:6379' }).connect();
 * const breaker = new CircuitBreaker({ failureThreshold: 20, store: new RedisBreakerStore({ client, name: 'payments' }) });
 */
export class RedisBreakerStore implements BreakerStore {
  /** The key of the state hash, `<prefix>{breaker:<name>}`. */
  readonly key: string;
  /** The key of the sliding window (failure-rate mode), `<key>:w`. */
  readonly windowKey: string;
  readonly #o: CommonConfig;
  readonly #keyTtl: number;
  readonly #serverTime: boolean;
  #fingerprint: string | undefined;
  #clock: Clock | undefined;
  #flushTimer: unknown = undefined;
  #args: readonly string[] = [];
  #health: Health | undefined;
  #local: LocalBreaker | undefined;
  #view: BreakerView | undefined;
  /** Answering from the local fallback (Redis is unusable). */
  #onLocal = false;
  /** Server time minus local clock, from the latest reply (`time: 'server'`). */
  #offset = 0;
  #sent = 0;
  /** Transitions made by background operations, handed to the breaker with the next answer. */
  #stash: Transition[] = [];
  #refreshing: Promise<void> | undefined;
  #mismatchTold = false;

  constructor(options: RedisBreakerStoreOptions) {
    this.#o = commonConfig('RedisBreakerStore', options, ['keyTtl', 'time']);
    this.#keyTtl = optNumber('keyTtl', options.keyTtl, REDIS_STORE_DEFAULTS.keyTtl, { gt: 0 });
    this.#serverTime = checkOneOf('time', options.time, ['server', 'breaker'], REDIS_STORE_DEFAULTS.time) === 'server';
    this.key = `${this.#o.prefix}{breaker:${this.#o.name}}`;
    this.windowKey = `${this.key}:w`;
  }

  /** Called by the breaker. Breakers sharing this object must have equal rules. */
  configure(config: BreakerStoreConfig): void {
    const rules = config.rules;
    const w = rules.window;
    const ttl = Math.max(
      this.#keyTtl,
      2 * rules.recoveryTimeout,
      w?.type === 'time' ? 2 * w.size : 0,
      w !== undefined && w.maxAge !== Infinity ? 2 * w.maxAge : 0,
    );
    const args = rulesArgs(rules, ttl);
    const fingerprint = args[args.length - 1] as string;
    if (this.#fingerprint !== undefined) {
      if (fingerprint !== this.#fingerprint) {
        throw new TypeError('RedisBreakerStore: a shared store needs breakers with the same rules');
      }
      return;
    }
    this.#fingerprint = fingerprint;
    this.#args = args;
    this.#clock = config.clock;
    this.#health = new Health({ store: 'breaker', key: this.key, ...this.#o, clock: config.clock });
    this.#local = new LocalBreaker(rules, () => config.clock.now() + this.#offset);
    this.#view = new BreakerView(rules, this.#o.syncInterval);
  }

  /** Admit or reject one call (see `BreakerStore.acquire`). */
  acquire(): Admission | Promise<Admission> {
    const view = this.#cfg();
    if (this.#onLocal) return this.#fromLocal(() => this.#lb.acquire());
    const answer = this.#fromView(view);
    if (answer !== undefined) return answer;
    // A view that is only too old: calls arriving together share one read, then decide from it
    // (a burst after a quiet spell costs one round trip, not one per call).
    if (!view.fresh(this.#now()) && this.#o.syncInterval > 0) {
      return this.#refresh().then(() => {
        if (this.#onLocal) return this.#fromLocal(() => this.#lb.acquire());
        return this.#fromView(view) ?? this.#acquireRemote(view);
      });
    }
    return this.#acquireRemote(view);
  }

  #fromView(view: BreakerView): Admission | undefined {
    const answer = view.admit(this.#now(), this.#stash);
    if (answer === undefined) return undefined;
    if (this.#stash.length !== 0) this.#stash = [];
    if (answer.refresh) void this.#refresh();
    return answer.admission;
  }

  #acquireRemote(view: BreakerView): Promise<Admission> {
    return this.#send('acquire').then(
      (v) => {
        const transitions = this.#takeStash(v.transitions);
        return v.admitted && v.state === 'closed' && transitions.length === 0 ? view.closedAdmission(v) : admission(v, transitions);
      },
      () => this.#fromLocal(() => this.#lb.acquire()),
    );
  }

  /** Apply the outcome of the call admitted with `permit` (see `BreakerStore.record`). */
  record(permit: number, outcome: BreakerOutcome): readonly Transition[] | Promise<readonly Transition[]> {
    const view = this.#cfg();
    if (permit >= LOCAL_PERMIT_BASE) {
      // a permit of the local fallback: meaningful only while the fallback is in use
      if (!this.#onLocal) return this.#takeStash(NO_TRANSITIONS);
      return this.#fromLocal(() => this.#lb.record(permit, outcome));
    }
    if (this.#onLocal) return this.#fromLocal(() => NO_TRANSITIONS); // a shared permit's outcome cannot be shared now
    const local = view.settleLocally(permit, outcome, this.#now());
    if (local !== undefined) {
      if (local === 'batched-refresh') void this.#refresh();
      else if (local === 'batched') this.#flushLater();
      return this.#takeStash(NO_TRANSITIONS);
    }
    view.recording++;
    const done = (transitions: readonly Transition[]) => {
      view.recording--;
      return this.#takeStash(transitions);
    };
    return this.#send('record', permit, outcome).then(
      (v) => done(v.transitions),
      () => done(NO_TRANSITIONS),
    );
  }

  /** Server time minus the breaker clock (0 with `time: 'breaker'`), as last measured. */
  timeOffset(): number {
    return this.#offset;
  }

  /** The shared state, settled (see `BreakerStore.read`). */
  read(): BreakerSnapshot | Promise<BreakerSnapshot> {
    this.#cfg();
    if (this.#onLocal) return this.#fromLocal(() => this.#lb.read());
    return this.#send('read').then(
      (v) => snapshot(v, this.#takeStash(v.transitions)),
      () => this.#fromLocal(() => this.#lb.read()),
    );
  }

  /** Close the shared breaker (see `BreakerStore.reset`). While Redis is unusable only the local state is reset. */
  reset(): readonly Transition[] | Promise<readonly Transition[]> {
    const view = this.#cfg();
    view.drop(); // no call may be admitted from the view of before the reset
    if (this.#onLocal) return this.#fromLocal(() => this.#lb.reset());
    return this.#send('reset').then(
      (v) => this.#takeStash(v.transitions),
      () => this.#fromLocal(() => this.#lb.reset()),
    );
  }

  /**
   * A batch is sent with the next script run, and at the latest `syncInterval / 2` after its
   * first success even if this process goes quiet (one unref'd timer at a time: it never keeps
   * the process alive, so successes batched at exit are lost — they only lower a rate).
   */
  #flushLater(): void {
    if (this.#flushTimer !== undefined) return;
    // Real time, not the breaker's clock: it paces network traffic (and a breaker's clock need
    // not schedule timers at all).
    this.#flushTimer = realClock.setTimeout(() => {
      this.#flushTimer = undefined;
      if (!this.#onLocal && (this.#view as BreakerView).batched > 0) void this.#refresh();
    }, Math.max(1, this.#o.syncInterval / 2));
    unrefTimer(this.#flushTimer);
  }

  /** One script run; the reply updates the view. Rejects on failure (the store is then on local state). */
  #send(op: string, permit = -1, outcome = ''): Promise<RemoteView> {
    const seq = ++this.#sent;
    const view = this.#view as BreakerView;
    const [batchGen, batchCount, batchAge] = view.takeBatch(this.#now());
    const now = this.#serverTime ? '' : String(this.#now());
    const args = [op, now, ...this.#args, String(permit), outcome, String(batchGen), String(batchCount), String(batchAge)];
    const run = () => script.run(this.#o.client, [this.key, this.windowKey], args).then(parseReply);
    return (this.#health as Health).run(run).then(
      (v) => {
        this.#take(v, seq);
        return v;
      },
      (error: unknown) => {
        this.#toLocal();
        throw error;
      },
    );
  }

  #take(v: RemoteView, seq: number): void {
    if (v.mismatch && !this.#mismatchTold) {
      this.#mismatchTold = true;
      emitStoreEvent(this.#o.onEvent, { type: 'rules-mismatch', store: 'breaker', key: this.key });
    }
    if (this.#onLocal) {
      // Redis is back: adopt the shared state; tell the breaker if that changes its state
      this.#onLocal = false;
      const from = this.#lb.state;
      const to = v.transitions[0]?.from ?? v.state;
      if (from !== to) this.#stash.push(Object.freeze({ from, to, at: v.now }));
    }
    const now = this.#now();
    (this.#view as BreakerView).take(v, seq, now);
    if (this.#serverTime) this.#offset = v.now - now;
  }

  #toLocal(): void {
    if (this.#onLocal) return;
    this.#onLocal = true;
    const view = this.#view as BreakerView;
    this.#lb.seed(view.current, this.#now() + this.#offset);
    view.drop();
  }

  /** Answer from the local fallback; while on it, try Redis again in the background when due. */
  #fromLocal<T extends { transitions: readonly Transition[] } | readonly Transition[]>(answer: () => T): T {
    if (this.#onLocal && (this.#health as Health).tryDue()) void this.#refresh();
    const out = answer();
    if (this.#stash.length === 0) return out;
    if (Array.isArray(out)) return this.#takeStash(out as readonly Transition[]) as T;
    const o = out as { transitions: readonly Transition[] };
    return Object.freeze({ ...o, transitions: this.#takeStash(o.transitions) }) as T;
  }

  /** A background read (one at a time): refreshes the view, sends batched successes; its transitions are stashed. */
  #refresh(): Promise<void> {
    if (this.#refreshing !== undefined) return this.#refreshing;
    const done = this.#send('read').then(
      (v) => {
        this.#refreshing = undefined;
        if (v.transitions.length !== 0) this.#stash.push(...v.transitions);
      },
      () => {
        this.#refreshing = undefined;
      },
    );
    this.#refreshing = done;
    return done;
  }

  /** Transitions made in the background first, then `own`. */
  #takeStash(own: readonly Transition[]): readonly Transition[] {
    if (this.#stash.length === 0) return own;
    const all = [...this.#stash, ...own];
    this.#stash = [];
    return all;
  }

  get #lb(): LocalBreaker {
    return this.#local as LocalBreaker;
  }

  #now(): number {
    return (this.#clock as Clock).now();
  }

  #cfg(): BreakerView {
    if (this.#view === undefined) throw new TypeError('RedisBreakerStore: configure() was not called');
    return this.#view;
  }
}
