/**
 * `zenoo-retry plot`: the delay schedule of one strategy configuration, with p5/p50/p95 bands
 * over many sampled schedules, as a terminal chart, `--json`, or a standalone SVG (`--svg FILE`).
 */
import { writeFileSync } from 'node:fs';
import type { JitterType, RetryStrategy } from '../strategies/strategy.js';
import { EXPONENTIAL_DEFAULTS, ExponentialBackoffStrategy } from '../strategies/exponential.js';
import { FIXED_DEFAULTS, FixedDelayStrategy } from '../strategies/fixed.js';
import { LINEAR_DEFAULTS, LinearBackoffStrategy } from '../strategies/linear.js';
import { choiceFlag, type Command, type FlagValues, type Io, intFlag, numberFlag, parseFlags, seedFlag, stringFlag, UsageError } from './args.js';
import { bandChart, makeScale } from './chart.js';
import { fmtMs, quantile, round, table } from './format.js';
import { mulberry32 } from './rng.js';
import { renderPlotSvg } from './svg.js';

const NAME = 'plot';
const STRATEGIES = ['exponential', 'linear', 'fixed'] as const;
const JITTERS = ['none', 'full', 'equal', 'decorrelated'] as const;
type StrategyName = (typeof STRATEGIES)[number];
type JitterName = (typeof JITTERS)[number];
const DEFAULT_ATTEMPTS = 8;
const DEFAULT_SAMPLES = 10_000;
/** Delays kept in memory at once (two Float64Arrays of this many values: 160 MB). */
const MAX_VALUES = 10_000_000;

/** The configuration `plot` draws (the `config` of `--json`). */
export interface PlotConfig {
  readonly strategy: StrategyName;
  readonly baseDelay: number;
  /** Exponential only. */
  readonly multiplier?: number;
  /** Linear only. */
  readonly increment?: number;
  readonly maxDelay: number;
  readonly maxAttempts: number;
  readonly jitter: JitterName;
  readonly samples: number;
  readonly seed: number;
}

/** Percentiles of the wait after one failed attempt (the `retries[]` of `--json`). */
export interface RetryBand {
  /** The failed attempt this wait follows (1-based). */
  readonly afterAttempt: number;
  /** The strategy's capped delay before jitter: `min(calculateDelay(n), maxDelay)`. */
  readonly capped: number;
  readonly p5: number;
  readonly p50: number;
  readonly p95: number;
  readonly min: number;
  readonly max: number;
  readonly mean: number;
  /** Percentiles of the total wait so far (when attempt n+1 starts, ignoring call time). */
  readonly cumulative: { readonly p5: number; readonly p50: number; readonly p95: number };
}

/** What `plot --json` prints. */
export interface PlotReport {
  readonly command: 'plot';
  readonly config: PlotConfig;
  readonly retries: readonly RetryBand[];
}

/** Build the library strategy for `config`, drawing jitter from `random`. */
export function buildStrategy(config: PlotConfig, random: () => number): RetryStrategy {
  const jitter = config.jitter !== 'none';
  const jitterType: JitterType = config.jitter === 'none' ? 'full' : config.jitter;
  const common = { maxAttempts: config.maxAttempts, jitter, jitterType, random };
  switch (config.strategy) {
    case 'exponential':
      return new ExponentialBackoffStrategy({ ...common, baseDelay: config.baseDelay, multiplier: config.multiplier, maxDelay: config.maxDelay });
    case 'linear':
      return new LinearBackoffStrategy({ ...common, baseDelay: config.baseDelay, increment: config.increment, maxDelay: config.maxDelay });
    case 'fixed':
      return new FixedDelayStrategy({ ...common, delay: config.baseDelay });
  }
}

/**
 * Sample `config.samples` schedules (each a chain, as the executor runs it: decorrelated jitter
 * grows from the previous delay) and compute the bands per retry.
 */
export function computePlot(config: PlotConfig): PlotReport {
  const strategy = buildStrategy(config, mulberry32(config.seed));
  const retries = config.maxAttempts - 1;
  const delays = Array.from({ length: retries }, () => new Float64Array(config.samples));
  const sums = Array.from({ length: retries }, () => new Float64Array(config.samples));
  for (let s = 0; s < config.samples; s++) {
    let prev: number | undefined;
    let sum = 0;
    for (let n = 1; n <= retries; n++) {
      const d = strategy.getDelay(n, prev);
      prev = d;
      sum += d;
      delays[n - 1]![s] = d;
      sums[n - 1]![s] = sum;
    }
  }
  const bands: RetryBand[] = [];
  for (let n = 1; n <= retries; n++) {
    const d = Array.from(delays[n - 1]!.sort());
    const c = Array.from(sums[n - 1]!.sort());
    const capped = Math.min(strategy.calculateDelay(n), config.strategy === 'fixed' ? config.baseDelay : config.maxDelay);
    bands.push({
      afterAttempt: n,
      capped: round(capped, 3),
      p5: round(quantile(d, 0.05), 3),
      p50: round(quantile(d, 0.5), 3),
      p95: round(quantile(d, 0.95), 3),
      min: round(d[0] ?? 0, 3),
      max: round(d[d.length - 1] ?? 0, 3),
      mean: round(d.reduce((a, b) => a + b, 0) / Math.max(1, d.length), 3),
      cumulative: { p5: round(quantile(c, 0.05), 3), p50: round(quantile(c, 0.5), 3), p95: round(quantile(c, 0.95), 3) },
    });
  }
  return { command: 'plot', config, retries: bands };
}

const describe = (c: PlotConfig): string => {
  const parts = [`${c.strategy} backoff`, `base ${fmtMs(c.baseDelay)}`];
  if (c.multiplier !== undefined) parts.push(`×${c.multiplier}`);
  if (c.increment !== undefined) parts.push(`+${fmtMs(c.increment)} per retry`);
  if (c.strategy !== 'fixed') parts.push(`cap ${fmtMs(c.maxDelay)}`);
  parts.push(c.jitter === 'none' ? 'no jitter' : `${c.jitter} jitter`, `${c.maxAttempts} attempts`);
  return parts.join(', ');
};

/** The human report: a table and the band chart. */
export function renderPlot(report: PlotReport, columns: number, scaleKind: 'linear' | 'log'): string {
  const c = report.config;
  if (report.retries.length === 0) return `${describe(c)}: one attempt, so no waits to plot.\n`;
  const top = Math.max(...report.retries.map((r) => r.p95), ...report.retries.map((r) => r.capped));
  const minPositive = Math.min(...report.retries.map((r) => r.p5).filter((v) => v > 0), top);
  const scale = makeScale(scaleKind, top, minPositive);
  const width = Math.max(20, Math.min(72, columns - 14));
  const rows = report.retries.map((r) => [
    `after attempt ${r.afterAttempt}`,
    fmtMs(r.capped),
    fmtMs(r.p5),
    fmtMs(r.p50),
    fmtMs(r.p95),
    fmtMs(r.cumulative.p50),
  ]);
  return [
    `Delay schedule: ${describe(c)}`,
    `${c.samples.toLocaleString('en-US')} sampled schedules (seed ${c.seed}); ░ p5–p95, █ median`,
    '',
    bandChart(report.retries.map((r) => ({ label: `wait ${r.afterAttempt}`, p5: r.p5, p50: r.p50, p95: r.p95 })), scale, width),
    '',
    table(['wait', 'no jitter', 'p5', 'p50', 'p95', 'total p50'], rows),
    '',
  ].join('\n');
}

/** Read and cross-check the strategy flags. */
export function readConfig(v: FlagValues): PlotConfig {
  const strategy = choiceFlag(NAME, v, 'strategy', STRATEGIES, 'exponential');
  const only = (flag: string, owner: StrategyName): void => {
    if (v[flag] !== undefined && strategy !== owner) {
      throw new UsageError(`--${flag} applies only to --strategy ${owner}, got --strategy ${strategy}`, NAME);
    }
  };
  only('multiplier', 'exponential');
  only('increment', 'linear');
  if (v['max-delay'] !== undefined && strategy === 'fixed') {
    throw new UsageError('--max-delay does not apply to --strategy fixed (its cap is --base itself)', NAME);
  }
  const defaults = strategy === 'exponential' ? EXPONENTIAL_DEFAULTS : strategy === 'linear' ? LINEAR_DEFAULTS : undefined;
  const baseDelay = numberFlag(NAME, v, 'base', defaults?.baseDelay ?? FIXED_DEFAULTS.delay, { min: 0, max: 1e12 });
  const maxDelay = strategy === 'fixed' ? baseDelay : numberFlag(NAME, v, 'max-delay', defaults!.maxDelay, { min: 0, max: 1e12 });
  const jitterDefault: JitterName = (defaults ?? FIXED_DEFAULTS).jitter ? (defaults ?? FIXED_DEFAULTS).jitterType : 'none';
  const config: PlotConfig = {
    strategy,
    baseDelay,
    maxDelay,
    maxAttempts: intFlag(NAME, v, 'attempts', DEFAULT_ATTEMPTS, { min: 1, max: 1000 }),
    jitter: choiceFlag(NAME, v, 'jitter', JITTERS, jitterDefault),
    samples: intFlag(NAME, v, 'samples', DEFAULT_SAMPLES, { min: 1, max: 1_000_000 }),
    seed: seedFlag(NAME, v, 1),
  };
  const values = config.samples * (config.maxAttempts - 1);
  if (values > MAX_VALUES) {
    throw new UsageError(
      `--samples × (--attempts − 1) must be <= ${MAX_VALUES.toLocaleString('en-US')} (memory), got ${values.toLocaleString('en-US')}`,
      NAME,
    );
  }
  if (strategy === 'exponential') {
    return { ...config, multiplier: numberFlag(NAME, v, 'multiplier', EXPONENTIAL_DEFAULTS.multiplier, { gt: 0, max: 1000 }) };
  }
  if (strategy === 'linear') {
    return { ...config, increment: numberFlag(NAME, v, 'increment', LINEAR_DEFAULTS.increment, { min: 0, max: 1e12 }) };
  }
  return config;
}

/** `zenoo-retry plot`. */
export const plotCommand: Command = {
  name: NAME,
  summary: 'the delay schedule of a strategy, with p5/p50/p95 bands, in the terminal or as SVG',
  description: [
    'Samples the schedule of one strategy configuration many times (jitter drawn from a seeded',
    'source, decorrelated jitter chained as the executor runs it) and draws, for the wait after',
    'each failed attempt, the 5th, 50th and 95th percentiles. Defaults are the library\'s, except',
    `--attempts (${DEFAULT_ATTEMPTS}, to show a longer schedule).`,
  ],
  flags: {
    strategy: { type: 'string', value: 'NAME', description: 'exponential, linear or fixed', default: 'exponential' },
    base: { type: 'string', value: 'MS', description: 'base delay; the delay itself for fixed', default: '1000' },
    multiplier: { type: 'string', value: 'X', description: 'growth factor; exponential only', default: '2' },
    increment: { type: 'string', value: 'MS', description: 'added per retry; linear only', default: '1000' },
    'max-delay': { type: 'string', value: 'MS', description: 'cap on every delay; not for fixed', default: '60000' },
    attempts: { type: 'string', value: 'N', description: 'maxAttempts: attempts - 1 waits are plotted', default: String(DEFAULT_ATTEMPTS) },
    jitter: { type: 'string', value: 'TYPE', description: 'none, full, equal or decorrelated', default: 'full; none for fixed' },
    samples: { type: 'string', value: 'N', description: 'schedules sampled', default: String(DEFAULT_SAMPLES) },
    seed: { type: 'string', value: 'N', description: 'random seed, 0 to 4294967295', default: '1' },
    scale: { type: 'string', value: 'KIND', description: 'terminal chart axis: linear or log', default: 'linear' },
    svg: { type: 'string', value: 'FILE', description: 'also write the chart as a standalone SVG file' },
    json: { type: 'boolean', description: 'print one JSON object (schema in docs/cli.md) instead of the chart' },
  },
  examples: [
    'zenoo-retry plot',
    'zenoo-retry plot --jitter decorrelated --base 100 --max-delay 5000 --attempts 10 --scale log',
    'zenoo-retry plot --strategy linear --base 2000 --increment 3000 --max-delay 30000 --jitter none',
    'zenoo-retry plot --jitter equal --svg equal-jitter.svg',
  ],
  async run(argv: readonly string[], io: Io): Promise<number> {
    const v = parseFlags(plotCommand, argv);
    const config = readConfig(v);
    const scale = choiceFlag(NAME, v, 'scale', ['linear', 'log'] as const, 'linear');
    const svgFile = stringFlag(NAME, v, 'svg');
    const report = computePlot(config);
    if (svgFile !== undefined) {
      writeFileSync(svgFile, renderPlotSvg(report, describe(config)));
    }
    if (v.json === true) io.out(`${JSON.stringify(report, null, 2)}\n`);
    else {
      io.out(renderPlot(report, io.columns, scale));
      if (svgFile !== undefined) io.out(`SVG written to ${svgFile}\n`);
    }
    return 0;
  },
};
