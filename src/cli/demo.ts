/**
 * `zenoo-retry demo` (what `npm start` runs): a real flaky HTTP server, the same requests
 * without and with the library, a live progress bar, then a report.
 */
import { type Command, type Io, intFlag, numberFlag, parseFlags, seedFlag } from './args.js';
import { progressBar } from './chart.js';
import { type DemoReport, renderDemo } from './demo-report.js';
import { DEMO_CLIENT, runWithoutRetries, runWithRetries } from './demo-run.js';
import { type FlakyServerOptions, startFlakyServer } from './flaky-server.js';
import { fmtMs, fmtPct, round } from './format.js';
import type { Progress } from './load.js';

const NAME = 'demo';

/** The demo's defaults. */
export const DEMO_DEFAULTS = Object.freeze({
  requests: 400,
  failureRate: 0.1,
  seed: 1,
  concurrency: 32,
  /** Ms over which each phase's requests start, evenly spaced (so the demo's length does not depend on --requests). */
  duration: 4000,
  spikeRate: 0.03,
  spikeMs: Object.freeze([300, 700] as const),
  latencyMs: Object.freeze([1, 6] as const),
  /** The outage covers this part of the arrival schedule (1.2 s to 2.2 s). */
  outageShare: Object.freeze([0.3, 0.55] as const),
  retryAfterSeconds: 0.3,
});

/** A progress display on stderr: a live bar on a terminal, a few plain lines otherwise. */
function progressDisplay(io: Io, label: string, quiet: boolean): { update(p: Progress, note?: string): void; end(): void } {
  let last = 0;
  let step = 0;
  let shown: Progress | undefined;
  let note = '';
  const draw = (p: Progress): string =>
    `  ${label.padEnd(17)}[${progressBar(p.done, p.total, 24)}] ${String(p.done).padStart(String(p.total).length)}/${p.total}  ok ${p.ok}${note}`;
  return {
    update(p: Progress, extra?: string) {
      shown = p;
      note = extra === undefined ? '' : `  ${extra}`;
      if (io.errIsTTY) {
        const now = performance.now();
        if (now - last >= 50 || p.done === p.total) {
          last = now;
          io.err(`\r${draw(p)}\x1b[K`);
        }
      } else if (!quiet) {
        const quarter = Math.floor((p.done / p.total) * 4);
        if (quarter > step) {
          step = quarter;
          io.err(`${draw(p)}\n`);
        }
      }
    },
    end() {
      if (io.errIsTTY && shown !== undefined) io.err(`\r${draw(shown)}\x1b[K\n`);
    },
  };
}

/** `zenoo-retry demo`. */
export const demoCommand: Command = {
  name: NAME,
  summary: 'a flaky HTTP server, the same requests without and with retries, and a report',
  description: [
    'Starts a real HTTP server on 127.0.0.1 (random port) that fails at random (500, 503, 429 with',
    'Retry-After, connection resets), has latency spikes and an outage window. Sends the requests',
    'once with a plain fetch, then through networkRetry with an AdvancedCircuitBreaker, a',
    'RetryBudget and RetryMetrics, and compares. Progress goes to stderr, the report to stdout.',
    'The server\'s behaviour comes from --seed (the outage is in wall time, as a real one).',
  ],
  flags: {
    requests: { type: 'string', value: 'N', description: 'requests per phase, 1 to 5000', default: String(DEMO_DEFAULTS.requests) },
    'failure-rate': { type: 'string', value: 'R', description: 'share of requests that fail at random, 0 to 1', default: String(DEMO_DEFAULTS.failureRate) },
    seed: { type: 'string', value: 'N', description: 'random seed of the server and the jitter, 0 to 4294967295', default: String(DEMO_DEFAULTS.seed) },
    concurrency: { type: 'string', value: 'N', description: 'most requests in flight at once, 1 to 1000', default: String(DEMO_DEFAULTS.concurrency) },
    json: { type: 'boolean', description: 'print one JSON object (schema in docs/cli.md) instead of the report' },
  },
  examples: ['zenoo-retry demo', 'zenoo-retry demo --requests 500 --failure-rate 0.4 --seed 7', 'zenoo-retry demo --json > demo.json'],
  async run(argv: readonly string[], io: Io): Promise<number> {
    const v = parseFlags(demoCommand, argv);
    const d = DEMO_DEFAULTS;
    const requests = intFlag(NAME, v, 'requests', d.requests, { min: 1, max: 5000 });
    const failureRate = numberFlag(NAME, v, 'failure-rate', d.failureRate, { min: 0, max: 1 });
    const seed = seedFlag(NAME, v, d.seed);
    const concurrency = intFlag(NAME, v, 'concurrency', d.concurrency, { min: 1, max: 1000 });
    const json = v.json === true;
    const interval = d.duration / requests;
    const serverOptions: FlakyServerOptions = {
      seed,
      failureRate,
      spikeRate: d.spikeRate,
      spikeMs: d.spikeMs,
      latencyMs: d.latencyMs,
      outage: { start: Math.round(d.duration * d.outageShare[0]), end: Math.round(d.duration * d.outageShare[1]) },
      retryAfterSeconds: d.retryAfterSeconds,
    };
    const server = await startFlakyServer(serverOptions);
    try {
      if (!json) {
        const c = DEMO_CLIENT;
        io.out(
          [
            `zenoo-retry demo: ${requests} requests over ${fmtMs(d.duration)} to a flaky HTTP server on ${server.url}`,
            `  server: ${fmtPct(failureRate, 0)} random failures (HTTP 500, 503, 429 with Retry-After ${d.retryAfterSeconds} s, connection resets),`,
            `          ${fmtPct(d.spikeRate, 0)} latency spikes (${d.spikeMs[0]}–${d.spikeMs[1]} ms), an outage from ${fmtMs(serverOptions.outage.start)} to ${fmtMs(serverOptions.outage.end)} (503s and resets)`,
            `  client: networkRetry: ${c.maxAttempts} attempts, base ${c.baseDelay} ms, cap ${fmtMs(c.maxDelay)}, full jitter, attempt timeout ${c.attemptTimeout} ms;`,
            `          AdvancedCircuitBreaker: opens at ${fmtPct(c.breaker.failureRateThreshold, 0)} failures over ${c.breaker.slidingWindow.size} calls, probes after ${fmtMs(c.breaker.recoveryTimeout)};`,
            '          RetryBudget and RetryMetrics with their defaults',
            '',
          ].join('\n'),
        );
      }
      const p1 = progressDisplay(io, 'without retries', json);
      const withoutRetries = await runWithoutRetries(server, requests, interval, concurrency, (p) => p1.update(p));
      p1.end();
      const p2 = progressDisplay(io, 'with zenoo-retry', json);
      const withRetries = await runWithRetries(server, requests, interval, concurrency, seed, (p, state) =>
        p2.update(p, `breaker ${state}`),
      );
      p2.end();
      const report: DemoReport = {
        command: 'demo',
        params: {
          requests,
          failureRate,
          seed,
          concurrency,
          interval: round(interval, 3),
          server: {
            spikeRate: d.spikeRate,
            spikeMs: d.spikeMs,
            latencyMs: d.latencyMs,
            outage: serverOptions.outage,
            retryAfterSeconds: d.retryAfterSeconds,
          },
          client: DEMO_CLIENT,
        },
        withoutRetries,
        withRetries,
      };
      io.out(json ? `${JSON.stringify(report, null, 2)}\n` : `\n${renderDemo(report, io.columns)}`);
      return 0;
    } finally {
      await server.close();
    }
  },
};
