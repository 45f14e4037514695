/**
 * The code tables behind `classifyError`, frozen. Every entry is documented in
 * docs/error-classification.md (a test checks that each one appears there).
 */

/** What kind of failure an error is. */
export type ErrorCategory =
  | 'network'
  | 'timeout'
  | 'rate-limit'
  | 'server'
  | 'database'
  | 'client'
  | 'auth'
  | 'validation'
  | 'programming'
  | 'cancelled'
  | 'unknown';

/** Every category, in a frozen list. */
export const ERROR_CATEGORIES: readonly ErrorCategory[] = /* @__PURE__ */ Object.freeze([
  'network',
  'timeout',
  'rate-limit',
  'server',
  'database',
  'client',
  'auth',
  'validation',
  'programming',
  'cancelled',
  'unknown',
] as const);

/** A category and whether it is worth retrying. */
export interface CodeRule {
  readonly category: ErrorCategory;
  readonly retryable: boolean;
}

const rule = (category: ErrorCategory, retryable: boolean): CodeRule => Object.freeze({ category, retryable });
const NETWORK = /* @__PURE__ */ rule('network', true);
const TIMEOUT = /* @__PURE__ */ rule('timeout', true);
const CANCELLED = /* @__PURE__ */ rule('cancelled', false);
const PROGRAMMING = /* @__PURE__ */ rule('programming', false);
const CLIENT = /* @__PURE__ */ rule('client', false);
const DB_TRANSIENT = /* @__PURE__ */ rule('database', true);
const DB_PERMANENT = /* @__PURE__ */ rule('database', false);
const RATE_LIMIT = /* @__PURE__ */ rule('rate-limit', true);
/** A TLS certificate problem: a network-level failure that trying again never fixes. */
const TLS_PERMANENT = /* @__PURE__ */ rule('network', false);

/** Exported rules, so the classifier and the tables share the same objects. */
export const RULES = /* @__PURE__ */ Object.freeze({
  NETWORK,
  TIMEOUT,
  CANCELLED,
  PROGRAMMING,
  CLIENT,
  DB_TRANSIENT,
  DB_PERMANENT,
  RATE_LIMIT,
});

const table = (entries: Record<string, CodeRule>): Readonly<Record<string, CodeRule>> =>
  Object.freeze(Object.assign(Object.create(null) as Record<string, CodeRule>, entries));

/**
 * `error.code` of Node system errors, undici, axios and Node's own AbortError. A code is
 * looked up on the error and along its `cause` chain.
 */
export const SYSTEM_CODES = /* @__PURE__ */ table({
  // Node system errors (libuv / getaddrinfo)
  ECONNRESET: NETWORK,
  ECONNREFUSED: NETWORK,
  ECONNABORTED: NETWORK, // axios also uses it for its own timeout: see classify-error.ts
  EPIPE: NETWORK,
  ENOTFOUND: NETWORK,
  EAI_AGAIN: NETWORK,
  ENETUNREACH: NETWORK,
  ENETDOWN: NETWORK,
  ENETRESET: NETWORK,
  EHOSTUNREACH: NETWORK,
  EHOSTDOWN: NETWORK,
  ERR_STREAM_PREMATURE_CLOSE: NETWORK,
  ETIMEDOUT: TIMEOUT,
  ESOCKETTIMEDOUT: TIMEOUT,
  ERR_SOCKET_CONNECTION_TIMEOUT: TIMEOUT,
  ABORT_ERR: CANCELLED,
  // undici (Node's fetch)
  UND_ERR_SOCKET: NETWORK,
  UND_ERR_RES_CONTENT_LENGTH_MISMATCH: NETWORK,
  UND_ERR_CONNECT_TIMEOUT: TIMEOUT,
  UND_ERR_HEADERS_TIMEOUT: TIMEOUT,
  UND_ERR_BODY_TIMEOUT: TIMEOUT,
  UND_ERR_ABORTED: CANCELLED,
  UND_ERR_CLOSED: CANCELLED, // the application closed the dispatcher
  UND_ERR_DESTROYED: CANCELLED,
  UND_ERR_INVALID_ARG: PROGRAMMING,
  UND_ERR_INVALID_RETURN_VALUE: PROGRAMMING,
  UND_ERR_NOT_SUPPORTED: PROGRAMMING,
  UND_ERR_REQ_CONTENT_LENGTH_MISMATCH: PROGRAMMING,
  UND_ERR_HEADERS_OVERFLOW: CLIENT,
  UND_ERR_RES_EXCEEDED_MAX_SIZE: CLIENT,
  // axios
  ERR_NETWORK: NETWORK,
  ERR_CANCELED: CANCELLED,
  // TLS certificates (Node / OpenSSL): the same certificate fails the same way next time
  CERT_HAS_EXPIRED: TLS_PERMANENT,
  CERT_NOT_YET_VALID: TLS_PERMANENT,
  CERT_REVOKED: TLS_PERMANENT,
  DEPTH_ZERO_SELF_SIGNED_CERT: TLS_PERMANENT,
  SELF_SIGNED_CERT_IN_CHAIN: TLS_PERMANENT,
  UNABLE_TO_GET_ISSUER_CERT: TLS_PERMANENT,
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: TLS_PERMANENT,
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: TLS_PERMANENT,
  ERR_TLS_CERT_ALTNAME_INVALID: TLS_PERMANENT,
});

/** Any other `UND_ERR_*` code (checked after the HTTP status) is a network failure. */
export const UNDICI_PREFIX = 'UND_ERR_';

/** MySQL (`mysql`, `mysql2`) codes worth retrying; any other `ER_*` code is permanent. */
export const MYSQL_CODES = /* @__PURE__ */ table({
  ER_LOCK_DEADLOCK: DB_TRANSIENT,
  ER_LOCK_WAIT_TIMEOUT: DB_TRANSIENT,
  ER_CON_COUNT_ERROR: DB_TRANSIENT,
  ER_SERVER_SHUTDOWN: DB_TRANSIENT,
  PROTOCOL_CONNECTION_LOST: DB_TRANSIENT,
  PROTOCOL_SEQUENCE_TIMEOUT: DB_TRANSIENT,
});

/** Prefix of MySQL server error codes. */
export const MYSQL_PREFIX = 'ER_';

/** SQLite result codes (`sqlite3`, `better-sqlite3`, extended codes included) worth retrying. */
export const SQLITE_TRANSIENT_PREFIXES: readonly string[] = /* @__PURE__ */ Object.freeze(['SQLITE_BUSY', 'SQLITE_LOCKED']);

/** Prefix of SQLite codes; any other `SQLITE_*` code is permanent. */
export const SQLITE_PREFIX = 'SQLITE_';

/** node:sqlite reports `code: 'ERR_SQLITE_ERROR'` and a numeric `errcode`; 5 BUSY, 6 LOCKED. */
export const NODE_SQLITE_CODE = 'ERR_SQLITE_ERROR';
export const SQLITE_TRANSIENT_ERRCODES: readonly number[] = /* @__PURE__ */ Object.freeze([5, 6]);

/**
 * PostgreSQL SQLSTATEs worth retrying (serialization failure, deadlock, lock not available,
 * shutdowns, cannot-connect-now, too many connections). Class `08` (connection exception) is
 * retryable as a whole; every other SQLSTATE is a permanent database error.
 */
export const POSTGRES_TRANSIENT_SQLSTATES = /* @__PURE__ */ table({
  '40001': DB_TRANSIENT, // serialization_failure
  '40P01': DB_TRANSIENT, // deadlock_detected
  '55P03': DB_TRANSIENT, // lock_not_available
  '57P01': DB_TRANSIENT, // admin_shutdown
  '57P02': DB_TRANSIENT, // crash_shutdown
  '57P03': DB_TRANSIENT, // cannot_connect_now
  '53300': DB_TRANSIENT, // too_many_connections
});

/** SQLSTATE classes retryable as a whole. */
export const POSTGRES_TRANSIENT_CLASSES: readonly string[] = /* @__PURE__ */ Object.freeze(['08']);

/** A 5-character SQLSTATE whose class starts with a digit (letter classes need a pg-like error). */
export const SQLSTATE_PATTERN = /^[0-9][0-9A-Z]{4}$/;
/** Letter SQLSTATE classes PostgreSQL uses (`HV`, `P0`, `XX`, `F0`). */
export const SQLSTATE_LETTER_PATTERN = /^(?:HV|P0|XX|F0)[0-9A-Z]{3}$/;

/** Prisma error codes (on `PrismaClient*Error`) that describe transient conditions; any other `P1234` is permanent. */
export const PRISMA_CODES = /* @__PURE__ */ table({
  P1001: NETWORK, // can't reach database server
  P1002: TIMEOUT, // database server timed out
  P1017: NETWORK, // server closed the connection
  P2024: TIMEOUT, // timed out fetching a connection from the pool
  P2034: DB_TRANSIENT, // write conflict or deadlock
});

/** MongoDB error labels that mean "run it again". */
export const MONGO_TRANSIENT_LABELS: readonly string[] = /* @__PURE__ */ Object.freeze(['TransientTransactionError', 'RetryableWriteError']);

/**
 * MongoDB server codes the Node driver itself treats as retryable for reads and writes
 * (`RETRYABLE_READ_ERROR_CODES` in mongodb/src/error.ts), for errors without labels.
 */
export const MONGO_TRANSIENT_CODES: readonly number[] = /* @__PURE__ */ Object.freeze([
  6, 7, 89, 91, 134, 189, 262, 9001, 10107, 11600, 11602, 13435, 13436,
]);

/**
 * Redis reply prefixes worth retrying: the server is loading its dataset (`LOADING`), a
 * multi-key operation met a resharding (`TRYAGAIN`), the cluster is down (`CLUSTERDOWN`), a
 * script is running (`BUSY`), a replica lost its primary (`MASTERDOWN`). Any other reply error
 * (`WRONGTYPE`, `ERR`, `NOSCRIPT`, `READONLY`…) is a permanent database error.
 */
export const REDIS_TRANSIENT_PREFIXES: readonly string[] = /* @__PURE__ */ Object.freeze([
  'LOADING',
  'TRYAGAIN',
  'CLUSTERDOWN',
  'BUSY',
  'MASTERDOWN',
]);

/** Class names of Redis reply errors (ioredis/redis-errors `ReplyError`, node-redis `ErrorReply`). */
export const REDIS_REPLY_NAMES: readonly string[] = /* @__PURE__ */ Object.freeze(['ReplyError', 'ErrorReply', 'SimpleError', 'BlobError']);

/**
 * Error `name`s (or, for libraries that never set `name`, constructor names) that classify an
 * error by themselves.
 */
export const NAMES = /* @__PURE__ */ table({
  TimeoutError: TIMEOUT, // AbortSignal.timeout's DOMException, got, ky, node-redis, p-timeout
  AbortError: CANCELLED, // DOMException, Node's AbortError
  NetworkError: NETWORK, // DOMException
  ConnectionTimeoutError: TIMEOUT, // node-redis
  SocketTimeoutError: TIMEOUT, // node-redis
  KnexTimeoutError: TIMEOUT, // knex pool acquisition
  SocketClosedUnexpectedlyError: NETWORK, // node-redis
  ClientOfflineError: NETWORK, // node-redis
  RootNodesUnavailableError: NETWORK, // node-redis cluster
  ClientClosedError: CANCELLED, // node-redis: the application closed the client
  DisconnectsClientError: CANCELLED, // node-redis
  MongoNetworkError: NETWORK,
  MongoNetworkTimeoutError: TIMEOUT,
  MongoServerSelectionError: NETWORK,
  MaxRetriesPerRequestError: NETWORK, // ioredis: the server stayed unreachable
  // AWS SDK v3 throttling (sent as HTTP 400; the SDK's own THROTTLING_ERROR_CODES)
  BandwidthLimitExceeded: RATE_LIMIT,
  EC2ThrottledException: RATE_LIMIT,
  LimitExceededException: RATE_LIMIT,
  PriorRequestNotComplete: RATE_LIMIT,
  ProvisionedThroughputExceededException: RATE_LIMIT,
  RequestLimitExceeded: RATE_LIMIT,
  RequestThrottled: RATE_LIMIT,
  RequestThrottledException: RATE_LIMIT,
  SlowDown: RATE_LIMIT,
  ThrottledException: RATE_LIMIT,
  Throttling: RATE_LIMIT,
  ThrottlingException: RATE_LIMIT,
  TooManyRequestsException: RATE_LIMIT,
  TransactionInProgressException: RATE_LIMIT,
});

/** Names of programming errors: a bug, never fixed by trying again. */
export const PROGRAMMING_NAMES: readonly string[] = /* @__PURE__ */ Object.freeze([
  'TypeError',
  'RangeError',
  'SyntaxError',
  'ReferenceError',
  'EvalError',
  'URIError',
]);

/**
 * Messages of the `TypeError` a `fetch()` rejects with when the network fails: undici/Node
 * (`fetch failed`, `terminated` for a body cut short), Chrome, Firefox, Safari, React Native.
 */
export const FETCH_FAILURE_MESSAGES: readonly string[] = /* @__PURE__ */ Object.freeze([
  'fetch failed',
  'terminated',
  'Failed to fetch',
  'NetworkError when attempting to fetch resource.',
  'Load failed',
  'Network request failed',
]);

/**
 * Exact messages of driver errors that carry no `code`, looked up only on a plain `Error`
 * (`name` 'Error', no `code`). node-postgres (`pg`): the socket closed mid-query (FIN)
 * (`Connection terminated unexpectedly`, or `Connection terminated` once the client is ending),
 * `connectionTimeoutMillis` passed while connecting (`timeout expired`), `query_timeout` passed
 * (`Query read timeout`). Exact strings, not patterns, so unrelated errors are not swept in.
 */
export const DRIVER_MESSAGES = /* @__PURE__ */ table({
  'Connection terminated unexpectedly': NETWORK,
  'Connection terminated': NETWORK,
  'timeout expired': TIMEOUT,
  'Query read timeout': TIMEOUT,
});

/** HTTP statuses worth retrying in every preset (SPEC §2). */
export const TRANSIENT_STATUSES: readonly number[] = /* @__PURE__ */ Object.freeze([408, 425, 429, 500, 502, 503, 504]);

/** Statuses that mean "not authenticated / not allowed". */
export const AUTH_STATUSES: readonly number[] = /* @__PURE__ */ Object.freeze([401, 403, 407]);
