/**
 * One 'abort' listener per signal, however many calls share it. Node warns
 * (MaxListenersExceededWarning) past 10 listeners on one AbortSignal, and a server passing one
 * request-scoped signal to many retried calls would hit that; here each call costs a Set entry.
 *
 * A signal's record (its subscriber set and listener) is made once and kept for the signal's
 * lifetime (weakly: it goes with the signal); only the listener comes and goes, attached while
 * at least one call is pending on the signal and removed when the last one leaves. So a signal
 * reused call after call (an app-wide shutdown signal) costs a lookup and the listener's
 * add/remove, not a new set, closure and map entry per call.
 */

/** What a registry entry is told when its signal aborts. */
export interface AbortSubscriber {
  onSignalAbort(reason: unknown): void;
}

class Subscribers {
  readonly set = new Set<AbortSubscriber>();
  attached = false;
  readonly onAbort: () => void;
  constructor(signal: AbortSignal) {
    this.onAbort = (): void => {
      this.attached = false; // a `once` listener is gone after it ran
      const subscribers = [...this.set];
      this.set.clear();
      let failure: { error: unknown } | undefined;
      for (const s of subscribers) {
        try {
          s.onSignalAbort(signal.reason);
        } catch (error) {
          failure ??= { error }; // every subscriber hears of the abort; the first throw is reported after
        }
      }
      if (failure !== undefined) throw failure.error;
    };
  }
}

const registry = new WeakMap<AbortSignal, Subscribers>();

export function subscribe(signal: AbortSignal, subscriber: AbortSubscriber): void {
  let entry = registry.get(signal);
  if (entry === undefined) {
    entry = new Subscribers(signal);
    registry.set(signal, entry);
  }
  entry.set.add(subscriber);
  if (!entry.attached) {
    entry.attached = true;
    signal.addEventListener('abort', entry.onAbort, { once: true });
  }
}

export function unsubscribe(signal: AbortSignal, subscriber: AbortSubscriber): void {
  const entry = registry.get(signal);
  if (entry === undefined || !entry.set.delete(subscriber) || entry.set.size > 0 || !entry.attached) return;
  entry.attached = false;
  signal.removeEventListener('abort', entry.onAbort);
}
