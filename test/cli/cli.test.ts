/**
 * The bin as users run it: each command as a child process of the built CLI. Exit codes, --help,
 * --version, bad-flag handling, and the --json contracts.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildCli, ROOT, runCli } from './run-cli.js';

let cli = '';
beforeAll(async () => {
  cli = await buildCli('cli-test');
});

const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

describe('entry', () => {
  it('--help lists every command and exits 0', async () => {
    const r = await runCli(cli, ['--help']);
    expect(r.code).toBe(0);
    for (const name of ['demo', 'simulate', 'plot']) expect(r.stdout).toContain(`  ${name} `);
    expect(r.stderr).toBe('');
  });

  it('--version prints the version of package.json', async () => {
    const r = await runCli(cli, ['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(version);
  });

  it('the bundle starts with a node shebang', () => {
    expect(readFileSync(cli, 'utf8').startsWith('#!/usr/bin/env node')).toBe(true);
  });

  it('no command is bad usage (exit 2) with the help on stdout', async () => {
    const r = await runCli(cli, []);
    expect(r.code).toBe(2);
    expect(r.stdout).toContain('Usage: zenoo-retry <command>');
  });

  it('an unknown command exits 2 naming it', async () => {
    const r = await runCli(cli, ['simulat']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown command "simulat"');
    expect(r.stderr).toContain('zenoo-retry --help');
  });

  it.each(['demo', 'simulate', 'plot'])('%s --help documents every flag and exits 0', async (name) => {
    const r = await runCli(cli, [name, '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Usage: zenoo-retry ${name} [flags]`);
    const flags: Record<string, string[]> = {
      demo: ['--requests', '--failure-rate', '--seed', '--concurrency', '--json', '--help'],
      simulate: ['--clients', '--runs', '--seed', '--base', '--cap', '--net-mean', '--net-sd', '--json', '--help'],
      plot: ['--strategy', '--base', '--multiplier', '--increment', '--max-delay', '--attempts', '--jitter', '--samples', '--seed', '--scale', '--svg', '--json', '--help'],
    };
    for (const flag of flags[name]!) expect(r.stdout).toContain(flag);
  });
});

describe('bad usage exits 2 with a message naming the flag and the value', () => {
  const cases: [string[], RegExp][] = [
    [['simulate', '--clients', 'abc'], /--clients must be an integer >= 1 and <= 10000, got "abc"/],
    [['simulate', '--clients', '0'], /--clients must be an integer >= 1 and <= 10000, got 0/],
    [['simulate', '--runs', '2.5'], /--runs must be an integer .*got "2.5"/],
    [['simulate', '--seed', '-1'], /--seed needs a value/],
    [['simulate', '--seed=-1'], /--seed must be an integer >= 0 and <= 4294967295, got -1/],
    [['simulate', '--clients'], /--clients needs a value/],
    [['simulate', '--json=yes'], /--json does not take a value/],
    [['simulate', '--frobnicate'], /unknown flag --frobnicate/],
    [['simulate', 'extra'], /unexpected argument "extra"/],
    [['plot', '--jitter', 'wild'], /--jitter must be one of none, full, equal, decorrelated, got "wild"/],
    [['plot', '--strategy', 'cubic'], /--strategy must be one of exponential, linear, fixed, got "cubic"/],
    [['plot', '--strategy', 'linear', '--multiplier', '3'], /--multiplier applies only to --strategy exponential/],
    [['plot', '--increment', '5'], /--increment applies only to --strategy linear/],
    [['plot', '--strategy', 'fixed', '--max-delay', '5'], /--max-delay does not apply to --strategy fixed/],
    [['plot', '--multiplier', '0'], /--multiplier must be a number > 0 and <= 1000, got 0/],
    [['plot', '--base', 'NaN'], /--base must be a number .*got "NaN"/],
    [['plot', '--svg', ''], /--svg must not be empty/],
    [['plot', '--samples', '1000000', '--attempts', '200'], /--samples × \(--attempts − 1\) must be <= 10,000,000 \(memory\), got 199,000,000/],
    [['demo', '--failure-rate', '1.5'], /--failure-rate must be a number >= 0 and <= 1, got 1.5/],
    [['demo', '--requests', '1e3'], /--requests must be an integer .*got "1e3"/],
    [['demo', '--concurrency', '0'], /--concurrency must be an integer >= 1 and <= 1000, got 0/],
  ];
  it.each(cases)('%j', async (args, message) => {
    const r = await runCli(cli, args);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toContain(`zenoo-retry ${args[0]} --help`);
  });
});

interface Summary {
  mean: number;
  sd: number;
  min: number;
  max: number;
}
interface SimulateJson {
  command: string;
  params: Record<string, number>;
  variants: { name: string; calls: Summary; time: Summary; callsVsNoJitter: number; timeVsNoJitter: number }[];
  findings: {
    noJitterWorstCalls: boolean;
    noJitterWorstTime: boolean;
    halvesCalls: Record<string, boolean>;
    equalSlowestJittered: boolean;
    fullFewerCallsThanDecorrelated: boolean;
  };
}

describe('simulate', () => {
  it('--json with a fixed seed reproduces the article: no jitter worst, jitter halves calls, equal jitter slowest', async () => {
    const r = await runCli(cli, ['simulate', '--json', '--seed', '42', '--runs', '20']);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as SimulateJson;
    expect(report.command).toBe('simulate');
    expect(report.params).toEqual({ clients: 100, base: 5, cap: 2000, netMean: 10, netSd: 2, runs: 20, seed: 42 });
    expect(report.variants.map((v) => v.name)).toEqual(['no-jitter', 'full', 'equal', 'decorrelated']);
    const by = Object.fromEntries(report.variants.map((v) => [v.name, v]));
    const none = by['no-jitter']!;
    for (const name of ['full', 'equal', 'decorrelated']) {
      const v = by[name]!;
      expect(v.calls.mean).toBeLessThan(none.calls.mean);
      expect(v.time.mean).toBeLessThan(none.time.mean / 2);
      expect(v.calls.min).toBeLessThanOrEqual(v.calls.mean);
      expect(v.calls.max).toBeGreaterThanOrEqual(v.calls.mean);
    }
    // "In the case with 100 contending clients, we've reduced our call count by more than half."
    expect(by.full!.calls.mean).toBeLessThan(none.calls.mean / 2);
    expect(by.equal!.calls.mean).toBeLessThan(none.calls.mean / 2);
    // Decorrelated jitter does more work than full jitter (the article: "'Full Jitter' uses less work").
    expect(by.decorrelated!.calls.mean).toBeGreaterThan(by.full!.calls.mean);
    expect(by.equal!.time.mean).toBeGreaterThan(by.full!.time.mean);
    expect(by.equal!.time.mean).toBeGreaterThan(by.decorrelated!.time.mean);
    expect(report.findings.noJitterWorstCalls && report.findings.noJitterWorstTime).toBe(true);
    expect(report.findings.equalSlowestJittered).toBe(true);
    expect(report.findings.halvesCalls.full).toBe(true);
    expect(report.findings.fullFewerCallsThanDecorrelated).toBe(true);
    expect(by.full!.callsVsNoJitter).toBeCloseTo(by.full!.calls.mean / none.calls.mean - 1, 3);
  });

  it('the same seed gives the same numbers; another seed other numbers', async () => {
    const args = ['simulate', '--json', '--clients', '30', '--runs', '3'];
    const [a, b, c] = await Promise.all([
      runCli(cli, [...args, '--seed', '7']),
      runCli(cli, [...args, '--seed', '7']),
      runCli(cli, [...args, '--seed', '8']),
    ]);
    expect(a.stdout).toBe(b.stdout);
    expect(a.stdout).not.toBe(c.stdout);
  });

  it('prints a table, two bar charts and the checked findings', async () => {
    const r = await runCli(cli, ['simulate', '--clients', '20', '--runs', '2']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/variant\s+calls\s+sd\s+vs no-jitter\s+time\s+sd/);
    expect(r.stdout).toContain('Calls (writes reaching the server; less is better)');
    expect(r.stdout).toContain('Completion time');
    expect(r.stdout).toMatch(/no-jitter\s+│█+/);
    expect(r.stdout).toContain("The article's findings, checked:");
  });
});

interface PlotJson {
  command: string;
  config: Record<string, unknown>;
  retries: {
    afterAttempt: number;
    capped: number;
    p5: number;
    p50: number;
    p95: number;
    min: number;
    max: number;
    mean: number;
    cumulative: { p5: number; p50: number; p95: number };
  }[];
}

describe('plot', () => {
  it('--json gives p5 <= p50 <= p95 <= the capped delay per wait, for full jitter', async () => {
    const r = await runCli(cli, ['plot', '--json', '--attempts', '6', '--samples', '2000']);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as PlotJson;
    expect(report.config).toEqual({
      strategy: 'exponential',
      baseDelay: 1000,
      multiplier: 2,
      maxDelay: 60000,
      maxAttempts: 6,
      jitter: 'full',
      samples: 2000,
      seed: 1,
    });
    expect(report.retries.map((b) => b.afterAttempt)).toEqual([1, 2, 3, 4, 5]);
    expect(report.retries.map((b) => b.capped)).toEqual([1000, 2000, 4000, 8000, 16000]);
    for (const b of report.retries) {
      expect(b.min).toBeLessThanOrEqual(b.p5);
      expect(b.p5).toBeLessThanOrEqual(b.p50);
      expect(b.p50).toBeLessThanOrEqual(b.p95);
      expect(b.p95).toBeLessThanOrEqual(b.max);
      expect(b.max).toBeLessThanOrEqual(b.capped);
      // Full jitter is uniform on [0, capped]: the median sits near the middle.
      expect(b.p50 / b.capped).toBeGreaterThan(0.4);
      expect(b.p50 / b.capped).toBeLessThan(0.6);
    }
  });

  it('without jitter every percentile is the schedule itself (the seed example, linear)', async () => {
    const r = await runCli(cli, [
      'plot', '--json', '--strategy', 'linear', '--base', '2000', '--increment', '3000',
      '--max-delay', '30000', '--jitter', 'none', '--attempts', '6', '--samples', '10',
    ]);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as PlotJson;
    expect(report.retries.map((b) => [b.p5, b.p50, b.p95])).toEqual([
      [2000, 2000, 2000], [5000, 5000, 5000], [8000, 8000, 8000], [11000, 11000, 11000], [14000, 14000, 14000],
    ]);
    expect(report.retries.map((b) => b.cumulative.p50)).toEqual([2000, 7000, 15000, 26000, 40000]);
  });

  it('draws a band chart and writes a standalone SVG with --svg', async () => {
    const file = join(ROOT, '.tmp', 'cli-test', 'plot.svg');
    const r = await runCli(cli, ['plot', '--jitter', 'decorrelated', '--base', '100', '--max-delay', '5000', '--scale', 'log', '--svg', file]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/wait 1 │ *░*█░*/);
    expect(r.stdout).toContain('(log)');
    expect(r.stdout).toContain(`SVG written to ${file}`);
    const svg = readFileSync(file, 'utf8');
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    expect(svg).toContain('<polygon');
    expect(svg).toContain('<polyline');
    expect(svg).not.toMatch(/<script|href=/);
  });

  it('an unwritable --svg path is a runtime failure (exit 1)', async () => {
    const r = await runCli(cli, ['plot', '--svg', join(ROOT, '.tmp', 'no-such-dir', 'x', 'plot.svg')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('ENOENT');
  });
});
