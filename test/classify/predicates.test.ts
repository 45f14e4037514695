import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  classifyError,
  ERROR_CATEGORIES,
  isNetworkError,
  isPermanentError,
  isTimeoutError,
  isTransientDatabaseError,
  isTransientHttpError,
} from '../../src/classify/classify-error.js';
import {
  AuthenticationError,
  ConnectionError,
  DatabaseError,
  HTTPError,
  NonRetryableError,
  RateLimitError,
  RequestTimeoutError,
  ValidationError,
} from '../../src/errors/vocabulary.js';
import * as S from './shapes.js';

describe('isPermanentError (what DefaultRetryPolicy never retries)', () => {
  it('is true for the SPEC §2 list: programming errors, ValidationError, AuthenticationError, 4xx but 408/425/429, NonRetryableError, aborts', () => {
    for (const e of [
      new TypeError('x'),
      new RangeError('x'),
      new SyntaxError('x'),
      new ReferenceError('x'),
      new ValidationError(),
      new AuthenticationError(),
      new HTTPError(400),
      new HTTPError(401),
      new HTTPError(404),
      new HTTPError(422),
      { response: { status: 403 } },
      new NonRetryableError(),
      new DOMException('aborted', 'AbortError'),
    ]) {
      expect(isPermanentError(e), String(e)).toBe(true);
    }
  });

  it('is false for transient and unknown errors', () => {
    for (const e of [
      new HTTPError(408),
      new HTTPError(425),
      new RateLimitError(),
      new HTTPError(503),
      new ConnectionError(),
      new RequestTimeoutError(),
      new DOMException('t', 'TimeoutError'),
      S.fetchFailed(S.systemError('ECONNREFUSED')),
      new Error('who knows'),
      'a string',
      null,
    ]) {
      expect(isPermanentError(e), String(e)).toBe(false);
    }
  });

  it('agrees with classifyError(...).retryable for any value', () => {
    fc.assert(fc.property(fc.anything(), (v) => isPermanentError(v) === !classifyError(v).retryable));
  });
});

describe('isNetworkError / isTimeoutError', () => {
  it('isNetworkError: system codes, fetch failed, ConnectionError; not timeouts, not a NonRetryableError wrapping one', () => {
    expect(isNetworkError(S.systemError('ECONNRESET'))).toBe(true);
    expect(isNetworkError(S.fetchFailed(S.systemError('ENOTFOUND')))).toBe(true);
    expect(isNetworkError(new ConnectionError())).toBe(true);
    expect(isNetworkError(S.systemError('ETIMEDOUT'))).toBe(false);
    expect(isNetworkError(new NonRetryableError('stop', { cause: S.systemError('ECONNRESET') }))).toBe(false);
    expect(isNetworkError(new Error('x'))).toBe(false);
  });

  it('isTimeoutError: ETIMEDOUT, undici timeouts, TimeoutError, RequestTimeoutError, 408', () => {
    expect(isTimeoutError(S.systemError('ETIMEDOUT'))).toBe(true);
    expect(isTimeoutError(S.undiciError('HeadersTimeoutError', 'UND_ERR_HEADERS_TIMEOUT'))).toBe(true);
    expect(isTimeoutError(new DOMException('t', 'TimeoutError'))).toBe(true);
    expect(isTimeoutError(new RequestTimeoutError())).toBe(true);
    expect(isTimeoutError(new HTTPError(408))).toBe(true);
    expect(isTimeoutError(new DOMException('a', 'AbortError'))).toBe(false);
  });
});

describe('isTransientHttpError', () => {
  it('is true exactly for 408, 425, 429, 500, 502, 503, 504', () => {
    for (let status = 400; status <= 599; status++) {
      const expected = [408, 425, 429, 500, 502, 503, 504].includes(status);
      expect(isTransientHttpError(new HTTPError(status)), String(status)).toBe(expected);
      expect(isTransientHttpError({ response: { status } }), String(status)).toBe(expected);
    }
  });
  it('sees a transient status through a wrapper cause, but not through NonRetryableError', () => {
    expect(isTransientHttpError(new Error('wrap', { cause: new HTTPError(503) }))).toBe(true);
    expect(isTransientHttpError(new NonRetryableError('stop', { cause: new HTTPError(503) }))).toBe(false);
  });
  it('is false for non-HTTP errors', () => {
    expect(isTransientHttpError(S.systemError('ECONNRESET'))).toBe(false);
    expect(isTransientHttpError(undefined)).toBe(false);
  });
});

describe('isTransientDatabaseError', () => {
  it('is true for deadlocks, serialization failures, lost connections, SQLITE_BUSY, labels, DatabaseError', () => {
    for (const e of [
      S.pgError('40001'),
      S.pgError('08006'),
      S.mysqlError('ER_LOCK_DEADLOCK', 1213, '40001'),
      Object.assign(new Error('x'), { code: 'SQLITE_BUSY' }),
      S.legacyMongoError(['RetryableWriteError']),
      new DatabaseError(),
    ]) {
      expect(isTransientDatabaseError(e)).toBe(true);
    }
  });
  it('is false for permanent database errors and non-database errors', () => {
    for (const e of [S.pgError('23505'), S.mysqlError('ER_DUP_ENTRY', 1062, '23000'), new DatabaseError('x', { code: '23505' }), S.systemError('ECONNRESET')]) {
      expect(isTransientDatabaseError(e)).toBe(false);
    }
  });
});

describe('classifyError: properties', () => {
  const hostile = fc.constantFrom<unknown>(
    new Proxy({}, { get: () => { throw new Error('get'); }, getPrototypeOf: () => { throw new Error('proto'); } }),
    Object.defineProperty(new Error('g'), 'code', { get: () => { throw new Error('code'); } }),
    (() => { const a: { cause?: unknown } = {}; a.cause = a; return a; })(),
  );
  const shaped = fc.record(
    {
      name: fc.oneof(fc.constantFrom('TypeError', 'AbortError', 'TimeoutError', 'MongoServerError', 'ReplyError', 'PrismaClientKnownRequestError'), fc.string()),
      code: fc.oneof(fc.constantFrom('ECONNRESET', 'UND_ERR_SOCKET', '40001', 'ER_LOCK_DEADLOCK', 'SQLITE_BUSY', 'ERR_SQLITE_ERROR', 'P2034'), fc.string(), fc.integer()),
      message: fc.oneof(fc.constantFrom('fetch failed', 'LOADING x', 'timeout of 1ms'), fc.string()),
      status: fc.oneof(fc.integer({ min: 0, max: 1000 }), fc.anything()),
      response: fc.anything(),
      errorLabels: fc.anything(),
      retryAfter: fc.anything(),
      cause: fc.anything(),
      errors: fc.anything(),
      headers: fc.anything(),
    },
    { requiredKeys: [] },
  );

  it('never throws and always returns a valid category and a boolean, for any input', () => {
    fc.assert(
      fc.property(fc.oneof(fc.anything(), shaped, hostile), (value) => {
        const c = classifyError(value);
        expect(ERROR_CATEGORIES).toContain(c.category);
        expect(typeof c.retryable).toBe('boolean');
        if ('retryAfter' in c) expect(Number.isFinite(c.retryAfter) && (c.retryAfter as number) >= 0).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('the predicates never throw for any input', () => {
    fc.assert(
      fc.property(fc.oneof(fc.anything(), shaped, hostile), (value) => {
        for (const p of [isPermanentError, isNetworkError, isTimeoutError, isTransientHttpError, isTransientDatabaseError]) {
          expect(typeof p(value)).toBe('boolean');
        }
      }),
    );
  });
});

describe('docs/error-classification.md', () => {
  it('mentions every code, name, label and prefix of the classification tables', async () => {
    const { readFile } = await import('node:fs/promises');
    const K = await import('../../src/classify/known-codes.js');
    const md = await readFile(new URL('../../docs/error-classification.md', import.meta.url), 'utf8');
    const keys = [
      ...Object.keys(K.SYSTEM_CODES),
      ...Object.keys(K.MYSQL_CODES),
      ...Object.keys(K.POSTGRES_TRANSIENT_SQLSTATES),
      ...Object.keys(K.PRISMA_CODES),
      ...Object.keys(K.NAMES),
      ...K.SQLITE_TRANSIENT_PREFIXES,
      ...K.MONGO_TRANSIENT_LABELS,
      ...K.MONGO_TRANSIENT_CODES.map(String),
      ...K.REDIS_TRANSIENT_PREFIXES,
      ...K.REDIS_REPLY_NAMES,
      ...K.PROGRAMMING_NAMES,
      ...K.FETCH_FAILURE_MESSAGES,
      ...Object.keys(K.DRIVER_MESSAGES),
      ...K.ERROR_CATEGORIES,
      K.NODE_SQLITE_CODE,
    ];
    const missing = keys.filter((k) => !md.includes(k));
    expect(missing).toEqual([]);
  });

  it('the tables are frozen', async () => {
    const K = await import('../../src/classify/known-codes.js');
    for (const t of [K.SYSTEM_CODES, K.MYSQL_CODES, K.POSTGRES_TRANSIENT_SQLSTATES, K.PRISMA_CODES, K.NAMES, K.DRIVER_MESSAGES, K.MONGO_TRANSIENT_CODES, K.REDIS_TRANSIENT_PREFIXES]) {
      expect(Object.isFrozen(t)).toBe(true);
    }
  });
});
