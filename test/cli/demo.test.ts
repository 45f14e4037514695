/**
 * `zenoo-retry demo` as `npm start` runs it: a child process of the built CLI against its real
 * flaky HTTP server. It must finish well within 30 s with a fixed seed, print only JSON with
 * --json, and show the library helping: retries lift success outside the outage, the breaker
 * sheds load during it.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { buildCli, runCli } from './run-cli.js';

let cli = '';
beforeAll(async () => {
  cli = await buildCli('cli-demo-test');
});

interface Segment {
  requests: number;
  succeeded: number;
  successRate: number;
}
interface Phase {
  requests: number;
  succeeded: number;
  failed: number;
  successRate: number;
  segments: { beforeOutage: Segment; duringOutage: Segment; afterOutage: Segment };
  latency: { p50: number; p95: number; p99: number; max: number };
  failures: Record<string, number>;
  server: { total: number; duringOutage: number };
}
interface DemoJson {
  command: string;
  params: { requests: number; failureRate: number; seed: number; concurrency: number };
  withoutRetries: Phase;
  withRetries: Phase & {
    attempts: Record<string, number>;
    budgetRefusals: number;
    breaker: { transitions: { from: string; to: string; at: number }[]; stats: { totals: { admitted: number; rejected: number } } };
    budget: { firstAttempts: number; retries: number };
    metrics: { totalCalls: number; successfulCalls: number; totalAttempts: number; totalRetries: number; latency: { p50: number } };
  };
}

describe('demo', () => {
  it('--json with the default request count and a fixed seed: finishes within 30 s, only JSON on stdout', async () => {
    const r = await runCli(cli, ['demo', '--json', '--seed', '3'], 45_000);
    expect(r.code).toBe(0);
    expect(r.ms).toBeLessThan(30_000);
    const report = JSON.parse(r.stdout) as DemoJson; // throws if anything but JSON was printed
    expect(report.command).toBe('demo');
    expect(report.params).toMatchObject({ requests: 400, failureRate: 0.1, seed: 3, concurrency: 32 });
    const a = report.withoutRetries;
    const b = report.withRetries;
    for (const p of [a, b]) {
      expect(p.requests).toBe(400);
      expect(p.succeeded + p.failed).toBe(400);
      const s = p.segments;
      expect(s.beforeOutage.requests + s.duringOutage.requests + s.afterOutage.requests).toBe(400);
      expect(p.latency.p50).toBeLessThanOrEqual(p.latency.p95);
      expect(p.latency.p95).toBeLessThanOrEqual(p.latency.max);
    }
    // Without retries every request is one server request.
    expect(a.server.total).toBe(400);
    // Retries lift success before the outage; the breaker sheds load during it. (After the
    // outage, the breaker's recovery time is a cost; the report shows it, the test does not bet on it.)
    expect(b.segments.beforeOutage.successRate).toBeGreaterThan(a.segments.beforeOutage.successRate);
    expect(b.server.duringOutage).toBeLessThan(a.server.duringOutage / 2);
    expect(b.breaker.transitions.some((t) => t.from === 'closed' && t.to === 'open')).toBe(true);
    expect(b.breaker.stats.totals.rejected).toBeGreaterThan(0);
    // The attempts histogram, the metrics and the server agree.
    expect(Object.values(b.attempts).reduce((x, y) => x + y, 0)).toBe(400);
    const attempts = Object.entries(b.attempts).reduce((sum, [k, n]) => sum + Number(k) * n, 0);
    expect(b.metrics.totalCalls).toBe(400);
    expect(b.metrics.successfulCalls).toBe(b.succeeded);
    expect(b.server.total).toBe(attempts);
    expect(b.breaker.stats.totals.admitted).toBe(attempts);
    expect(b.budget.firstAttempts).toBe(400);
  }, 60_000);

  it('prints the report: success with and without retries, attempts, latency, breaker timeline', async () => {
    const r = await runCli(cli, ['demo', '--requests', '150', '--seed', '1'], 45_000);
    expect(r.code).toBe(0);
    for (const heading of [
      'Success rate',
      'Success by when the request started',
      'Why requests failed',
      'Attempts per request (with zenoo-retry)',
      'Latency per request',
      'Load on the server',
      'Circuit breaker over the phase',
      'Retry budget',
      'RetryMetrics.getStats()',
      'In short',
    ]) {
      expect(r.stdout).toContain(heading);
    }
    expect(r.stdout).toMatch(/without retries\s+│█+.*%/);
    expect(r.stdout).toMatch(/with zenoo-retry\s+│█+.*%/);
    expect(r.stdout).toMatch(/breaker {2}[·█▒]+/);
    expect(r.stdout).toMatch(/p50\s+p95\s+p99\s+max/);
    // Not a terminal: progress comes as a few plain lines on stderr.
    expect(r.stderr).toMatch(/without retries\s+\[█+░*\]/);
    expect(r.stderr).toMatch(/with zenoo-retry\s+\[█+\] 150\/150/);
    expect(r.stderr).not.toContain('\r');
  }, 60_000);
});
