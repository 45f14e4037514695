import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseRetryAfter, retryAfterHeader, retryAfterOf } from '../../src/classify/retry-after.js';
import { CircuitOpenError } from '../../src/errors/library-errors.js';
import { HTTPError, RateLimitError } from '../../src/errors/vocabulary.js';

const NOW = Date.parse('Wed, 21 Oct 2015 07:28:00 GMT');

describe('parseRetryAfter', () => {
  it('reads delta-seconds as milliseconds', () => {
    expect(parseRetryAfter('0', NOW)).toBe(0);
    expect(parseRetryAfter('1', NOW)).toBe(1000);
    expect(parseRetryAfter('120', NOW)).toBe(120_000);
    expect(parseRetryAfter('  7 ', NOW)).toBe(7000);
  });

  it('accepts fractional seconds, as ky and undici do', () => {
    expect(parseRetryAfter('1.5', NOW)).toBe(1500);
  });

  it('reads an HTTP-date relative to the given wall clock', () => {
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:10 GMT', NOW)).toBe(10_000);
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:00 GMT', NOW)).toBe(0);
    // RFC 850 and asctime forms are obsolete but still valid HTTP-dates
    expect(parseRetryAfter('Wednesday, 21-Oct-15 07:29:00 GMT', NOW)).toBe(60_000);
  });

  it('returns undefined for a past HTTP-date (the strategy delay applies)', () => {
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:27:59 GMT', NOW)).toBeUndefined();
  });

  it('returns undefined for bad and negative values', () => {
    for (const bad of ['', '   ', 'soon', '-1', '-0.5', '1e3', '12abc', '1 2', 'NaN', 'Infinity', '0x10']) {
      expect(parseRetryAfter(bad, NOW), bad).toBeUndefined();
    }
    expect(parseRetryAfter('9'.repeat(400), NOW)).toBeUndefined();
  });

  it('never throws and returns a finite value >= 0 or undefined, for any string', () => {
    fc.assert(
      fc.property(fc.string(), fc.integer({ min: 0, max: 4_102_444_800_000 }), (s, now) => {
        const v = parseRetryAfter(s, now);
        return v === undefined || (Number.isFinite(v) && v >= 0);
      }),
    );
  });

  it('returns undefined for a non-string at runtime', () => {
    expect(parseRetryAfter(5 as never, NOW)).toBeUndefined();
  });
});

describe('retryAfterHeader', () => {
  it('reads WHATWG Headers case-insensitively', () => {
    expect(retryAfterHeader(new Headers({ 'Retry-After': '3' }))).toBe('3');
  });

  it('reads a plain object in any key casing', () => {
    expect(retryAfterHeader({ 'retry-after': '3' })).toBe('3');
    expect(retryAfterHeader({ 'Retry-After': '4' })).toBe('4');
    expect(retryAfterHeader({ 'RETRY-AFTER': '5' })).toBe('5');
  });

  it("reads node's IncomingHttpHeaders, including list values", () => {
    expect(retryAfterHeader({ 'content-type': 'text/plain', 'retry-after': ['6', '7'] })).toBe('6');
  });

  it('reads a Map in any casing, a number value and [name, value] pairs', () => {
    expect(retryAfterHeader(new Map([['Retry-After', '8']]))).toBe('8');
    expect(retryAfterHeader(new Map([['RETRY-after', '8']]))).toBe('8');
    expect(retryAfterHeader({ 'retry-after': 9 })).toBe('9');
    expect(retryAfterHeader([['Retry-After', '10']])).toBe('10');
  });

  it('returns undefined when there is no header or no container', () => {
    expect(retryAfterHeader(new Headers())).toBeUndefined();
    expect(retryAfterHeader({})).toBeUndefined();
    expect(retryAfterHeader(undefined)).toBeUndefined();
    expect(retryAfterHeader('retry-after: 5')).toBeUndefined();
  });
});

describe('retryAfterOf', () => {
  it('prefers error.retryAfter (ms) on the library errors', () => {
    expect(retryAfterOf(new RateLimitError('x', { retryAfter: 2500 }))).toBe(2500);
    expect(retryAfterOf(new HTTPError(503, 'x', { retryAfter: 0 }))).toBe(0);
    expect(retryAfterOf(new CircuitOpenError({ retryAfter: 1234 }))).toBe(1234);
  });

  it('reads the header on error.headers (undici ResponseStatusCodeError)', () => {
    expect(retryAfterOf({ statusCode: 503, headers: { 'retry-after': '2' } }, NOW)).toBe(2000);
  });

  it('reads the header on error.response.headers (fetch wrappers, ky, axios, got)', () => {
    const ky = { response: { status: 429, headers: new Headers({ 'retry-after': '3' }) } };
    const got = { response: { statusCode: 429, headers: { 'retry-after': 'Wed, 21 Oct 2015 07:28:05 GMT' } } };
    expect(retryAfterOf(ky, NOW)).toBe(3000);
    expect(retryAfterOf(got, NOW)).toBe(5000);
  });

  it('falls through a negative or non-finite retryAfter to the header', () => {
    expect(retryAfterOf({ retryAfter: -5, headers: { 'retry-after': '1' } }, NOW)).toBe(1000);
    expect(retryAfterOf({ retryAfter: Number.NaN })).toBeUndefined();
  });

  it('returns undefined for bad or past header values', () => {
    expect(retryAfterOf({ headers: { 'retry-after': 'later' } }, NOW)).toBeUndefined();
    expect(retryAfterOf({ headers: { 'retry-after': 'Tue, 20 Oct 2015 07:28:00 GMT' } }, NOW)).toBeUndefined();
  });

  it('never throws: throwing getters, hostile Proxies, primitives', () => {
    const throwing = Object.defineProperty({}, 'retryAfter', {
      get() {
        throw new Error('getter');
      },
    });
    const proxy = new Proxy(
      {},
      {
        get() {
          throw new Error('trap');
        },
      },
    );
    const hostileHeaders = {
      headers: {
        get() {
          throw new Error('get');
        },
      },
    };
    for (const v of [throwing, proxy, hostileHeaders, null, undefined, 'x', 42, Symbol('s')]) {
      expect(retryAfterOf(v)).toBeUndefined();
    }
  });
});
