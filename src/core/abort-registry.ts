/**
 * One 'abort' listener per signal, however many calls share it. Node warns
 * (MaxListenersExceededWarning) past 10 listeners on one AbortSignal, and a server passing one
 * request-scoped signal to many retried calls would hit that; here each call costs a Set entry.
 */

/** What a registry entry is told when its signal aborts. */
export interface AbortSubscriber {
  onSignalAbort(reason: unknown): void;
}

const registry = new WeakMap<AbortSignal, Set<AbortSubscriber>>();

export function subscribe(signal: AbortSignal, subscriber: AbortSubscriber): void {
  let set = registry.get(signal);
  if (set === undefined) {
    const subscribers = new Set<AbortSubscriber>();
    set = subscribers;
    registry.set(signal, subscribers);
    const onAbort = (): void => {
      registry.delete(signal);
      for (const s of subscribers) s.onSignalAbort(signal.reason);
      subscribers.clear();
    };
    // The listener is removed when the last subscriber leaves (see unsubscribe).
    (subscribers as Set<AbortSubscriber> & { listener?: () => void }).listener = onAbort;
    signal.addEventListener('abort', onAbort, { once: true });
  }
  set.add(subscriber);
}

export function unsubscribe(signal: AbortSignal, subscriber: AbortSubscriber): void {
  const set = registry.get(signal) as (Set<AbortSubscriber> & { listener?: () => void }) | undefined;
  if (set === undefined || !set.delete(subscriber) || set.size > 0) return;
  registry.delete(signal);
  if (set.listener !== undefined) signal.removeEventListener('abort', set.listener);
}
