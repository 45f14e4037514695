/** The human report of `zenoo-retry demo`. */
import { barChart, timeline, type Span } from './chart.js';
import type { Latency, PhaseReport, RetryPhaseReport, Segment } from './demo-run.js';
import { fmtInt, fmtMs, fmtPct, table } from './format.js';

/** What `demo --json` prints. */
export interface DemoReport {
  readonly command: 'demo';
  readonly params: {
    readonly requests: number;
    readonly failureRate: number;
    readonly seed: number;
    readonly concurrency: number;
    /** Ms between request starts. */
    readonly interval: number;
    readonly server: {
      readonly spikeRate: number;
      readonly spikeMs: readonly [number, number];
      readonly latencyMs: readonly [number, number];
      readonly outage: { readonly start: number; readonly end: number };
      readonly retryAfterSeconds: number;
    };
    readonly client: unknown;
  };
  readonly withoutRetries: PhaseReport;
  readonly withRetries: RetryPhaseReport;
}

// Listed by priority: a short half-open probe stays visible in a cell that was mostly open.
const GLYPHS = Object.freeze({ 'half-open': '▒', open: '█', closed: '·' });
const OUTAGE_GLYPHS = Object.freeze({ down: '▀', up: ' ' });

/** Breaker states as spans over the phase, from its transitions. */
export function breakerSpans(transitions: RetryPhaseReport['breaker']['transitions'], end: number): Span[] {
  const spans: Span[] = [];
  let state = transitions[0]?.from ?? 'closed';
  let from = 0;
  for (const t of transitions) {
    spans.push({ from, to: Math.max(from, t.at), state });
    state = t.to;
    from = t.at;
  }
  spans.push({ from, to: Math.max(from, end), state });
  return spans;
}

const latencyRow = (label: string, l: Latency): string[] => [label, fmtMs(l.p50), fmtMs(l.p95), fmtMs(l.p99), fmtMs(l.max)];

const segmentRow = (label: string, p: PhaseReport): string[] => {
  const cell = (s: Segment): string => (s.requests === 0 ? '–' : `${fmtPct(s.successRate, 0)} of ${s.requests}`);
  return [label, cell(p.segments.beforeOutage), cell(p.segments.duringOutage), cell(p.segments.afterOutage)];
};

const outside = (p: PhaseReport): number => {
  const { beforeOutage: x, afterOutage: y } = p.segments;
  return (x.succeeded + y.succeeded) / Math.max(1, x.requests + y.requests);
};

/** A few sentences that read the numbers for a newcomer. */
export function summaryLines(r: DemoReport): string[] {
  const a = r.withoutRetries;
  const b = r.withRetries;
  const rejected = b.breaker.stats.totals.rejected;
  return [
    `  • Outside the outage, retries lifted success from ${fmtPct(outside(a))} to ${fmtPct(outside(b))}.`,
    `  • During the outage nothing could succeed; the breaker failed fast instead (${fmtInt(rejected)} attempts rejected`,
    `    without a call), so the server got ${fmtInt(b.server.duringOutage)} requests in the outage instead of ${fmtInt(a.server.duringOutage)}.`,
    `  • The retries cost ${fmtInt(b.metrics.totalRetries)} extra attempts (${b.metrics.averageRetries.toFixed(2)} per request); the budget refused ${fmtInt(b.budgetRefusals)}.`,
  ];
}

/** The report printed after the run. */
export function renderDemo(r: DemoReport, columns: number): string {
  const a = r.withoutRetries;
  const b = r.withRetries;
  const width = Math.max(10, Math.min(40, columns - 40));
  const reasons = [...new Set([...Object.keys(a.failures), ...Object.keys(b.failures)])].sort(
    (x, y) => (b.failures[y] ?? 0) + (a.failures[y] ?? 0) - ((b.failures[x] ?? 0) + (a.failures[x] ?? 0)),
  );
  const attemptKeys = Object.keys(b.attempts).map(Number).sort((x, y) => x - y);
  const end = b.durationMs;
  const line = Math.max(20, Math.min(64, columns - 6));
  const m = b.metrics;
  const o = r.params.server.outage;
  const outageSpans: Span[] = [
    { from: 0, to: o.start, state: 'up' },
    { from: o.start, to: o.end, state: 'down' },
    { from: o.end, to: Math.max(o.end, end), state: 'up' },
  ];
  const categories = Object.entries(m.errorsByCategory)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${k} ${fmtInt(n)}`)
    .join(', ');
  const out = [
    'Success rate',
    barChart(
      [
        { label: 'without retries', value: a.successRate, text: `${fmtPct(a.successRate)}  (${a.succeeded}/${a.requests})` },
        { label: 'with zenoo-retry', value: b.successRate, text: `${fmtPct(b.successRate)}  (${b.succeeded}/${b.requests})` },
      ],
      width,
      '  ',
      1,
    ),
    '',
    'Success by when the request started',
    table(
      ['', 'before outage', 'during outage', 'after outage'],
      [segmentRow('without retries', a), segmentRow('with zenoo-retry', b)],
    ),
    '',
    'Why requests failed',
    reasons.length === 0
      ? '  (none)'
      : table(['reason', 'without', 'with'], reasons.map((k) => [k, fmtInt(a.failures[k] ?? 0), fmtInt(b.failures[k] ?? 0)])),
    '',
    'Attempts per request (with zenoo-retry)',
    barChart(
      attemptKeys.map((k) => ({
        label: k === 0 ? '0 (breaker open)' : String(k),
        value: b.attempts[String(k)] ?? 0,
        text: fmtInt(b.attempts[String(k)] ?? 0),
      })),
      width,
    ),
    '',
    'Latency per request (start to end, waits included)',
    table(
      ['', 'p50', 'p95', 'p99', 'max'],
      [
        latencyRow('without retries', a.latency),
        latencyRow('  succeeded only', a.latencySucceeded),
        latencyRow('with zenoo-retry', b.latency),
        latencyRow('  succeeded only', b.latencySucceeded),
      ],
    ),
    '',
    'Load on the server',
    table(
      ['', 'without', 'with'],
      [
        ['requests received', fmtInt(a.server.total), fmtInt(b.server.total)],
        ['during the outage', fmtInt(a.server.duringOutage), fmtInt(b.server.duringOutage)],
      ],
    ),
    '',
    `Circuit breaker over the phase (${OUTAGE_GLYPHS.down} server outage; breaker ${GLYPHS.closed} closed, ${GLYPHS.open} open, ${GLYPHS['half-open']} half-open)`,
    `  outage   ${timeline(outageSpans, end, line, OUTAGE_GLYPHS)}`.trimEnd(),
    `  breaker  ${timeline(breakerSpans(b.breaker.transitions, end), end, line, GLYPHS)}`,
    `           0${' '.repeat(Math.max(1, line - 1 - fmtMs(end).length))}${fmtMs(end)}`,
    ...(b.breaker.transitions.length === 0
      ? ['  no transitions: the breaker stayed closed']
      : b.breaker.transitions.map((t) => `  ${fmtMs(t.at).padStart(8)}  ${t.from} → ${t.to}`)),
    `  admitted ${fmtInt(b.breaker.stats.totals.admitted)} attempts, rejected ${fmtInt(b.breaker.stats.totals.rejected)} without calling the server`,
    '',
    'Retry budget (RetryBudget defaults: 10 % of first attempts + 10 retries/s, over 10 s)',
    `  ${fmtInt(b.budgetRefusals)} request${b.budgetRefusals === 1 ? '' : 's'} stopped by the budget; last window: ${fmtInt(b.budget.retries)} retries for ${fmtInt(b.budget.firstAttempts)} first attempts`,
    '',
    'RetryMetrics.getStats()',
    `  calls ${fmtInt(m.totalCalls)}, success ${fmtPct(m.successRate)}, attempts ${fmtInt(m.totalAttempts)} (${m.averageAttempts.toFixed(2)} per call), retries ${fmtInt(m.totalRetries)}, time waiting ${fmtMs(m.totalDelay)}`,
    `  latency p50 ${fmtMs(m.latency.p50)}, p95 ${fmtMs(m.latency.p95)}, p99 ${fmtMs(m.latency.p99)}, max ${fmtMs(m.latency.max)}`,
    `  failed attempts by category: ${categories || 'none'}`,
    '',
    'In short',
    ...summaryLines(r),
    '',
  ];
  return out.join('\n');
}
