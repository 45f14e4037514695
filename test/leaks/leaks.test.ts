/**
 * No leaks after 10,000 calls (issue 8): a child process (clean baseline, --expose-gc) runs
 * 10,000 calls of the built library mixing first-try successes, asyncRetry-wrapped calls with
 * a per-call signal joined to the options' signal, retries with real 1–2 ms waits,
 * exhausted attempts, non-retryable errors, caller aborts during 30 s waits, total timeouts and
 * attempt timeouts while work is running, and pre-aborted signals; then it reports what is left.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { runnableEntry } from '../helpers/built-entry.js';

interface Snapshot {
  resources: string[];
  liveTimers: number;
  heapUsed?: number;
}
interface LeakReport {
  calls: number;
  tally: Record<string, number>;
  ms: number;
  initial: Snapshot;
  before: Snapshot;
  after: Snapshot;
  appSignalListeners: number;
  tracked: number;
  stillReachable: number;
  metricsTotalCalls?: number;
}

const worker = fileURLToPath(new URL('./fixtures/leak-worker.mjs', import.meta.url));
let report: LeakReport;

beforeAll(async () => {
  const entry = await runnableEntry();
  const stdout = await new Promise<string>((resolve, reject) => {
    execFile(
      process.execPath,
      ['--expose-gc', worker],
      { env: { ...process.env, ZENOO_ENTRY: entry, CALLS: '10000' }, timeout: 60_000 },
      (error, out, err) => (error ? reject(new Error(`leak worker failed (exit ${error.code}, signal ${error.signal}): ${error.message}\n${err}`)) : resolve(out)),
    );
  });
  report = JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as LeakReport;
  const heapDelta = (report.after.heapUsed ?? 0) - (report.before.heapUsed ?? 0);
  console.info(
    `[leaks] ${report.calls} calls in ${report.ms} ms ${JSON.stringify(report.tally)}; ` +
      `ref'd resources before/after: [${report.before.resources}] / [${report.after.resources}]; ` +
      `live Timeout objects (incl. unref'd) initial/before/after: ${report.initial.liveTimers}/${report.before.liveTimers}/${report.after.liveTimers}; ` +
      `shared-signal listeners after: ${report.appSignalListeners}; ` +
      `objects handed to the library still reachable after GC: ${report.stillReachable}/${report.tracked}; heap delta ${heapDelta} B`,
  );
}, 90_000);

describe('10,000 calls leave nothing behind', () => {
  it('every one of the 10,000 calls settled the way its kind expects', () => {
    expect(report.calls).toBe(10_000);
    expect(report.tally).toEqual({
      success: 1000,
      wrapper: 1000,
      retried: 1000,
      exhausted: 1000,
      permanent: 1000,
      aborted: 1000,
      timeout: 1000,
      attemptTimeout: 1000,
      preAborted: 1000,
      successAllHooks: 1000,
    });
  });

  it('no Timeout (or any other resource) that keeps the process alive remains beyond the baseline', () => {
    expect(report.after.resources).toEqual(report.before.resources);
    expect(report.after.resources).not.toContain('Timeout');
  });

  it('live timers do not grow with calls: only the shared, unref\'d deadline-list timers stay idle', () => {
    // Deadline lists (one per distinct timeout value) keep an idle, unref'd timer for reuse.
    expect(report.after.liveTimers).toBeLessThanOrEqual(report.before.liveTimers);
    expect(report.after.liveTimers).toBeLessThanOrEqual(4);
  });

  it('a signal shared by every call ends with no abort listener', () => {
    expect(report.appSignalListeners).toBe(0);
  });

  it('nothing a settled call was given (functions, signals, errors) stays reachable after GC', () => {
    expect(report.tracked).toBeGreaterThanOrEqual(1000);
    expect(report.stillReachable).toBe(0);
  });

  it('the metrics sink saw every call routed through it (the hooks really ran)', () => {
    expect(report.metricsTotalCalls).toBe(2200); // 200 in warm-up + 2000 measured
  });
});
