/**
 * Real-world shapes the first classifier got wrong (found by review, reproduced, then fixed):
 * HTTP-dates read in local time, a server delay carried by a cause, `fetch failed` over a
 * permanent cause, ioredis's connection-loss "aborts", AWS throttling sent as HTTP 400, TLS
 * certificate errors, and Prisma codes on our own DatabaseError.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { classifyError, isPermanentError } from '../../src/classify/classify-error.js';
import { parseRetryAfter, retryAfterOf } from '../../src/classify/retry-after.js';
import { retryAsync } from '../../src/core/retry-async.js';
import { VirtualClock } from '../../src/core/virtual-clock.js';
import { DatabaseError, HTTPError } from '../../src/errors/vocabulary.js';
import { RetryPolicy } from '../../src/policies/retry-policy.js';
import { FixedDelayStrategy } from '../../src/strategies/fixed.js';

const NOW = Date.parse('2025-01-01T00:00:00Z');

describe('HTTP-dates are UTC, in their three forms only', () => {
  it('IMF-fixdate, RFC 850 and asctime give the same delay', () => {
    expect(parseRetryAfter('Wed, 01 Jan 2025 00:00:10 GMT', NOW)).toBe(10_000);
    expect(parseRetryAfter('Wednesday, 01-Jan-25 00:00:10 GMT', NOW)).toBe(10_000);
    expect(parseRetryAfter('Wed Jan  1 00:00:10 2025', NOW)).toBe(10_000);
  });

  it('whatever the process time zone (a child process under TZ=America/New_York and Asia/Tokyo)', () => {
    const module = fileURLToPath(new URL('../../src/classify/retry-after.ts', import.meta.url));
    const script = `import { parseRetryAfter } from ${JSON.stringify(module)}; process.stdout.write(String(parseRetryAfter('Wed Jan  1 00:00:10 2025', ${NOW})));`;
    for (const TZ of ['America/New_York', 'Asia/Tokyo']) {
      const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
        env: { ...process.env, TZ },
        encoding: 'utf8',
      });
      expect(out, TZ).toBe('10000');
    }
  });

  it('anything else is a bad value: ISO strings, dates without a zone, impossible dates', () => {
    for (const text of ['2025-01-01T00:00:10Z', 'Wed, 01 Jan 2025 00:00:10', 'January 1, 2025 00:00:10', 'Mon, 31 Feb 2025 00:00:10 GMT', 'Wed, 01 Jan 2025 25:00:10 GMT']) {
      expect(parseRetryAfter(text, NOW), text).toBeUndefined();
    }
  });

  it('an RFC 850 two-digit year more than 50 years ahead is in the past century', () => {
    expect(parseRetryAfter('Thursday, 01-Jan-87 00:00:10 GMT', NOW)).toBeUndefined(); // 1987
  });
});

describe('a server delay carried by a cause', () => {
  const wrapped = () => new Error('upstream failed', { cause: new HTTPError(503, 'busy', { retryAfter: 300 }) });

  it('retryAfterOf finds it, as classifyError reports it', () => {
    expect(retryAfterOf(wrapped())).toBe(300);
    expect(classifyError(wrapped())).toMatchObject({ retryable: true, retryAfter: 300 });
    expect(retryAfterOf(new Error('x', { cause: { response: { headers: { 'Retry-After': '2' } } } }))).toBe(2000);
  });

  it('the executor waits for it', async () => {
    const clock = new VirtualClock();
    let n = 0;
    const p = retryAsync(
      () => {
        if (n++ === 0) throw wrapped();
        return clock.now();
      },
      { clock, policy: new RetryPolicy({ strategy: new FixedDelayStrategy({ delay: 1, maxAttempts: 2 }) }) },
    );
    await clock.runAll();
    await expect(p).resolves.toBe(300);
  });

  it('a cyclic cause chain ends', () => {
    const a = new Error('a') as Error & { cause?: unknown };
    const b = new Error('b', { cause: a });
    a.cause = b;
    expect(retryAfterOf(a)).toBeUndefined();
  });
});

describe('fetch failed over a permanent cause is not retried', () => {
  const fetchFailed = (cause: unknown) => new TypeError('fetch failed', { cause });
  it('header overflow, bad redirect URL, certificate', () => {
    const overflow = Object.assign(new Error('Headers Overflow Error'), { code: 'UND_ERR_HEADERS_OVERFLOW' });
    const badUrl = Object.assign(new TypeError('Invalid URL'), { code: 'ERR_INVALID_URL' });
    const cert = Object.assign(new Error('certificate has expired'), { code: 'CERT_HAS_EXPIRED' });
    expect(classifyError(fetchFailed(overflow))).toEqual({ category: 'client', retryable: false });
    expect(classifyError(fetchFailed(badUrl))).toEqual({ category: 'programming', retryable: false });
    expect(classifyError(fetchFailed(cert))).toEqual({ category: 'network', retryable: false });
  });
  it('a network cause, an unknown cause or none still means the network', () => {
    expect(classifyError(fetchFailed(Object.assign(new Error('x'), { code: 'ECONNRESET' })))).toEqual({ category: 'network', retryable: true });
    expect(classifyError(fetchFailed(new Error('redirect count exceeded')))).toEqual({ category: 'network', retryable: true });
    expect(classifyError(fetchFailed(undefined))).toEqual({ category: 'network', retryable: true });
  });
});

describe('ioredis connection loss is the network, not an abort', () => {
  class RedisError extends Error {}
  class AbortError extends RedisError {}
  class MaxRetriesPerRequestError extends AbortError {}
  it('redis-errors AbortError and MaxRetriesPerRequestError', () => {
    expect(classifyError(new AbortError('Command aborted due to connection close'))).toEqual({ category: 'network', retryable: true });
    expect(classifyError(new MaxRetriesPerRequestError('Reached the max retries per request limit'))).toEqual({ category: 'network', retryable: true });
  });
  it("the application's own AbortError stays cancelled", () => {
    expect(classifyError(new DOMException('aborted', 'AbortError'))).toEqual({ category: 'cancelled', retryable: false });
  });
});

describe('AWS SDK v3 throttling (HTTP 400) is a rate limit', () => {
  const aws = (name: string, extra: object = {}) =>
    Object.assign(new Error('Rate exceeded'), { name, $fault: 'client', $metadata: { httpStatusCode: 400 }, ...extra });
  it('by name, and by $retryable', () => {
    for (const name of ['ThrottlingException', 'ProvisionedThroughputExceededException', 'TooManyRequestsException', 'RequestLimitExceeded']) {
      expect(classifyError(aws(name)), name).toMatchObject({ category: 'rate-limit', retryable: true });
      expect(isPermanentError(aws(name))).toBe(false);
    }
    expect(classifyError(aws('SomeNewThrottle', { $retryable: { throttling: true } }))).toMatchObject({ category: 'rate-limit', retryable: true });
    expect(classifyError(aws('InternalFailure', { $retryable: {} }))).toMatchObject({ category: 'server', retryable: true });
  });
  it('a plain AWS 400 is still a client error', () => {
    expect(classifyError(aws('ValidationException'))).toMatchObject({ category: 'client', retryable: false });
  });
});

describe('DatabaseError with a Prisma code goes by the Prisma table', () => {
  it('P2002 is permanent, P2034 transient, P1001 a network failure kept retryable', () => {
    expect(classifyError(new DatabaseError('dup', { code: 'P2002' }))).toEqual({ category: 'database', retryable: false });
    expect(classifyError(new DatabaseError('conflict', { code: 'P2034' }))).toEqual({ category: 'database', retryable: true });
    expect(classifyError(new DatabaseError('unreachable', { code: 'P1001' }))).toEqual({ category: 'database', retryable: true });
  });
});
