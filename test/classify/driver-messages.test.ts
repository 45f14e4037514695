/**
 * Driver errors that carry no `code`: node-postgres rejects with plain `Error`s whose message is
 * the only evidence. Only these exact messages on a plain `Error` count.
 */
import { describe, expect, it } from 'vitest';
import {
  classifyError,
  isNetworkError,
  isPermanentError,
  isTimeoutError,
  type ErrorCategory,
} from '../../src/classify/classify-error.js';
import { DRIVER_MESSAGES } from '../../src/classify/known-codes.js';

const brief = (error: unknown): { category: ErrorCategory; retryable: boolean } => {
  const c = classifyError(error);
  return { category: c.category, retryable: c.retryable };
};

describe('classifyError: node-postgres errors without a code', () => {
  it("Error('Connection terminated unexpectedly') (socket closed mid-query) is a retryable network error", () => {
    const e = new Error('Connection terminated unexpectedly');
    expect(brief(e)).toEqual({ category: 'network', retryable: true });
    expect(isNetworkError(e)).toBe(true);
  });
  it("Error('Connection terminated') is a retryable network error", () => {
    expect(brief(new Error('Connection terminated'))).toEqual({ category: 'network', retryable: true });
  });
  it("Error('timeout expired') (connectionTimeoutMillis) is a retryable timeout", () => {
    const e = new Error('timeout expired');
    expect(brief(e)).toEqual({ category: 'timeout', retryable: true });
    expect(isTimeoutError(e)).toBe(true);
  });
  it("Error('Query read timeout') (query_timeout) is a retryable timeout", () => {
    expect(brief(new Error('Query read timeout'))).toEqual({ category: 'timeout', retryable: true });
  });
  it("pg-pool's 'Connection terminated due to connection timeout' goes by its cause", () => {
    const e = new Error('Connection terminated due to connection timeout', { cause: new Error('timeout expired') });
    expect(brief(e)).toEqual({ category: 'timeout', retryable: true });
  });
  it('the table is frozen and holds exactly the four messages', () => {
    expect(Object.isFrozen(DRIVER_MESSAGES)).toBe(true);
    expect(Object.keys(DRIVER_MESSAGES).sort()).toEqual(
      ['Connection terminated', 'Connection terminated unexpectedly', 'Query read timeout', 'timeout expired'].sort(),
    );
  });
});

describe('classifyError: driver messages match exactly, nothing else is swept in', () => {
  it('messages that only resemble them stay unknown', () => {
    for (const m of [
      'connection terminated unexpectedly',
      'Connection terminated unexpectedly.',
      ' Connection terminated',
      'Connection terminated by user',
      'timeout expired for job 7',
      'Timeout expired',
      'Query read timeout exceeded',
      'terminated',
      'timeout',
    ]) {
      expect(brief(new Error(m)), m).toEqual({ category: 'unknown', retryable: true });
    }
  });
  it('a programming error with the same message stays programming', () => {
    expect(brief(new TypeError('timeout expired'))).toEqual({ category: 'programming', retryable: false });
    expect(isPermanentError(new RangeError('Connection terminated'))).toBe(true);
  });
  it('an error with another name or with a code is not judged by these messages', () => {
    class JobError extends Error {
      override name = 'JobError';
    }
    expect(brief(new JobError('timeout expired'))).toEqual({ category: 'unknown', retryable: true });
    expect(brief(Object.assign(new Error('Connection terminated'), { code: 'E_APP_SHUTDOWN' }))).toEqual({
      category: 'unknown',
      retryable: true,
    });
    // a recognised code still decides
    expect(brief(Object.assign(new Error('timeout expired'), { code: 'ECONNRESET' }))).toEqual({
      category: 'network',
      retryable: true,
    });
  });
  it('a message that is not a string, or an inherited table key, is ignored', () => {
    expect(brief({ name: 'Error', message: ['timeout expired'] })).toEqual({ category: 'unknown', retryable: true });
    expect(brief(new Error('toString'))).toEqual({ category: 'unknown', retryable: true });
    expect(brief(new Error('__proto__'))).toEqual({ category: 'unknown', retryable: true });
  });
});

describe('the plain-Error fast path agrees with the full search', () => {
  it.each([
    ['transient', 'unknown', true],
    ['LOADING Redis is loading the dataset in memory', 'database', true],
    ['Connection terminated unexpectedly', 'network', true],
    ['Query read timeout', 'timeout', true],
  ])('new Error(%j) → %s', (message, category, retryable) => {
    expect(classifyError(new Error(message))).toMatchObject({ category, retryable });
  });

  it('an Error with a field any rule reads takes the full search', () => {
    const e = Object.assign(new Error('x'), { code: 'ECONNRESET' });
    expect(classifyError(e).category).toBe('network');
    const f = Object.assign(new Error('x'), { status: 503 });
    expect(classifyError(f).category).toBe('server');
    const g = new Error('wrapper', { cause: Object.assign(new Error('y'), { code: '40001' }) });
    expect(classifyError(g)).toMatchObject({ category: 'database', retryable: true });
  });
});
