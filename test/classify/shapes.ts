/**
 * Hand-built errors shaped exactly like the ones real libraries throw (field names, `name`,
 * `code`, nesting), for the classification tests. Sources: node's lib/internal/errors.js,
 * undici lib/core/errors.js, axios lib/core/AxiosError.js, got source/core/errors.ts,
 * ky source/errors, pg-protocol, mysql2, sqlite3/better-sqlite3/node:sqlite, mongodb src/error.ts.
 */

/** A Node system error as libuv reports it. */
export function systemError(code: string, syscall = 'connect', errno = -104): Error {
  return Object.assign(new Error(`${syscall} ${code} 127.0.0.1:9`), {
    errno,
    code,
    syscall,
    address: '127.0.0.1',
    port: 9,
  });
}

/** An undici error (`class X extends UndiciError { name = 'X'; code = 'UND_ERR_…' }`). */
export function undiciError(name: string, code: string, message = name): Error {
  const e = new Error(message);
  Object.defineProperty(e, 'name', { value: name, writable: true, configurable: true });
  return Object.assign(e, { code });
}

/** What `fetch()` rejects with on a network failure in Node (undici). */
export const fetchFailed = (cause: unknown): TypeError => new TypeError('fetch failed', { cause });

/** An AxiosError (axios 1.x): `code`, `status`, `config`, `request`, `response`. */
export function axiosError(init: {
  message: string;
  code?: string;
  status?: number;
  headers?: Record<string, string>;
  cause?: unknown;
}): Error {
  const e = new Error(init.message, init.cause === undefined ? undefined : { cause: init.cause });
  e.name = 'AxiosError';
  const response =
    init.status === undefined
      ? undefined
      : { status: init.status, statusText: '', headers: init.headers ?? {}, data: '', config: {} };
  return Object.assign(e, {
    isAxiosError: true,
    code: init.code,
    status: init.status,
    config: { url: 'http://api.test/x', method: 'get' },
    request: {},
    response,
  });
}

/** got's HTTPError: `code: 'ERR_NON_2XX_3XX_RESPONSE'`, `response.statusCode`, lower-case headers. */
export function gotHttpError(statusCode: number, headers: Record<string, string> = {}): Error {
  const e = new Error(`Response code ${statusCode} (Service Unavailable)`);
  e.name = 'HTTPError';
  return Object.assign(e, {
    code: 'ERR_NON_2XX_3XX_RESPONSE',
    timings: {},
    options: {},
    response: { statusCode, statusMessage: 'Service Unavailable', headers, body: '' },
  });
}

/** got's RequestError wrapping a system error (it copies `code`). */
export function gotRequestError(cause: Error & { code?: string }): Error {
  const e = new Error(cause.message, { cause });
  e.name = 'RequestError';
  return Object.assign(e, { code: cause.code ?? 'ERR_GOT_REQUEST_ERROR', timings: undefined, options: {} });
}

/** got's TimeoutError: `name: 'TimeoutError'`, `code: 'ETIMEDOUT'`, `event`. */
export function gotTimeoutError(): Error {
  const e = new Error("Timeout awaiting 'request' for 1000ms");
  e.name = 'TimeoutError';
  return Object.assign(e, { code: 'ETIMEDOUT', event: 'request', timings: {} });
}

/** ky's HTTPError: `response` (a fetch Response), `request`, `options`. */
export function kyHttpError(status: number, headers: Record<string, string> = {}): Error {
  const e = new Error(`Request failed with status code ${status}: GET http://api.test/x`);
  e.name = 'HTTPError';
  return Object.assign(e, {
    response: new Response(null, { status, headers }),
    request: new Request('http://api.test/x'),
    options: {},
  });
}

/** ky's TimeoutError. */
export function kyTimeoutError(): Error {
  const e = new Error('Request timed out: GET http://api.test/x');
  e.name = 'TimeoutError';
  return Object.assign(e, { request: new Request('http://api.test/x') });
}

/** A pg (pg-protocol) DatabaseError as the parser fills it. */
export function pgError(code: string, message = 'pg error'): Error {
  const e = new Error(message);
  e.name = 'error'; // pg-protocol names it after the protocol message
  return Object.assign(e, {
    length: 100,
    severity: 'ERROR',
    code,
    detail: undefined,
    hint: undefined,
    position: undefined,
    schema: undefined,
    table: undefined,
    file: 'postgres.c',
    line: '1',
    routine: 'ProcessInterrupts',
  });
}

/** A mysql2 query error. */
export function mysqlError(code: string, errno: number, sqlState: string, fatal = false): Error {
  return Object.assign(new Error(`${code}: message`), { code, errno, sqlState, sqlMessage: 'message', sql: 'SELECT 1', fatal });
}

/** A MongoDB (driver 6) server error: labels in a private set behind `errorLabels` / `hasErrorLabel`. */
export class MongoServerError extends Error {
  readonly #labels: Set<string>;
  code: number;
  codeName: string;
  constructor(message: string, code: number, codeName: string, labels: string[] = []) {
    super(message);
    this.#labels = new Set(labels);
    this.code = code;
    this.codeName = codeName;
  }
  override get name(): string {
    return 'MongoServerError';
  }
  get errorLabels(): string[] {
    return Array.from(this.#labels);
  }
  hasErrorLabel(label: string): boolean {
    return this.#labels.has(label);
  }
}

/** An older MongoDB driver error with a plain `errorLabels` array. */
export function legacyMongoError(labels: string[]): Error {
  const e = new Error('WriteConflict');
  e.name = 'MongoError';
  return Object.assign(e, { code: 112, errorLabels: labels });
}
