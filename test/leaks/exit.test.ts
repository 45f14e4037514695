/**
 * A process whose work is done exits promptly (SPEC §0, issue 8): `node` runs one realistic use
 * of the built library (DefaultRetryPolicy's 60 s total timeout, a 5 s attemptTimeout, a caller
 * signal, retries, aborts, timeouts, breaker/budget/metrics, every wrapper), prints "settled"
 * and stops working. The time from that line to the process's exit must stay under 1 s.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { runnableEntry } from '../helpers/built-entry.js';

const worker = fileURLToPath(new URL('./fixtures/exit-worker.mjs', import.meta.url));
let entry: string;
const figures: Record<string, number> = {};

beforeAll(async () => {
  entry = await runnableEntry();
});

interface ExitRun {
  outcome: unknown;
  /** ms from the "settled" line to the exit event. */
  exitAfter: number;
  code: number | null;
  stderr: string;
}

function runScenario(scenario: string): Promise<ExitRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [worker], {
      env: { ...process.env, ZENOO_ENTRY: entry, SCENARIO: scenario },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let stderr = '';
    let settledAt: number | undefined;
    let outcome: unknown;
    const kill = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const line = /^settled (.*)$/m.exec(out);
      if (line && settledAt === undefined) {
        settledAt = performance.now();
        outcome = JSON.parse(line[1] ?? 'null');
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(kill);
      if (settledAt === undefined) reject(new Error(`${scenario}: no "settled" line (exit ${code}): ${stderr}`));
      else resolve({ outcome, exitAfter: performance.now() - settledAt, code, stderr });
    });
  });
}

const LIMIT_MS = 1000;

describe('the process exits within 1 s after its last call settles', () => {
  const cases: [string, unknown][] = [
    ['success', 'ok'],
    ['retried', 3],
    ['exhausted', 'MaxRetriesExceededError'],
    ['aborted', 'stop'],
    ['timeout', 'RetryTimeoutError'],
    ['attemptTimeout', 'second'],
    ['hungTimeout', 'RetryTimeoutError'],
    ['hungAttemptTimeout', 'second'],
    ['hooks', 3],
  ];
  it.each(cases)('%s', async (scenario, expected) => {
    const run = await runScenario(scenario);
    figures[scenario] = Math.round(run.exitAfter);
    expect(run.outcome).toEqual(expected);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    expect(run.exitAfter).toBeLessThan(LIMIT_MS);
  });

  it('every wrapper the build exports (asyncRetry, retry, networkRetry, databaseRetry, quickRetry, retryWithFallback, retryWithTimeout)', async () => {
    const run = await runScenario('wrappers');
    figures.wrappers = Math.round(run.exitAfter);
    expect(run.outcome).toBe('asyncRetry,retry,networkRetry,databaseRetry,quickRetry,retryWithFallback,retryWithTimeout');
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    expect(run.exitAfter).toBeLessThan(LIMIT_MS);
  });

  it('control: a timer the user forgot (1.5 s) does keep the process alive — the measurement can fail', async () => {
    const run = await runScenario('control');
    figures.control = Math.round(run.exitAfter);
    expect(run.exitAfter).toBeGreaterThan(LIMIT_MS);
    console.info(`[exit] ms from "settled" to exit: ${JSON.stringify(figures)}`);
  });
});
