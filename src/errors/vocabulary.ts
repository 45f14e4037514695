/**
 * The error vocabulary users throw (and list in `exceptions`), after the original API. Every
 * class extends `RetryError`, takes `{ cause }`, and keeps `instanceof` across ESM and CJS
 * copies (see `zenooRetryBrand` in retry-error.ts). `classifyError` maps each one to a category.
 */
import { checkNumber, checkObject, describeValue } from '../core/validate.js';
import { type ErrorOptions, RetryError } from './retry-error.js';

const causeOf = (options: ErrorOptions | undefined): ErrorOptions | undefined =>
  options !== undefined && options !== null && 'cause' in options ? { cause: options.cause } : undefined;

const checkOptions = (where: string, options: unknown): void => checkObject(`${where} options`, options);

/**
 * A connection could not be made or was lost (refused, reset, DNS failure). Retryable.
 * @example throw new ConnectionError('upstream unreachable', { cause: err });
 */
export class ConnectionError extends RetryError {
  /** @internal */
  static override readonly zenooRetryBrand: string = 'zenoo-retry.ConnectionError';
  /** @default message 'Connection failed' */
  constructor(message?: string, options?: ErrorOptions) {
    checkOptions('ConnectionError', options);
    super(message ?? 'Connection failed', causeOf(options));
  }
}

/**
 * One request took too long. Retryable. (Named so as not to shadow the DOM's `TimeoutError`.)
 * @example throw new RequestTimeoutError('no answer in 5 s');
 */
export class RequestTimeoutError extends RetryError {
  /** @internal */
  static override readonly zenooRetryBrand: string = 'zenoo-retry.RequestTimeoutError';
  /** @default message 'Request timed out' */
  constructor(message?: string, options?: ErrorOptions) {
    checkOptions('RequestTimeoutError', options);
    super(message ?? 'Request timed out', causeOf(options));
  }
}

/** Options of `new HTTPError()`. */
export interface HTTPErrorOptions extends ErrorOptions {
  /** Server-given delay before a retry, in ms (from `Retry-After`). Finite, >= 0. @default undefined */
  retryAfter?: number | undefined;
  /** The response (a fetch `Response`, an axios/got response…), kept for inspection. @default undefined */
  response?: unknown;
}

/**
 * An HTTP response with an error status. `classifyError` decides by status: 408/425 timeout,
 * 429 rate-limit, 5xx server (retryable); 401/403/407 auth, other 4xx client (not retryable).
 *
 * @example
 * const res = await fetch(url);
 * if (!res.ok) throw new HTTPError(res.status, `GET ${url}`, { response: res, retryAfter: retryAfterOf({ response: res }) });
 */
export class HTTPError extends RetryError {
  /** @internal */
  static override readonly zenooRetryBrand: string = 'zenoo-retry.HTTPError';
  /** The HTTP status, an integer in 100..599. */
  readonly status: number;
  /** Server-given delay in ms, when one was given. */
  readonly retryAfter: number | undefined;
  /** The response, when one was given. */
  readonly response: unknown;

  /** @default message `HTTP <status>` */
  constructor(status: number, message?: string, options?: HTTPErrorOptions) {
    checkNumber('status', status, { integer: true, min: 100, max: 599 });
    checkOptions('HTTPError', options);
    const retryAfter = options?.retryAfter;
    if (retryAfter !== undefined) checkNumber('retryAfter', retryAfter, { min: 0 });
    if (message !== undefined && typeof message !== 'string') {
      throw new TypeError(`\`message\` must be a string, got ${describeValue(message)}`);
    }
    super(message ?? `HTTP ${status}`, causeOf(options));
    this.status = status;
    this.retryAfter = retryAfter;
    this.response = options?.response;
  }
}

/** Options of `new RateLimitError()`. */
export type RateLimitErrorOptions = HTTPErrorOptions;

/**
 * HTTP 429 Too Many Requests: an `HTTPError` whose `status` is 429. Retryable, after
 * `retryAfter` ms when the server said so.
 * @example throw new RateLimitError('quota exceeded', { retryAfter: 30_000 });
 */
export class RateLimitError extends HTTPError {
  /** @internal */
  static override readonly zenooRetryBrand: string = 'zenoo-retry.RateLimitError';
  /** @default message 'Rate limit exceeded' */
  constructor(message?: string, options?: RateLimitErrorOptions) {
    super(429, message ?? 'Rate limit exceeded', options);
  }
}

/** Options of `new DatabaseError()`. */
export interface DatabaseErrorOptions extends ErrorOptions {
  /** A driver code (SQLSTATE `'40001'`, `'ER_LOCK_DEADLOCK'`, `'SQLITE_BUSY'`…). @default undefined */
  code?: string | undefined;
}

/**
 * A database operation failed. Without `code` it counts as transient (retryable); with one,
 * `classifyError` decides by the code (`'40001'` retryable, `'23505'` not).
 * @example throw new DatabaseError('deadlock', { code: '40P01', cause: err });
 */
export class DatabaseError extends RetryError {
  /** @internal */
  static override readonly zenooRetryBrand: string = 'zenoo-retry.DatabaseError';
  /** The driver code, when one was given. */
  readonly code: string | undefined;
  /** @default message 'Database error' */
  constructor(message?: string, options?: DatabaseErrorOptions) {
    checkOptions('DatabaseError', options);
    const code = options?.code;
    if (code !== undefined && typeof code !== 'string') {
      throw new TypeError(`\`code\` must be a string, got ${describeValue(code)}`);
    }
    super(message ?? 'Database error', causeOf(options));
    this.code = code;
  }
}

/**
 * The input is wrong; trying again cannot help. Never retried by the presets.
 * @example throw new ValidationError('`email` is not an address');
 */
export class ValidationError extends RetryError {
  /** @internal */
  static override readonly zenooRetryBrand: string = 'zenoo-retry.ValidationError';
  /** @default message 'Validation failed' */
  constructor(message?: string, options?: ErrorOptions) {
    checkOptions('ValidationError', options);
    super(message ?? 'Validation failed', causeOf(options));
  }
}

/**
 * Credentials are missing, wrong or insufficient. Never retried by the presets.
 * @example throw new AuthenticationError('token expired');
 */
export class AuthenticationError extends RetryError {
  /** @internal */
  static override readonly zenooRetryBrand: string = 'zenoo-retry.AuthenticationError';
  /** @default message 'Authentication failed' */
  constructor(message?: string, options?: ErrorOptions) {
    checkOptions('AuthenticationError', options);
    super(message ?? 'Authentication failed', causeOf(options));
  }
}

/**
 * Throw it to stop retrying at once, whatever the policy says about the wrapped error; it is
 * re-thrown as it is. The default message is the cause's message, when it has one.
 * @example
 * if (res.status === 409) throw new NonRetryableError('conflict', { cause: err });
 */
export class NonRetryableError extends RetryError {
  /** @internal */
  static override readonly zenooRetryBrand: string = 'zenoo-retry.NonRetryableError';
  /** @default message the cause's message, else 'Non-retryable error' */
  constructor(message?: string, options?: ErrorOptions) {
    checkOptions('NonRetryableError', options);
    super(message ?? causeMessage(options) ?? 'Non-retryable error', causeOf(options));
  }
}

function causeMessage(options: ErrorOptions | undefined): string | undefined {
  try {
    const m = (options?.cause as { message?: unknown } | undefined)?.message;
    return typeof m === 'string' && m !== '' ? m : undefined;
  } catch {
    return undefined;
  }
}
