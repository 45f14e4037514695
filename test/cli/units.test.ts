/** The CLI's building blocks, in-process: seeded randomness, flags, charts, the OCC model, the flaky server's dice. */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { choiceFlag, commandHelp, intFlag, numberFlag, parseFlags, UsageError } from '../../src/cli/args.js';
import { bandChart, bar, barChart, makeScale, progressBar, timeline } from '../../src/cli/chart.js';
import { breakerSpans } from '../../src/cli/demo-report.js';
import { fate, type FlakyServerOptions } from '../../src/cli/flaky-server.js';
import { fmtMs, meanSd, quantile, table } from '../../src/cli/format.js';
import { main } from '../../src/cli/main.js';
import { OCC_DEFAULTS, runOcc, strategyFor } from '../../src/cli/occ-model.js';
import { computePlot, type PlotConfig } from '../../src/cli/plot.js';
import { mixSeed, mulberry32, normal } from '../../src/cli/rng.js';
import { niceTicks, renderPlotSvg } from '../../src/cli/svg.js';
import { readVersion } from '../../src/cli/version.js';
import { ROOT } from './run-cli.js';

describe('rng', () => {
  it('mulberry32 is reproducible and stays in [0, 1)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 32 - 1 }), (seed) => {
        const a = mulberry32(seed);
        const b = mulberry32(seed);
        for (let i = 0; i < 50; i++) {
          const x = a();
          expect(x).toBe(b());
          expect(x).toBeGreaterThanOrEqual(0);
          expect(x).toBeLessThan(1);
        }
      }),
    );
  });

  it('mulberry32 is uniform enough: mean ~0.5, each decile ~10 %', () => {
    const r = mulberry32(123);
    const deciles = new Array<number>(10).fill(0);
    let sum = 0;
    const n = 100_000;
    for (let i = 0; i < n; i++) {
      const x = r();
      sum += x;
      deciles[Math.floor(x * 10)]!++;
    }
    expect(sum / n).toBeCloseTo(0.5, 2);
    for (const d of deciles) expect(Math.abs(d / n - 0.1)).toBeLessThan(0.005);
  });

  it('mixSeed separates streams: different parts, different seeds', () => {
    const seen = new Set<number>();
    for (let a = 0; a < 20; a++) for (let b = 0; b < 20; b++) seen.add(mixSeed(1, a, b));
    expect(seen.size).toBe(400);
    expect(mixSeed(1, 2)).not.toBe(mixSeed(2, 1));
  });

  it('normal() has the requested mean and standard deviation', () => {
    const r = mulberry32(9);
    const xs = Array.from({ length: 50_000 }, () => normal(r, 10, 2));
    const { mean, sd } = meanSd(xs);
    expect(mean).toBeCloseTo(10, 1);
    expect(sd).toBeCloseTo(2, 1);
  });
});

describe('flags', () => {
  const cmd = {
    name: 'x',
    flags: { n: { type: 'string' as const, description: 'n' }, json: { type: 'boolean' as const, description: 'j' } },
  };

  it('unknown flags, positionals and missing values are UsageErrors naming the flag', () => {
    expect(() => parseFlags(cmd, ['--nope'])).toThrow(new UsageError('unknown flag --nope', 'x'));
    expect(() => parseFlags(cmd, ['pos'])).toThrow(/unexpected argument "pos"/);
    expect(() => parseFlags(cmd, ['--n'])).toThrow('--n needs a value');
    expect(() => parseFlags(cmd, ['--json=1'])).toThrow('--json does not take a value');
    expect(parseFlags(cmd, ['--n', '3', '--json'])).toEqual({ n: '3', json: true });
    expect(parseFlags(cmd, ['-h']).help).toBe(true);
  });

  it('number readers name the flag, the rule and the value; absent flags give the fallback', () => {
    expect(intFlag('x', {}, 'n', 7)).toBe(7);
    expect(intFlag('x', { n: '12' }, 'n', 7, { min: 1 })).toBe(12);
    expect(() => intFlag('x', { n: '1.5' }, 'n', 7, { min: 1 })).toThrow('--n must be an integer >= 1, got "1.5"');
    expect(() => intFlag('x', { n: '0' }, 'n', 7, { min: 1, max: 9 })).toThrow('--n must be an integer >= 1 and <= 9, got 0');
    expect(numberFlag('x', { n: '2.5e1' }, 'n', 0)).toBe(25);
    expect(() => numberFlag('x', { n: 'Infinity' }, 'n', 0)).toThrow('--n must be a number, got "Infinity"');
    expect(() => numberFlag('x', { n: '0' }, 'n', 1, { gt: 0 })).toThrow('--n must be a number > 0, got 0');
    expect(choiceFlag('x', { n: 'b' }, 'n', ['a', 'b'] as const, 'a')).toBe('b');
    expect(() => choiceFlag('x', { n: 'c' }, 'n', ['a', 'b'] as const, 'a')).toThrow('--n must be one of a, b, got "c"');
  });

  it('help lists every flag with its value name and default, plus --help', () => {
    const text = commandHelp({
      ...cmd,
      summary: 's',
      description: ['d'],
      examples: ['zenoo-retry x --n 1'],
      flags: { n: { type: 'string', value: 'N', description: 'count', default: '3' } },
      run: () => Promise.resolve(0),
    });
    expect(text).toContain('--n N');
    expect(text).toContain('count (default 3)');
    expect(text).toContain('-h, --help');
    expect(text).toContain('zenoo-retry x --n 1');
  });
});

describe('format', () => {
  it('quantile interpolates between closest ranks (R-7)', () => {
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantile([1, 2, 3, 4], 0)).toBe(1);
    expect(quantile([1, 2, 3, 4], 1)).toBe(4);
    expect(quantile([10], 0.95)).toBe(10);
    expect(quantile([], 0.5)).toBe(0);
  });

  it('fmtMs picks a readable unit', () => {
    expect([0.44, 35.4, 1250, 12_345, 63_560, 150_000].map(fmtMs)).toEqual(['0.4 ms', '35 ms', '1.25 s', '12.3 s', '63.6 s', '2.5 min']);
  });

  it('table aligns the first column left and the others right', () => {
    expect(table(['a', 'n'], [['xx', '1'], ['y', '100']], '')).toBe('a     n\n──  ───\nxx    1\ny   100');
  });
});

describe('charts', () => {
  it('bar() has 1/8-cell resolution and never exceeds the width', () => {
    expect(bar(1, 1, 4)).toBe('████');
    expect(bar(1, 8, 1)).toBe('▏');
    expect(bar(0.5, 1, 3)).toBe('█▌');
    expect(bar(2, 1, 4)).toBe('████');
    expect(bar(0, 1, 4)).toBe('');
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1e6, noNaN: true }), fc.double({ min: 1e-3, max: 1e6, noNaN: true }), fc.integer({ min: 1, max: 80 }), (v, m, w) => {
        expect([...bar(v, m, w)].length).toBeLessThanOrEqual(w);
      }),
    );
  });

  it('barChart scales to the largest value, or to scaleMax', () => {
    const rows = [{ label: 'a', value: 1 }, { label: 'bb', value: 2 }];
    expect(barChart(rows, 4, '')).toBe('a  │██   1\nbb │████ 2');
    expect(barChart(rows, 4, '', 4)).toBe('a  │█    1\nbb │██   2');
  });

  it('a band row shades p5..p95 and marks the median', () => {
    const text = bandChart([{ label: 'w', p5: 2, p50: 5, p95: 8 }], makeScale('linear', 10, 1), 11, '');
    expect(text.split('\n')[0]).toBe('w │  ░░░█░░░  │');
  });

  it('the log scale starts at the power of ten below the smallest value', () => {
    const s = makeScale('log', 10_000, 150);
    expect(s.min).toBe(100);
    expect(s.column(100, 3)).toBe(0);
    expect(s.column(1000, 3)).toBe(1);
    expect(s.column(10_000, 3)).toBe(2);
    expect(s.column(0, 3)).toBe(0);
  });

  it('timeline keeps a short notable state visible in its cell', () => {
    const spans = [
      { from: 0, to: 5, state: 'closed' },
      { from: 5, to: 5.1, state: 'half-open' },
      { from: 5.1, to: 10, state: 'closed' },
    ];
    expect(timeline(spans, 10, 10, { open: '█', 'half-open': '▒', closed: '·' })).toBe('·····▒····');
  });

  it('breakerSpans turns transitions into states over the phase', () => {
    const spans = breakerSpans(
      [
        { from: 'closed', to: 'open', at: 2 },
        { from: 'open', to: 'half-open', at: 4 },
        { from: 'half-open', to: 'closed', at: 5 },
      ],
      8,
    );
    expect(spans).toEqual([
      { from: 0, to: 2, state: 'closed' },
      { from: 2, to: 4, state: 'open' },
      { from: 4, to: 5, state: 'half-open' },
      { from: 5, to: 8, state: 'closed' },
    ]);
  });

  it('progressBar fills in proportion', () => {
    expect(progressBar(1, 4, 8)).toBe('██░░░░░░');
    expect(progressBar(4, 4, 8)).toBe('████████');
  });

  it('niceTicks covers the maximum with round steps', () => {
    expect(niceTicks(60_000)).toEqual([0, 20_000, 40_000, 60_000]);
    expect(niceTicks(950)).toEqual([0, 200, 400, 600, 800, 1000]);
    expect(niceTicks(0)).toEqual([0]);
  });
});

describe('the OCC model (Brooker 2015)', () => {
  const p = OCC_DEFAULTS;
  const expo = (n: number): number => Math.min(p.cap, 2 ** n * p.base); // the article's sleep

  it('no jitter sleeps exactly the article\'s min(cap, base * 2^n)', () => {
    const s = strategyFor('no-jitter', p, () => 0.5);
    for (let n = 1; n <= 12; n++) expect(s.getDelay(n)).toBe(expo(n));
  });

  it('full and equal jitter draw from the article\'s ranges', () => {
    for (const r of [0, 0.25, 0.999]) {
      const full = strategyFor('full', p, () => r);
      const equal = strategyFor('equal', p, () => r);
      for (let n = 1; n <= 12; n++) {
        expect(full.getDelay(n)).toBeCloseTo(r * expo(n), 9);
        expect(equal.getDelay(n)).toBeCloseTo(expo(n) / 2 + r * (expo(n) / 2), 9);
      }
    }
  });

  it('decorrelated jitter is min(cap, uniform(base, 3 * previous sleep)), starting from base', () => {
    const r = 0.5;
    const s = strategyFor('decorrelated', p, () => r);
    let sleep = p.base;
    for (let n = 1; n <= 12; n++) {
      const expected = Math.min(p.cap, p.base + r * (3 * sleep - p.base));
      const got = s.getDelay(n, n === 1 ? undefined : sleep);
      expect(got).toBeCloseTo(expected, 9);
      sleep = got;
    }
  });

  it('one client makes one call and finishes after four network hops', async () => {
    const run = await runOcc('full', { ...p, clients: 1, netSd: 0 }, 1, 0);
    expect(run).toEqual({ calls: 1, time: 4 * p.netMean });
  });

  it('every client commits exactly once: calls >= clients; same seed, same run', async () => {
    const a = await runOcc('equal', { ...p, clients: 25 }, 5, 2);
    const b = await runOcc('equal', { ...p, clients: 25 }, 5, 2);
    expect(a).toEqual(b);
    expect(a.calls).toBeGreaterThanOrEqual(25);
  });
});

describe('plot bands', () => {
  const config: PlotConfig = {
    strategy: 'exponential',
    baseDelay: 100,
    multiplier: 2,
    maxDelay: 1000,
    maxAttempts: 8,
    jitter: 'decorrelated',
    samples: 500,
    seed: 3,
  };

  it('decorrelated schedules stay within [base, maxDelay] and the bands are ordered', () => {
    const report = computePlot(config);
    expect(report.retries).toHaveLength(7);
    for (const b of report.retries) {
      expect(b.min).toBeGreaterThanOrEqual(100);
      expect(b.max).toBeLessThanOrEqual(1000);
      expect(b.p5).toBeLessThanOrEqual(b.p50);
      expect(b.p50).toBeLessThanOrEqual(b.p95);
      expect(b.cumulative.p50).toBeGreaterThanOrEqual(b.p50);
    }
  });

  it('the same seed gives the same bands', () => {
    expect(computePlot(config)).toEqual(computePlot(config));
  });

  it('a fixed delay without jitter is flat', () => {
    const report = computePlot({ strategy: 'fixed', baseDelay: 250, maxDelay: 250, maxAttempts: 4, jitter: 'none', samples: 5, seed: 1 });
    expect(report.retries.map((b) => [b.p5, b.p95, b.capped])).toEqual([[250, 250, 250], [250, 250, 250], [250, 250, 250]]);
  });

  it('the SVG escapes its title', () => {
    const svg = renderPlotSvg(computePlot(config), 'a <b> & "c"');
    expect(svg).toContain('<title>a &lt;b&gt; &amp; &quot;c&quot;</title>');
  });
});

describe('the flaky server\'s dice', () => {
  const o: FlakyServerOptions = {
    seed: 1,
    failureRate: 0.2,
    spikeRate: 0.05,
    spikeMs: [300, 700],
    latencyMs: [1, 6],
    outage: { start: 1000, end: 2000 },
    retryAfterSeconds: 0.3,
  };

  it('the same seed, request and attempt get the same fate, whatever the order', () => {
    const first = Array.from({ length: 50 }, (_, id) => fate(o, id, 1, 0));
    const again = Array.from({ length: 50 }, (_, i) => fate(o, 49 - i, 1, 0)).reverse();
    expect(again).toEqual(first);
  });

  it('inside the outage every request fails with 503 or a reset', () => {
    for (let id = 0; id < 200; id++) expect(['http503', 'reset']).toContain(fate(o, id, 1, 1500).kind);
  });

  it('the failure rate is honoured outside the outage', () => {
    const n = 20_000;
    let failed = 0;
    for (let id = 0; id < n; id++) if (!['ok', 'slow'].includes(fate(o, id, 1, 0).kind)) failed++;
    expect(failed / n).toBeCloseTo(0.2, 1);
    for (let id = 0; id < 200; id++) expect(['ok', 'slow']).toContain(fate({ ...o, failureRate: 0 }, id, 2, 2500).kind);
  });
});

describe('entry (in process)', () => {
  const io = () => {
    const out: string[] = [];
    const err: string[] = [];
    return {
      out,
      err,
      io: { out: (t: string) => out.push(t), err: (t: string) => err.push(t), errIsTTY: false, columns: 80, env: {} },
    };
  };

  it('`help <command>` prints that command\'s help', async () => {
    const t = io();
    expect(await main(['help', 'plot'], t.io)).toBe(0);
    expect(t.out.join('')).toContain('Usage: zenoo-retry plot [flags]');
  });

  it('`help <unknown>` and `help <command> <extra>` are bad usage (exit 2), as `nope --help` is', async () => {
    const t = io();
    expect(await main(['help', 'nope'], t.io)).toBe(2);
    expect(t.err.join('')).toContain('help: unknown command "nope"');
    const u = io();
    expect(await main(['help', 'demo', 'extra'], u.io)).toBe(2);
    expect(u.err.join('')).toContain('unexpected argument "extra"');
  });

  it('a system error (a path that cannot be written) is reported in one line, exit 1', async () => {
    const t = io();
    expect(await main(['plot', '--svg', '/nonexistent-dir/x.svg'], t.io)).toBe(1);
    const text = t.err.join('');
    expect(text).toMatch(/ENOENT/);
    expect(text).not.toMatch(/\n\s+at /);
  });

  it('readVersion finds the package.json above the file', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(readVersion(new URL('../../src/cli/version.ts', import.meta.url).href)).toBe(pkg.version);
    expect(readVersion('file:///nonexistent/dir/cli.js')).toBe('unknown');
  });
});

describe('boundary', () => {
  const files = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)]));

  it('nothing in src/ outside src/cli imports the CLI or a node: module', () => {
    const offenders = files(join(ROOT, 'src'))
      .filter((f) => f.endsWith('.ts') && !relative(join(ROOT, 'src'), f).startsWith('cli'))
      .filter((f) => /from ['"](?:node:|[./]+\/cli\/)|import\(['"]node:/.test(readFileSync(f, 'utf8')));
    expect(offenders).toEqual([]);
  });
});
