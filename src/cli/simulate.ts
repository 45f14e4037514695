/**
 * `zenoo-retry simulate`: the contention study of "Exponential Backoff And Jitter" (Brooker,
 * AWS Architecture Blog, 2015) in virtual time, through the real executor. See occ-model.ts.
 */
import { type Command, type Io, intFlag, numberFlag, parseFlags, seedFlag } from './args.js';
import { barChart } from './chart.js';
import { fmtInt, fmtMs, fmtPct, meanSd, round, table } from './format.js';
import { OCC_DEFAULTS, type OccParams, runOcc, VARIANTS, type Variant } from './occ-model.js';

const NAME = 'simulate';
const DEFAULT_RUNS = 20;
const DEFAULT_SEED = 1;

/** Summary of one measure over the runs. */
export interface Summary {
  readonly mean: number;
  readonly sd: number;
  readonly min: number;
  readonly max: number;
}

/** One variant's results (the `variants[]` of `--json`). */
export interface VariantResult {
  readonly name: Variant;
  /** Writes reaching the server per run. */
  readonly calls: Summary;
  /** Virtual ms until the last client committed, per run. */
  readonly time: Summary;
  /** `calls.mean / noJitter.calls.mean - 1` (negative: fewer calls). */
  readonly callsVsNoJitter: number;
  /** `time.mean / noJitter.time.mean - 1`. */
  readonly timeVsNoJitter: number;
}

/** What `simulate --json` prints. */
export interface SimulateReport {
  readonly command: 'simulate';
  readonly params: OccParams & { readonly runs: number; readonly seed: number };
  readonly variants: readonly VariantResult[];
  /** The article's findings, checked against these numbers. */
  readonly findings: {
    readonly noJitterWorstCalls: boolean;
    readonly noJitterWorstTime: boolean;
    /** Per jittered variant: calls below half of no-jitter's. */
    readonly halvesCalls: Readonly<Record<Exclude<Variant, 'no-jitter'>, boolean>>;
    readonly equalSlowestJittered: boolean;
    /** The article: "The 'Full Jitter' approach uses less work" than decorrelated jitter. */
    readonly fullFewerCallsThanDecorrelated: boolean;
  };
}

const summarize = (values: readonly number[], digits: number): Summary => {
  const { mean, sd } = meanSd(values);
  return {
    mean: round(mean, digits),
    sd: round(sd, digits),
    min: round(Math.min(...values), digits),
    max: round(Math.max(...values), digits),
  };
};

/** Run every variant `runs` times and build the report. `onRun` reports progress. */
export async function simulate(
  params: OccParams,
  runs: number,
  seed: number,
  onRun?: (variant: Variant, run: number) => void,
): Promise<SimulateReport> {
  const raw = new Map<Variant, { calls: number[]; time: number[] }>();
  for (const variant of VARIANTS) {
    const calls: number[] = [];
    const time: number[] = [];
    for (let run = 0; run < runs; run++) {
      const r = await runOcc(variant, params, seed, run);
      calls.push(r.calls);
      time.push(r.time);
      onRun?.(variant, run + 1);
    }
    raw.set(variant, { calls, time });
  }
  const base = raw.get('no-jitter')!;
  const baseCalls = meanSd(base.calls).mean;
  const baseTime = meanSd(base.time).mean;
  const variants: VariantResult[] = VARIANTS.map((name) => {
    const r = raw.get(name)!;
    return {
      name,
      calls: summarize(r.calls, 1),
      time: summarize(r.time, 1),
      callsVsNoJitter: round(meanSd(r.calls).mean / baseCalls - 1, 4),
      timeVsNoJitter: round(meanSd(r.time).mean / baseTime - 1, 4),
    };
  });
  const by = (n: Variant): VariantResult => variants.find((v) => v.name === n)!;
  const jittered = variants.filter((v) => v.name !== 'no-jitter');
  const halves = (n: Variant): boolean => by(n).calls.mean < by('no-jitter').calls.mean / 2;
  return {
    command: 'simulate',
    params: { ...params, runs, seed },
    variants,
    findings: {
      noJitterWorstCalls: jittered.every((v) => v.calls.mean < by('no-jitter').calls.mean),
      noJitterWorstTime: jittered.every((v) => v.time.mean < by('no-jitter').time.mean),
      halvesCalls: { full: halves('full'), equal: halves('equal'), decorrelated: halves('decorrelated') },
      equalSlowestJittered: jittered.every((v) => v.name === 'equal' || v.time.mean < by('equal').time.mean),
      fullFewerCallsThanDecorrelated: by('full').calls.mean < by('decorrelated').calls.mean,
    },
  };
}

/** The human report: table, two bar charts, the article's findings checked. */
export function renderSimulate(report: SimulateReport, columns: number): string {
  const p = report.params;
  const width = Math.max(10, Math.min(50, columns - 34));
  const rows = report.variants.map((v) => [
    v.name,
    fmtInt(v.calls.mean),
    `±${fmtInt(v.calls.sd)}`,
    v.name === 'no-jitter' ? '' : fmtPct(v.callsVsNoJitter, 0).replace('-', '−'),
    fmtMs(v.time.mean),
    `±${fmtMs(v.time.sd)}`,
  ]);
  const f = report.findings;
  const mark = (ok: boolean): string => (ok ? '✓' : '✗');
  const cut = (n: Variant): string => fmtPct(report.variants.find((v) => v.name === n)!.callsVsNoJitter, 0).replace('-', '−');
  return [
    `Contention study: ${p.clients} clients each write one row once, with optimistic concurrency`,
    `(Brooker, "Exponential Backoff And Jitter", AWS Architecture Blog, 2015), in virtual time.`,
    `Backoff base ${p.base} ms, cap ${fmtMs(p.cap)}; network |N(${p.netMean}, ${p.netSd})| ms per message;`,
    `mean of ${p.runs} run${p.runs === 1 ? '' : 's'} (seed ${p.seed}); every client runs through retryAsync.`,
    '',
    table(['variant', 'calls', 'sd', 'vs no-jitter', 'time', 'sd'], rows),
    '',
    'Calls (writes reaching the server; less is better)',
    barChart(report.variants.map((v) => ({ label: v.name, value: v.calls.mean, text: fmtInt(v.calls.mean) })), width),
    '',
    'Completion time (until the last client committed; less is better)',
    barChart(report.variants.map((v) => ({ label: v.name, value: v.time.mean, text: fmtMs(v.time.mean) })), width),
    '',
    'The article\'s findings, checked:',
    `  ${mark(f.noJitterWorstCalls && f.noJitterWorstTime)} no jitter is the worst in calls and in time`,
    `  ${mark(f.halvesCalls.full)} full jitter cuts the calls by more than half: ${cut('full')} (equal ${cut('equal')}, decorrelated ${cut('decorrelated')})`,
    `  ${mark(f.equalSlowestJittered)} equal jitter is the slowest of the jittered variants`,
    `  ${mark(f.fullFewerCallsThanDecorrelated)} full jitter does less work than decorrelated jitter`,
    '',
  ].join('\n');
}

/** `zenoo-retry simulate`. */
export const simulateCommand: Command = {
  name: NAME,
  summary: 'the contention study of "Exponential Backoff And Jitter" (AWS, 2015) in virtual time',
  description: [
    'N clients race to write one row with optimistic concurrency; a client whose write conflicts',
    'backs off with capped exponential backoff (no jitter, full, equal or decorrelated jitter) and',
    'tries again. Reports total calls and completion time per variant. Runs in virtual time',
    '(no real sleeps); the same --seed gives the same numbers.',
  ],
  flags: {
    clients: { type: 'string', value: 'N', description: 'clients racing for the row', default: String(OCC_DEFAULTS.clients) },
    runs: { type: 'string', value: 'N', description: 'runs per variant; results are averaged', default: String(DEFAULT_RUNS) },
    seed: { type: 'string', value: 'N', description: 'random seed, 0 to 4294967295', default: String(DEFAULT_SEED) },
    base: { type: 'string', value: 'MS', description: "the article's backoff base: sleeps are min(cap, base*2^n)", default: String(OCC_DEFAULTS.base) },
    cap: { type: 'string', value: 'MS', description: 'the backoff cap', default: String(OCC_DEFAULTS.cap) },
    'net-mean': { type: 'string', value: 'MS', description: 'mean network delay per message', default: String(OCC_DEFAULTS.netMean) },
    'net-sd': { type: 'string', value: 'MS', description: 'standard deviation of the network delay', default: String(OCC_DEFAULTS.netSd) },
    json: { type: 'boolean', description: 'print one JSON object (schema in docs/cli.md) instead of the report' },
  },
  examples: ['zenoo-retry simulate', 'zenoo-retry simulate --clients 50 --runs 100 --seed 7', 'zenoo-retry simulate --json > study.json'],
  async run(argv: readonly string[], io: Io): Promise<number> {
    const v = parseFlags(simulateCommand, argv);
    const params: OccParams = {
      clients: intFlag(NAME, v, 'clients', OCC_DEFAULTS.clients, { min: 1, max: 10_000 }),
      base: numberFlag(NAME, v, 'base', OCC_DEFAULTS.base, { gt: 0, max: 3_600_000 }),
      cap: numberFlag(NAME, v, 'cap', OCC_DEFAULTS.cap, { gt: 0, max: 3_600_000 }),
      netMean: numberFlag(NAME, v, 'net-mean', OCC_DEFAULTS.netMean, { gt: 0, max: 60_000 }),
      netSd: numberFlag(NAME, v, 'net-sd', OCC_DEFAULTS.netSd, { min: 0, max: 60_000 }),
    };
    const runs = intFlag(NAME, v, 'runs', DEFAULT_RUNS, { min: 1, max: 10_000 });
    const seed = seedFlag(NAME, v, DEFAULT_SEED);
    const total = runs * VARIANTS.length;
    let done = 0;
    const live = io.errIsTTY;
    const report = await simulate(params, runs, seed, (variant) => {
      done++;
      if (live && (done % 4 === 0 || done === total)) io.err(`\r  simulating ${variant.padEnd(12)} ${done}/${total} runs`);
    });
    if (live) io.err('\r\x1b[2K');
    io.out(v.json === true ? `${JSON.stringify(report, null, 2)}\n` : renderSimulate(report, io.columns));
    return 0;
  },
};
