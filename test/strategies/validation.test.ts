import { describe, expect, it } from 'vitest';
import { AdaptiveStrategy } from '../../src/strategies/adaptive.js';
import { ExponentialBackoffStrategy } from '../../src/strategies/exponential.js';
import { FixedDelayStrategy } from '../../src/strategies/fixed.js';
import { LinearBackoffStrategy } from '../../src/strategies/linear.js';

type Ctor = new (options?: Record<string, unknown>) => {
  getDelay(n: number, prev?: number): number;
  calculateDelay(n: number): number;
  shouldRetry(n: number, e: unknown): boolean;
  delays(o?: unknown): IterableIterator<number>;
  with(o: unknown): unknown;
};
const classes: Record<string, Ctor> = {
  ExponentialBackoffStrategy: ExponentialBackoffStrategy as unknown as Ctor,
  LinearBackoffStrategy: LinearBackoffStrategy as unknown as Ctor,
  FixedDelayStrategy: FixedDelayStrategy as unknown as Ctor,
  AdaptiveStrategy: AdaptiveStrategy as unknown as Ctor,
};

const DELAY = 'a finite number >= 0';
const INTEGER = 'an integer >= 1';
/** option → [rule text, bad values (RangeError), bad values (TypeError)] */
const rules: Record<string, [string, unknown[], unknown[]]> = {
  maxAttempts: [INTEGER, [0, -1, 1.5, Number.NaN, Infinity], ['3', null, true]],
  baseDelay: [DELAY, [-1, Number.NaN, Infinity, -Infinity], ['1000', null]],
  delay: [DELAY, [-1, Number.NaN, Infinity], ['1000', {}]],
  increment: [DELAY, [-0.5, Number.NaN, Infinity], ['1000']],
  maxDelay: [DELAY, [-1, Number.NaN, Infinity], ['60000']],
  multiplier: ['a finite number > 0', [0, -1, Number.NaN, Infinity], ['2']],
  successThreshold: ['a finite number >= 0 and <= 1', [-0.1, 1.1, Number.NaN, Infinity], ['0.8']],
  adaptationWindow: [`${INTEGER} and <= 1000000`, [0, -1, 2.5, Number.NaN, Infinity, 1_000_001], ['100']],
  minSamples: [INTEGER, [0, -1, 2.5, Number.NaN, Infinity], ['10']],
};
const owners: Record<string, string[]> = {
  ExponentialBackoffStrategy: ['maxAttempts', 'baseDelay', 'multiplier', 'maxDelay'],
  LinearBackoffStrategy: ['maxAttempts', 'baseDelay', 'increment', 'maxDelay'],
  FixedDelayStrategy: ['maxAttempts', 'delay'],
  AdaptiveStrategy: ['maxAttempts', 'baseDelay', 'maxDelay', 'successThreshold', 'adaptationWindow', 'minSamples'],
};
const show = (v: unknown) => (typeof v === 'string' ? JSON.stringify(v) : v === null ? 'null' : typeof v === 'object' ? JSON.stringify(v) : String(v));

describe.each(Object.entries(classes))('%s validation', (name, Strategy) => {
  for (const option of owners[name] ?? []) {
    const [rule, ranges, types] = rules[option] ?? ['', [], []];
    it.each(ranges.map((v) => [show(v), v]))(`rejects ${option} = %s with a RangeError naming it`, (_, value) => {
      expect(() => new Strategy({ [option]: value })).toThrow(
        new RangeError(`\`${option}\` must be ${rule}, got ${show(value)}`),
      );
    });
    it.each(types.map((v) => [show(v), v]))(`rejects ${option} = %s with a TypeError naming it`, (_, value) => {
      expect(() => new Strategy({ [option]: value })).toThrow(
        new TypeError(`\`${option}\` must be ${rule}, got ${show(value)}`),
      );
    });
  }

  it('accepts 0 delays and the edges of every range', () => {
    const zero = Object.fromEntries(
      (owners[name] ?? []).filter((o) => rules[o]?.[0] === DELAY).map((o) => [o, 0]),
    );
    expect(() => new Strategy(zero)).not.toThrow();
    expect(() => new Strategy({ maxAttempts: 1 })).not.toThrow();
  });

  it('rejects jitter that is not a boolean', () => {
    expect(() => new Strategy({ jitter: 'yes' })).toThrow(new TypeError('`jitter` must be a boolean, got "yes"'));
    expect(() => new Strategy({ jitter: 1 })).toThrow(new TypeError('`jitter` must be a boolean, got 1'));
  });

  it('rejects an unknown jitterType', () => {
    expect(() => new Strategy({ jitterType: 'decorr' })).toThrow(
      new RangeError("`jitterType` must be one of 'full', 'equal', 'decorrelated', got \"decorr\""),
    );
  });

  it('rejects a random that is not a function', () => {
    expect(() => new Strategy({ random: 0.5 })).toThrow(new TypeError('`random` must be a function, got 0.5'));
  });

  it('rejects unknown option keys (typos)', () => {
    expect(() => new Strategy({ maxAttempt: 3 })).toThrow(new TypeError(`${name}: unknown option \`maxAttempt\``));
    expect(() => new Strategy({}).with({ maxRetries: 3 })).toThrow(
      new TypeError(`${name}.with: unknown option \`maxRetries\``),
    );
  });

  it('rejects options that are not an object', () => {
    expect(() => new Strategy(null as never)).toThrow(new TypeError('`options` must be an object, got null'));
    expect(() => new Strategy(5 as never)).toThrow(TypeError);
  });

  it('with() validates the derived options', () => {
    expect(() => new Strategy({}).with({ maxAttempts: 0 })).toThrow(
      new RangeError('`maxAttempts` must be an integer >= 1, got 0'),
    );
  });

  it('rejects a non-integer or < 1 attempt number with a RangeError', () => {
    const s = new Strategy({});
    for (const n of [0, -1, 1.5, Number.NaN, Infinity]) {
      const message = `\`attempt\` must be an integer >= 1, got ${String(n)}`;
      expect(() => s.getDelay(n)).toThrow(new RangeError(message));
      expect(() => s.calculateDelay(n)).toThrow(new RangeError(message));
      expect(() => s.shouldRetry(n, undefined)).toThrow(new RangeError(message));
    }
    expect(() => s.getDelay('1' as never)).toThrow(TypeError);
  });

  it('delays() validates its options eagerly', () => {
    const s = new Strategy({});
    expect(() => s.delays({ count: -1 })).toThrow(new RangeError('`count` must be an integer >= 0, got -1'));
    expect(() => s.delays({ count: 1.5 })).toThrow(RangeError);
    expect(() => s.delays({ chain: 'no' })).toThrow(new TypeError('`chain` must be a boolean, got "no"'));
    expect(() => s.delays({ cout: 3 })).toThrow(new TypeError(`${name}.delays: unknown option \`cout\``));
  });

  it('withOverrides() rejects unknown keys', () => {
    const s = new Strategy({}) as unknown as { withOverrides(o: unknown): unknown };
    expect(() => s.withOverrides({ delay: 5 })).toThrow(
      new TypeError(`${name}.withOverrides: unknown option \`delay\``),
    );
  });
});
