import { setTimeout as sleep } from 'node:timers/promises';
import { ReplyError } from 'ioredis';
import { DatabaseError as PgDatabaseError } from 'pg';
import { ConnectionTimeoutError, ErrorReply, SimpleError, SocketClosedUnexpectedlyError } from 'redis';
import { describe, expect, it } from 'vitest';
import { classifyError, ERROR_CATEGORIES, type ErrorCategory } from '../../src/classify/classify-error.js';
import {
  BulkRetryError,
  CircuitOpenError,
  MaxRetriesExceededError,
  RetryBudgetExceededError,
  RetryTimeoutError,
} from '../../src/errors/library-errors.js';
import { RetryError } from '../../src/errors/retry-error.js';
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

const is = (error: unknown, category: ErrorCategory, retryable: boolean): void => {
  const c = classifyError(error);
  expect({ category: c.category, retryable: c.retryable }).toEqual({ category, retryable });
};

describe('classifyError: Node system errors by code', () => {
  for (const code of ['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH', 'ECONNABORTED']) {
    it(`${code} is a retryable network error`, () => is(S.systemError(code), 'network', true));
  }
  it('ETIMEDOUT is a retryable timeout', () => is(S.systemError('ETIMEDOUT'), 'timeout', true));
  it("getaddrinfo's ENOTFOUND (syscall getaddrinfo, errno -3008) is network", () =>
    is(S.systemError('ENOTFOUND', 'getaddrinfo', -3008), 'network', true));
  it("Node's AggregateError from happy-eyeballs connect (code ECONNREFUSED) is network", () => {
    const agg = Object.assign(new AggregateError([S.systemError('ECONNREFUSED'), S.systemError('ECONNREFUSED')], ''), {
      code: 'ECONNREFUSED',
    });
    is(agg, 'network', true);
  });
  it('an AggregateError without a code is classified by its first recognised member', () => {
    is(new AggregateError([new Error('?'), S.systemError('EHOSTUNREACH')]), 'network', true);
  });
});

describe('classifyError: undici and fetch', () => {
  it('UND_ERR_CONNECT_TIMEOUT, UND_ERR_HEADERS_TIMEOUT and UND_ERR_BODY_TIMEOUT are retryable timeouts', () => {
    is(S.undiciError('ConnectTimeoutError', 'UND_ERR_CONNECT_TIMEOUT'), 'timeout', true);
    is(S.undiciError('HeadersTimeoutError', 'UND_ERR_HEADERS_TIMEOUT'), 'timeout', true);
    is(S.undiciError('BodyTimeoutError', 'UND_ERR_BODY_TIMEOUT'), 'timeout', true);
  });
  it('UND_ERR_SOCKET ("other side closed") is a retryable network error', () =>
    is(S.undiciError('SocketError', 'UND_ERR_SOCKET', 'other side closed'), 'network', true));
  it('an unlisted UND_ERR_* code is a retryable network error', () =>
    is(S.undiciError('InformationalError', 'UND_ERR_INFO', 'reset'), 'network', true));
  it('UND_ERR_ABORTED (name AbortError) is cancelled, not retryable', () =>
    is(S.undiciError('AbortError', 'UND_ERR_ABORTED', 'Request aborted'), 'cancelled', false));
  it('UND_ERR_INVALID_ARG is a programming error', () =>
    is(S.undiciError('InvalidArgumentError', 'UND_ERR_INVALID_ARG'), 'programming', false));
  it('UND_ERR_CLOSED / UND_ERR_DESTROYED (the app closed the dispatcher) are cancelled', () => {
    is(S.undiciError('ClientClosedError', 'UND_ERR_CLOSED'), 'cancelled', false);
    is(S.undiciError('ClientDestroyedError', 'UND_ERR_DESTROYED'), 'cancelled', false);
  });
  it('UND_ERR_RES_EXCEEDED_MAX_SIZE is a client error', () =>
    is(S.undiciError('ResponseExceededMaxSizeError', 'UND_ERR_RES_EXCEEDED_MAX_SIZE'), 'client', false));
  it("undici's ResponseStatusCodeError is classified by its statusCode, with Retry-After from headers", () => {
    const e = Object.assign(S.undiciError('ResponseStatusCodeError', 'UND_ERR_RESPONSE_STATUS_CODE'), {
      status: 503,
      statusCode: 503,
      headers: { 'retry-after': '4' },
      body: null,
    });
    expect(classifyError(e)).toEqual({ category: 'server', retryable: true, retryAfter: 4000 });
  });

  it("fetch's TypeError('fetch failed') with a refused connection as cause is network, not programming", () =>
    is(S.fetchFailed(S.systemError('ECONNREFUSED')), 'network', true));
  it("fetch's TypeError('fetch failed') with a connect timeout as cause is a timeout", () =>
    is(S.fetchFailed(S.undiciError('ConnectTimeoutError', 'UND_ERR_CONNECT_TIMEOUT')), 'timeout', true));
  it("fetch's TypeError('fetch failed') with a DNS failure as cause is network", () =>
    is(S.fetchFailed(S.systemError('ENOTFOUND', 'getaddrinfo', -3008)), 'network', true));
  it("fetch's TypeError('fetch failed') without a cause is still network", () =>
    is(new TypeError('fetch failed'), 'network', true));
  it("a body cut short (TypeError('terminated') caused by UND_ERR_SOCKET) is network", () =>
    is(new TypeError('terminated', { cause: S.undiciError('SocketError', 'UND_ERR_SOCKET', 'other side closed') }), 'network', true));
  it('browser fetch failures (Chrome, Firefox, Safari) are network', () => {
    for (const m of ['Failed to fetch', 'NetworkError when attempting to fetch resource.', 'Load failed']) {
      is(new TypeError(m), 'network', true);
    }
  });
});

describe('classifyError: timeouts and aborts', () => {
  it("AbortSignal.timeout's DOMException TimeoutError is a retryable timeout", () =>
    is(new DOMException('The operation was aborted due to timeout', 'TimeoutError'), 'timeout', true));
  it('a real AbortSignal.timeout reason is a retryable timeout', async () => {
    const signal = AbortSignal.timeout(1);
    await new Promise((r) => signal.addEventListener('abort', r));
    is(signal.reason, 'timeout', true);
  });
  it("DOMException AbortError is cancelled, not retryable", () =>
    is(new DOMException('This operation was aborted', 'AbortError'), 'cancelled', false));
  it('a real AbortController.abort() reason is cancelled', () => {
    const c = new AbortController();
    c.abort();
    is(c.signal.reason, 'cancelled', false);
  });
  it("Node's AbortError (code ABORT_ERR) is cancelled, unless its cause is a timeout", async () => {
    const plain = await sleep(10, undefined, { signal: AbortSignal.abort() }).catch((e: unknown) => e);
    expect((plain as { code?: string }).code).toBe('ABORT_ERR');
    is(plain, 'cancelled', false);
    const timedOut = await sleep(10, undefined, {
      signal: AbortSignal.abort(new DOMException('timed out', 'TimeoutError')),
    }).catch((e: unknown) => e);
    is(timedOut, 'timeout', true);
  });
});

describe('classifyError: HTTP statuses (fetch wrappers, axios, got, ky)', () => {
  const table: [number, ErrorCategory, boolean][] = [
    [400, 'client', false],
    [401, 'auth', false],
    [403, 'auth', false],
    [404, 'client', false],
    [407, 'auth', false],
    [408, 'timeout', true],
    [409, 'client', false],
    [422, 'client', false],
    [425, 'timeout', true],
    [429, 'rate-limit', true],
    [500, 'server', true],
    [501, 'server', true],
    [502, 'server', true],
    [503, 'server', true],
    [504, 'server', true],
    [507, 'server', true],
    [599, 'server', true],
  ];
  for (const [status, category, retryable] of table) {
    it(`status ${status} → ${category}, retryable ${retryable} (status, statusCode, response.status(Code))`, () => {
      is(new HTTPError(status), category, retryable);
      is({ status }, category, retryable);
      is({ statusCode: status }, category, retryable);
      is({ response: { status } }, category, retryable);
      is({ response: { statusCode: status } }, category, retryable);
    });
  }
  it('statuses below 400 are not HTTP failures (the error stays unknown)', () => {
    is({ status: 200 }, 'unknown', true);
    is({ status: 304 }, 'unknown', true);
  });
  it('an out-of-range or non-integer status is ignored', () => {
    is({ status: 1000 }, 'unknown', true);
    is({ status: '503' }, 'unknown', true);
    is({ status: 503.5 }, 'unknown', true);
  });
  it('an AWS SDK v3 error is classified by $metadata.httpStatusCode', () =>
    is({ name: 'ThrottlingException', $metadata: { httpStatusCode: 429 } }, 'rate-limit', true));

  it('axios: a 503 response (code ERR_BAD_RESPONSE) is server, with Retry-After', () => {
    const e = S.axiosError({ message: 'Request failed with status code 503', code: 'ERR_BAD_RESPONSE', status: 503, headers: { 'retry-after': '7' } });
    expect(classifyError(e)).toEqual({ category: 'server', retryable: true, retryAfter: 7000 });
  });
  it('axios: a 404 response (code ERR_BAD_REQUEST) is client, not retryable', () =>
    is(S.axiosError({ message: 'Request failed with status code 404', code: 'ERR_BAD_REQUEST', status: 404 }), 'client', false));
  it('axios: its own timeout (ECONNABORTED "timeout of …ms exceeded") is a timeout', () =>
    is(S.axiosError({ message: 'timeout of 1000ms exceeded', code: 'ECONNABORTED' }), 'timeout', true));
  it('axios: a browser network error (ERR_NETWORK) is network', () =>
    is(S.axiosError({ message: 'Network Error', code: 'ERR_NETWORK' }), 'network', true));
  it('axios: a refused connection in Node is network', () =>
    is(S.axiosError({ message: 'connect ECONNREFUSED', code: 'ECONNREFUSED', cause: S.systemError('ECONNREFUSED') }), 'network', true));
  it('axios: a cancelled request (CanceledError, ERR_CANCELED) is cancelled', () => {
    const e = S.axiosError({ message: 'canceled', code: 'ERR_CANCELED' });
    e.name = 'CanceledError';
    is(e, 'cancelled', false);
  });

  it('got: HTTPError 503 is server, with Retry-After from response.headers', () => {
    expect(classifyError(S.gotHttpError(503, { 'retry-after': '2' }))).toEqual({ category: 'server', retryable: true, retryAfter: 2000 });
  });
  it('got: RequestError carrying ECONNRESET is network', () => is(S.gotRequestError(S.systemError('ECONNRESET')), 'network', true));
  it('got: TimeoutError (code ETIMEDOUT) is a timeout', () => is(S.gotTimeoutError(), 'timeout', true));

  it('ky: HTTPError 429 is rate-limit, with Retry-After from the Response headers', () => {
    expect(classifyError(S.kyHttpError(429, { 'Retry-After': '9' }))).toEqual({ category: 'rate-limit', retryable: true, retryAfter: 9000 });
  });
  it('ky: HTTPError 403 is auth', () => is(S.kyHttpError(403), 'auth', false));
  it('ky: TimeoutError is a timeout', () => is(S.kyTimeoutError(), 'timeout', true));
  it('a thrown fetch Response with an error status is classified by it', () =>
    is(new Response(null, { status: 502 }), 'server', true));
});

describe('classifyError: databases', () => {
  for (const code of ['40001', '40P01', '08000', '08003', '08006', '08001', '08P01', '57P01', '53300', '55P03', '57P02', '57P03']) {
    it(`PostgreSQL SQLSTATE ${code} is a retryable database error`, () => is(S.pgError(code), 'database', true));
  }
  for (const code of ['23505', '23503', '42P01', '42601', '22P02', 'XX000', 'P0001']) {
    it(`PostgreSQL SQLSTATE ${code} is a database error, not retryable`, () => is(S.pgError(code), 'database', false));
  }
  it("pg's own DatabaseError class is classified by its code", () => {
    const e = Object.assign(new PgDatabaseError('could not serialize access', 100, 'error'), { severity: 'ERROR', code: '40001' });
    is(e, 'database', true);
  });
  it('a bare error with a transient SQLSTATE code (no pg fields) is still recognised', () =>
    is(Object.assign(new Error('x'), { code: '40001' }), 'database', true));
  it('letter-class SQLSTATEs need a pg-shaped error (severity), so EPIPE-like codes are not taken for them', () => {
    is(Object.assign(new Error('x'), { code: 'XX000' }), 'unknown', true);
  });

  it('MySQL ER_LOCK_DEADLOCK, ER_LOCK_WAIT_TIMEOUT, PROTOCOL_CONNECTION_LOST are retryable', () => {
    is(S.mysqlError('ER_LOCK_DEADLOCK', 1213, '40001'), 'database', true);
    is(S.mysqlError('ER_LOCK_WAIT_TIMEOUT', 1205, 'HY000'), 'database', true);
    is(Object.assign(new Error('Connection lost: The server closed the connection.'), { code: 'PROTOCOL_CONNECTION_LOST', fatal: true }), 'database', true);
    is(S.mysqlError('ER_CON_COUNT_ERROR', 1040, '08004'), 'database', true);
  });
  it('MySQL ER_DUP_ENTRY and ER_PARSE_ERROR are database errors, not retryable', () => {
    is(S.mysqlError('ER_DUP_ENTRY', 1062, '23000'), 'database', false);
    is(S.mysqlError('ER_PARSE_ERROR', 1064, '42000'), 'database', false);
  });

  it('SQLite SQLITE_BUSY / SQLITE_LOCKED (sqlite3, better-sqlite3 extended codes) are retryable', () => {
    is(Object.assign(new Error('SQLITE_BUSY: database is locked'), { errno: 5, code: 'SQLITE_BUSY' }), 'database', true);
    is(Object.assign(new Error('database table is locked'), { name: 'SqliteError', code: 'SQLITE_LOCKED' }), 'database', true);
    is(Object.assign(new Error('x'), { name: 'SqliteError', code: 'SQLITE_BUSY_SNAPSHOT' }), 'database', true);
  });
  it('SQLite SQLITE_CONSTRAINT_UNIQUE is a database error, not retryable', () =>
    is(Object.assign(new Error('UNIQUE constraint failed'), { name: 'SqliteError', code: 'SQLITE_CONSTRAINT_UNIQUE' }), 'database', false));
  it('node:sqlite ERR_SQLITE_ERROR is retryable for errcode BUSY (5), LOCKED (6) and their extended codes', () => {
    const nodeSqlite = (errcode: number) => Object.assign(new Error('database is locked'), { code: 'ERR_SQLITE_ERROR', errcode, errstr: 'x' });
    is(nodeSqlite(5), 'database', true);
    is(nodeSqlite(517), 'database', true); // SQLITE_BUSY_SNAPSHOT
    is(nodeSqlite(19), 'database', false); // SQLITE_CONSTRAINT
  });

  it('MongoDB: TransientTransactionError / RetryableWriteError labels (hasErrorLabel) are retryable', () => {
    is(new S.MongoServerError('WriteConflict', 112, 'WriteConflict', ['TransientTransactionError']), 'database', true);
    is(new S.MongoServerError('not primary', 10107, 'NotWritablePrimary', ['RetryableWriteError']), 'database', true);
  });
  it('MongoDB: an errorLabels array (older drivers) is read too', () => {
    is(S.legacyMongoError(['TransientTransactionError']), 'database', true);
    is(S.legacyMongoError([]), 'database', false);
  });
  it("MongoDB: a server code the driver retries (ShutdownInProgress 91) is retryable without labels", () =>
    is(new S.MongoServerError('shutting down', 91, 'ShutdownInProgress'), 'database', true));
  it('MongoDB: a duplicate key (11000) is a database error, not retryable', () =>
    is(new S.MongoServerError('E11000 duplicate key', 11000, 'DuplicateKey'), 'database', false));
  it('MongoDB: MongoNetworkError is network, MongoNetworkTimeoutError a timeout', () => {
    is(Object.assign(new Error('connection closed'), { name: 'MongoNetworkError' }), 'network', true);
    is(Object.assign(new Error('timed out'), { name: 'MongoNetworkTimeoutError' }), 'timeout', true);
  });

  it('Redis (ioredis ReplyError): LOADING, TRYAGAIN, CLUSTERDOWN, BUSY, MASTERDOWN are retryable', () => {
    for (const m of [
      'LOADING Redis is loading the dataset in memory',
      'TRYAGAIN Multiple keys request during rehashing of slot',
      'CLUSTERDOWN The cluster is down',
      'BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.',
      "MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.",
    ]) {
      is(new ReplyError(m), 'database', true);
    }
  });
  it('Redis (node-redis ErrorReply/SimpleError, which never set name) are recognised by class', () => {
    is(new SimpleError('LOADING Redis is loading the dataset in memory'), 'database', true);
    is(new ErrorReply('WRONGTYPE Operation against a key holding the wrong kind of value'), 'database', false);
  });
  it('Redis: other reply errors (WRONGTYPE, NOSCRIPT, READONLY) are database errors, not retryable', () => {
    is(new ReplyError('NOSCRIPT No matching script'), 'database', false);
    is(new ReplyError("READONLY You can't write against a read only replica."), 'database', false);
  });
  it('Redis (node-redis): ConnectionTimeoutError is a timeout, SocketClosedUnexpectedlyError network', () => {
    is(new ConnectionTimeoutError(), 'timeout', true);
    is(new SocketClosedUnexpectedlyError(), 'network', true);
  });
  it('Prisma: P2034 (write conflict/deadlock) is retryable, P1001 network, P2002 (unique) permanent', () => {
    const prisma = (code: string) => Object.assign(new Error('prisma'), { name: 'PrismaClientKnownRequestError', code, clientVersion: '6.0.0' });
    is(prisma('P2034'), 'database', true);
    is(prisma('P1001'), 'network', true);
    is(prisma('P2002'), 'database', false);
    const init = Object.assign(new Error("Can't reach database server"), { name: 'PrismaClientInitializationError', errorCode: 'P1001' });
    is(init, 'network', true);
  });
});

describe('classifyError: the vocabulary and library errors', () => {
  it('maps each vocabulary class to its category', () => {
    is(new ConnectionError(), 'network', true);
    is(new RequestTimeoutError(), 'timeout', true);
    is(new RateLimitError(), 'rate-limit', true);
    is(new HTTPError(503), 'server', true);
    is(new HTTPError(400), 'client', false);
    is(new ValidationError(), 'validation', false);
    is(new AuthenticationError(), 'auth', false);
  });
  it('RateLimitError reports its retryAfter', () =>
    expect(classifyError(new RateLimitError('x', { retryAfter: 1500 }))).toEqual({ category: 'rate-limit', retryable: true, retryAfter: 1500 }));
  it('HTTPError reads Retry-After from its response when retryAfter is absent', () => {
    const e = new HTTPError(503, 'x', { response: new Response(null, { status: 503, headers: { 'retry-after': '5' } }) });
    expect(classifyError(e).retryAfter).toBe(5000);
  });
  it('DatabaseError: no code → transient; a code decides otherwise', () => {
    is(new DatabaseError(), 'database', true);
    is(new DatabaseError('x', { code: '40001' }), 'database', true);
    is(new DatabaseError('x', { code: 'ER_LOCK_DEADLOCK' }), 'database', true);
    is(new DatabaseError('x', { code: '23505' }), 'database', false);
    is(new DatabaseError('x', { code: 'SQLITE_CONSTRAINT' }), 'database', false);
    is(new DatabaseError('x', { code: 'ECONNRESET' }), 'database', true);
    is(new DatabaseError('x', { code: 'MY_OWN_CODE' }), 'database', true);
  });
  it('NonRetryableError is not retryable, whatever it wraps', () => {
    is(new NonRetryableError('stop', { cause: S.systemError('ECONNRESET') }), 'unknown', false);
  });
  it('a plain RetryError (or a user subclass) is classified by its shape', () => {
    is(new RetryError('x'), 'unknown', true);
    class Mine extends RetryError {}
    is(Object.assign(new Mine('x'), { code: 'ECONNRESET' }), 'network', true);
  });
  it('CircuitOpenError and RetryBudgetExceededError are not retryable; CircuitOpenError reports retryAfter', () => {
    expect(classifyError(new CircuitOpenError({ retryAfter: 3000 }))).toEqual({ category: 'unknown', retryable: false, retryAfter: 3000 });
    is(new RetryBudgetExceededError({ lastError: S.systemError('ECONNRESET') }), 'network', false);
  });
  it('the give-up errors of a nested retry are not retried again (attempts would multiply)', () => {
    const last = S.systemError('ECONNRESET');
    is(new MaxRetriesExceededError({ maxAttempts: 3, attempts: 3, lastError: last, errors: [last] }), 'network', false);
    is(new RetryTimeoutError({ timeout: 100, attempts: 2, lastError: last }), 'timeout', false);
    is(new BulkRetryError({ result: {} }), 'unknown', false);
  });
});

describe('classifyError: programming errors, wrappers, unknown values', () => {
  for (const E of [TypeError, RangeError, SyntaxError, ReferenceError, EvalError, URIError]) {
    it(`${E.name} is a programming error, not retryable`, () => is(new E('bug'), 'programming', false));
  }
  it('a real TypeError from calling undefined is programming', () => {
    let caught: unknown;
    try {
      (undefined as unknown as () => void)();
    } catch (e) {
      caught = e;
    }
    is(caught, 'programming', false);
  });
  it("Node's ERR_INVALID_ARG_TYPE (a TypeError with a code) is programming", () =>
    is(Object.assign(new TypeError('The "x" argument must be string'), { code: 'ERR_INVALID_ARG_TYPE' }), 'programming', false));
  it('a programming error defers to a retryable cause, not to a permanent one', () => {
    is(new TypeError('wrapped', { cause: S.systemError('ECONNRESET') }), 'network', true);
    is(new TypeError('wrapped', { cause: new ValidationError() }), 'programming', false);
  });
  it('a plain wrapper error is classified by its cause chain', () => {
    const deep = new Error('a', { cause: new Error('b', { cause: S.pgError('40P01') }) });
    is(deep, 'database', true);
  });
  it('cause chains are followed to a bounded depth', () => {
    let e: unknown = S.systemError('ECONNRESET');
    for (let i = 0; i < 5; i++) e = new Error(`wrap ${i}`, { cause: e });
    is(e, 'network', true);
    for (let i = 0; i < 50; i++) e = new Error(`wrap ${i}`, { cause: e });
    is(e, 'unknown', true);
  });
  it('cyclic causes terminate', () => {
    const a = new Error('a') as Error & { cause?: unknown };
    const b = new Error('b', { cause: a });
    a.cause = b;
    is(a, 'unknown', true);
  });
  it('plain errors, strings, null and undefined are unknown and retryable', () => {
    for (const v of [new Error('?'), 'boom', null, undefined, 0, {}, [], Symbol('x'), () => {}]) is(v, 'unknown', true);
  });
  it('values with throwing getters or hostile Proxies are unknown and retryable', () => {
    const throwing = {};
    for (const key of ['name', 'code', 'message', 'status', 'cause', 'response', 'errorLabels', 'retryAfter']) {
      Object.defineProperty(throwing, key, {
        get() {
          throw new Error(key);
        },
      });
    }
    const proxy = new Proxy(
      {},
      {
        get() {
          throw new Error('get');
        },
        getPrototypeOf() {
          throw new Error('proto');
        },
        has() {
          throw new Error('has');
        },
        ownKeys() {
          throw new Error('keys');
        },
      },
    );
    is(throwing, 'unknown', true);
    is(proxy, 'unknown', true);
  });
  it('a non-object second argument (Array#map index) is ignored', () => {
    const [c] = [S.kyHttpError(503, { 'retry-after': 'Wed, 21 Oct 2099 07:28:00 GMT' })].map(classifyError as (e: unknown, i: number) => ReturnType<typeof classifyError>);
    expect(c?.retryAfter).toBeLessThan(100 * 365 * 24 * 3600 * 1000);
  });
  it('an HTTP-date Retry-After is measured from options.now', () => {
    const now = Date.parse('Wed, 21 Oct 2015 07:28:00 GMT');
    const e = S.gotHttpError(503, { 'retry-after': 'Wed, 21 Oct 2015 07:28:30 GMT' });
    expect(classifyError(e, { now }).retryAfter).toBe(30_000);
  });
  it('ERROR_CATEGORIES lists the eleven categories', () => {
    expect(ERROR_CATEGORIES).toEqual(['network', 'timeout', 'rate-limit', 'server', 'database', 'client', 'auth', 'validation', 'programming', 'cancelled', 'unknown']);
    expect(Object.isFrozen(ERROR_CATEGORIES)).toBe(true);
  });
});
