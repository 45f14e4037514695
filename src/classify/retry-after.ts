/**
 * Retry-After, in one place (RFC 9110 §10.2.3): a server-given delay read from an error. The
 * header is either delta-seconds (`"120"`) or an HTTP-date (`"Wed, 21 Oct 2015 07:28:00 GMT"`);
 * a bad, negative or past value yields `undefined`, so the strategy's own delay applies
 * (ky `core/retry-timing.ts`, undici `retry-handler.js`). Nothing here ever throws.
 */

/** Property read that survives throwing getters and hostile Proxies. */
const get = (value: unknown, key: string): unknown => {
  if (value === null || (typeof value !== 'object' && typeof value !== 'function')) return undefined;
  try {
    return (value as Record<string, unknown>)[key];
  } catch {
    return undefined;
  }
};

const DELTA_SECONDS = /^\d+(?:\.\d+)?$/;

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
    // Anything else numeric-looking ("-5", "1e3") is malformed; Date.parse would accept some of it.
    if (/^[\d\s.+-]+$/i.test(text) || /^[+-]?\d+(?:\.\d+)?e/i.test(text)) return undefined;
    const at = Date.parse(text);
    if (Number.isNaN(at)) return undefined;
    const now = typeof nowMs === 'number' && Number.isFinite(nowMs) ? nowMs : Date.now();
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

/**
 * The server-given delay carried by `error`, in ms, or `undefined`. Looked up in order:
 * `error.retryAfter` (a number in ms, as on `HTTPError`, `RateLimitError` and
 * `CircuitOpenError`), then a `Retry-After` header on `error.headers` or
 * `error.response.headers`. `nowMs` is the wall clock used for HTTP-dates.
 *
 * @example
 * retryAfterOf(new RateLimitError('slow down', { retryAfter: 2000 })); // 2000
 * retryAfterOf({ response: { headers: new Headers({ 'retry-after': '3' }) } }); // 3000
 */
export function retryAfterOf(error: unknown, nowMs: number = Date.now()): number | undefined {
  try {
    const own = get(error, 'retryAfter');
    if (typeof own === 'number') {
      if (Number.isFinite(own) && own >= 0) return own;
    }
    for (const headers of [get(error, 'headers'), get(get(error, 'response'), 'headers')]) {
      const text = retryAfterHeader(headers);
      if (text !== undefined) return parseRetryAfter(text, nowMs);
    }
  } catch {
    // never throws
  }
  return undefined;
}
