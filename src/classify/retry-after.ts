/**
 * Retry-After, in one place (RFC 9110 §10.2.3): a server-given delay read from an error. The
 * header is either delta-seconds (`"120"`) or an HTTP-date (`"Wed, 21 Oct 2015 07:28:00 GMT"`);
 * a bad, negative or past value yields `undefined`, so the strategy's own delay applies
 * (ky `core/retry-timing.ts`, undici `retry-handler.js`). Nothing here ever throws.
 */

/**
 * `value[key]`, or `undefined` for a primitive, a throwing getter or a hostile Proxy: how the
 * library reads the fields of errors and objects it did not make.
 */
export const readSafely = (value: unknown, key: PropertyKey): unknown => {
  if (value === null || (typeof value !== 'object' && typeof value !== 'function')) return undefined;
  try {
    return (value as Record<PropertyKey, unknown>)[key];
  } catch {
    return undefined;
  }
};
const get = readSafely;

const DELTA_SECONDS = /^\d+(?:\.\d+)?$/;

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const DAY = '(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)';
const LONG_DAY = '(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)';
const MON = '(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)';
const TIME = '(\\d{2}):(\\d{2}):(\\d{2})';
/** `Sun, 06 Nov 1994 08:49:37 GMT` */
const IMF_FIXDATE = /* @__PURE__ */ new RegExp(`^${DAY}, (\\d{2}) ${MON} (\\d{4}) ${TIME} GMT$`);
/** `Sunday, 06-Nov-94 08:49:37 GMT` (obsolete) */
const RFC850 = /* @__PURE__ */ new RegExp(`^${LONG_DAY}, (\\d{2})-${MON}-(\\d{2}) ${TIME} GMT$`);
/** `Sun Nov  6 08:49:37 1994` (obsolete; the day is space-padded) */
const ASCTIME = /* @__PURE__ */ new RegExp(`^${DAY} ${MON} ([ \\d]\\d) ${TIME} (\\d{4})$`);

const utc = (year: number, month: string, day: string, h: string, m: string, s: string): number => {
  const d = Number(day);
  const at = Date.UTC(year, MONTHS.indexOf(month), d, Number(h), Number(m), Number(s));
  // reject impossible dates (31 Feb) and times (25:00:00) rather than let Date roll them over
  const check = new Date(at);
  return check.getUTCDate() === d && check.getUTCHours() === Number(h) && check.getUTCMinutes() === Number(m) && check.getUTCSeconds() === Number(s)
    ? at
    : Number.NaN;
};

/**
 * An HTTP-date (RFC 9110 §5.6.7) in ms since the epoch, or NaN: the three forms only, always UTC
 * (a local-time reading of the asctime form, as `Date.parse` does, would be off by the zone).
 */
function parseHttpDate(text: string, nowMs: number): number {
  let m = IMF_FIXDATE.exec(text);
  if (m !== null) return utc(Number(m[3]), m[2] as string, m[1] as string, m[4] as string, m[5] as string, m[6] as string);
  m = ASCTIME.exec(text);
  if (m !== null) return utc(Number(m[6]), m[1] as string, (m[2] as string).trim(), m[3] as string, m[4] as string, m[5] as string);
  m = RFC850.exec(text);
  if (m !== null) {
    // a two-digit year more than 50 years ahead is the latest past year with those digits
    const nowYear = new Date(nowMs).getUTCFullYear();
    let year = Math.floor(nowYear / 100) * 100 + Number(m[3]);
    if (year > nowYear + 50) year -= 100;
    return utc(year, m[2] as string, m[1] as string, m[4] as string, m[5] as string, m[6] as string);
  }
  return Number.NaN;
}

/**
 * Parse a `Retry-After` header value into milliseconds from `nowMs` (the wall clock, since an
 * HTTP-date is wall-clock time). Delta-seconds may carry a fraction (`"1.5"` → 1500), as ky
 * and undici accept. Returns `undefined` for an empty, malformed, negative or past value.
 *
 * @example
 * parseRetryAfter('120');                                   // 120000
 * parseRetryAfter('Wed, 21 Oct 2015 07:28:10 GMT', Date.parse('Wed, 21 Oct 2015 07:28:00 GMT')); // 10000
 * parseRetryAfter('soon');                                  // undefined
 */
export function parseRetryAfter(value: string, nowMs: number = Date.now()): number | undefined {
  try {
    if (typeof value !== 'string') return undefined;
    const text = value.trim();
    if (text === '') return undefined;
    if (DELTA_SECONDS.test(text)) {
      const ms = Number(text) * 1000;
      return Number.isFinite(ms) ? Math.round(ms) : undefined;
    }
    const now = typeof nowMs === 'number' && Number.isFinite(nowMs) ? nowMs : Date.now();
    const at = parseHttpDate(text, now);
    if (Number.isNaN(at)) return undefined;
    const ms = at - now;
    return ms >= 0 ? ms : undefined;
  } catch {
    return undefined;
  }
}

/** First value of a header that may be a string, a number or a list (node's IncomingHttpHeaders). */
const headerText = (value: unknown): string | undefined => {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (Array.isArray(value)) {
    try {
      for (const item of value) {
        const text = headerText(item);
        if (text !== undefined) return text;
      }
    } catch {
      return undefined;
    }
  }
  return undefined;
};

/**
 * Read `Retry-After` from a headers container: WHATWG `Headers` / axios `AxiosHeaders` / a `Map`
 * (anything with `.get()`), a plain object in any key casing (got, node's IncomingHttpHeaders,
 * undici's `ResponseStatusCodeError.headers`), or a list of `[name, value]` pairs.
 */
export function retryAfterHeader(headers: unknown): string | undefined {
  if (headers === null || typeof headers !== 'object') return undefined;
  try {
    const getter = get(headers, 'get');
    if (typeof getter === 'function') {
      for (const name of ['retry-after', 'Retry-After']) {
        const text = headerText((getter as (n: string) => unknown).call(headers, name));
        if (text !== undefined) return text;
      }
      // A Map with another casing: fall through to iteration below.
      if (!(headers instanceof Map)) return undefined;
      for (const [k, v] of headers as Map<unknown, unknown>) {
        if (typeof k === 'string' && k.toLowerCase() === 'retry-after') return headerText(v);
      }
      return undefined;
    }
    if (Array.isArray(headers)) {
      for (const pair of headers as unknown[]) {
        if (Array.isArray(pair) && typeof pair[0] === 'string' && pair[0].toLowerCase() === 'retry-after') {
          return headerText(pair[1]);
        }
      }
      return undefined;
    }
    const direct = headerText(get(headers, 'retry-after'));
    if (direct !== undefined) return direct;
    for (const key of Object.keys(headers)) {
      if (key.toLowerCase() === 'retry-after') return headerText(get(headers, key));
    }
  } catch {
    // a hostile container: no header
  }
  return undefined;
}

/** The delay `error` itself carries (no `cause`). */
function ownRetryAfter(error: unknown, nowMs: number): number | undefined {
  const own = get(error, 'retryAfter');
  if (typeof own === 'number' && Number.isFinite(own) && own >= 0) return own;
  for (const headers of [get(error, 'headers'), get(get(error, 'response'), 'headers')]) {
    const text = retryAfterHeader(headers);
    if (text !== undefined) return parseRetryAfter(text, nowMs);
  }
  return undefined;
}

/** How deep `cause` chains are followed (as `classifyError` does). */
const MAX_DEPTH = 8;

/**
 * The server-given delay carried by `error`, in ms, or `undefined`. Looked up in order:
 * `error.retryAfter` (a number in ms, as on `HTTPError`, `RateLimitError` and
 * `CircuitOpenError`), then a `Retry-After` header on `error.headers` or
 * `error.response.headers` — on the error, then along its `cause` chain (an `Error('…', {
 * cause: http503 })` wrapper keeps the server's delay, as `classifyError` reports it). `nowMs`
 * is the wall clock used for HTTP-dates.
 *
 * @example
 * retryAfterOf(new RateLimitError('slow down', { retryAfter: 2000 })); // 2000
 * retryAfterOf({ response: { headers: new Headers({ 'retry-after': '3' }) } }); // 3000
 * retryAfterOf(new Error('upstream failed', { cause: new HTTPError(503, 'busy', { retryAfter: 300 }) })); // 300
 */
export function retryAfterOf(error: unknown, nowMs: number = Date.now()): number | undefined {
  try {
    let e = error;
    for (let depth = 0; depth <= MAX_DEPTH && e !== null && (typeof e === 'object' || typeof e === 'function'); depth++) {
      const ms = ownRetryAfter(e, nowMs);
      if (ms !== undefined) return ms;
      const next = get(e, 'cause');
      if (next === e) break;
      e = next;
    }
  } catch {
    // never throws
  }
  return undefined;
}
