/**
 * The demo's load generator: request `i` starts `i * interval` ms after the phase starts
 * (an open arrival schedule, as real traffic), with at most `concurrency` calls in flight.
 */

/** How one demo request ended. */
export interface Outcome {
  readonly ok: boolean;
  /** Attempts made (1 without retries). */
  readonly attempts: number;
  /** Ms from the call's start to its end, waits included. */
  readonly latency: number;
  /** `'ok'` or why it failed (e.g. `'HTTP 503'`, `'CircuitOpenError'`). */
  readonly reason: string;
  /** Ms after the phase started that the call started. */
  readonly startedAt: number;
}

/** Progress of a phase, for the progress bar. */
export interface Progress {
  readonly done: number;
  readonly ok: number;
  readonly total: number;
}

/** Run `total` calls of `one` on the schedule; resolves when all settled. `one` must not reject. */
export function drive(
  total: number,
  interval: number,
  concurrency: number,
  one: (id: number, startedAt: number) => Promise<Outcome>,
  onProgress: (p: Progress) => void,
): Promise<Outcome[]> {
  const results: Outcome[] = [];
  if (total === 0) return Promise.resolve(results);
  const start = performance.now();
  let next = 0;
  let inFlight = 0;
  let done = 0;
  let ok = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  return new Promise((resolve) => {
    const launch = (): void => {
      while (next < total && inFlight < concurrency) {
        const wait = start + next * interval - performance.now();
        if (wait > 0) {
          timer ??= setTimeout(() => {
            timer = undefined;
            launch();
          }, wait);
          return;
        }
        const id = next++;
        inFlight++;
        void one(id, performance.now() - start).then((outcome) => {
          results[id] = outcome;
          inFlight--;
          done++;
          if (outcome.ok) ok++;
          onProgress({ done, ok, total });
          if (done === total) resolve(results);
          else launch();
        });
      }
    };
    launch();
  });
}
