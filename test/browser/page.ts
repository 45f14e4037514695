/**
 * The browser page: user code, bundled by esbuild for the browser from the package's ESM build
 * (browser.test.ts redirects these imports to dist/index.js). The namespace import makes the
 * whole entry part of the bundle, so the page also proves every module evaluates in a browser. Each scenario runs real `fetch`
 * against the local flaky server with real browser timers and returns a plain JSON outcome,
 * which the test reads through playwright.
 */
import * as zenoo from '../../src/index.js';
import {
  asyncRetry,
  classifyError,
  HTTPError,
  MaxRetriesExceededError,
  NetworkRetryPolicy,
  RequestTimeoutError,
  type RetryAttempt,
  type RetryOptions,
  retryAsync,
} from '../../src/index.js';

/** Small waits: the subject is the browser, not the schedule. */
const FAST: RetryOptions = { policy: new NetworkRetryPolicy(), delay: 5, maxDelay: 20 };

/** The fetch wrapper users write: non-2xx becomes an HTTPError carrying the response. */
async function getJson(url: string, signal?: AbortSignal): Promise<unknown> {
  const res = await fetch(url, signal ? { signal } : {});
  if (!res.ok) {
    await res.body?.cancel();
    throw new HTTPError(res.status, `GET ${url} → ${res.status}`, { response: res });
  }
  return res.json();
}

const describeError = (e: unknown) => ({
  name: (e as Error)?.name,
  message: (e as Error)?.message,
  classification: classifyError(e),
});

const scenarios = {
  /** 503, 503, then 200: retried to success by the network preset. */
  async flaky(base: string) {
    const retries: RetryAttempt[] = [];
    const get = asyncRetry({ ...FAST, onRetry: (a) => void retries.push(a) })((url: string) => getJson(url));
    const value = await get(`${base}/flaky?key=flaky&fail=2`);
    return {
      value,
      retries: retries.map((a) => ({ number: a.number, status: (a.lastError as HTTPError).status, category: classifyError(a.lastError).category })),
    };
  },

  /** Nothing listens: Chrome's TypeError('Failed to fetch') is network, retried until attempts run out. */
  async refused(closedUrl: string) {
    const error = await retryAsync(() => getJson(closedUrl), { ...FAST, maxAttempts: 3 }).catch((e: unknown) => e);
    const exceeded = error instanceof MaxRetriesExceededError ? error : undefined;
    return {
      error: describeError(error),
      isMaxRetries: exceeded !== undefined,
      attempts: exceeded?.attempts,
      lastError: describeError(exceeded?.lastError),
    };
  },

  /** The first attempt hangs: attemptTimeout fails it (and aborts its fetch); the second succeeds. */
  async attemptTimeout(base: string) {
    const retries: unknown[] = [];
    const value = await retryAsync(({ signal }) => getJson(`${base}/slow-once?key=slow&ms=10000`, signal), {
      ...FAST,
      attemptTimeout: 200,
      onRetry: (a) => void retries.push(a.lastError),
    });
    return { value, retries: retries.map((e) => ({ ...describeError(e), isRequestTimeout: e instanceof RequestTimeoutError })) };
  },

  /** The caller aborts during a long wait: the call rejects at once with the reason. */
  async abort(base: string) {
    const controller = new AbortController();
    const reason = new Error('user left the page');
    const pending = retryAsync(() => getJson(`${base}/flaky?key=abort&fail=100`), {
      policy: new NetworkRetryPolicy(),
      delay: 60_000,
      signal: controller.signal,
      onRetry: () => {
        setTimeout(() => controller.abort(reason), 0);
      },
    });
    const error = await pending.catch((e: unknown) => e);
    return { sameReason: error === reason };
  },

  /** AbortSignal.timeout on a request that never answers: Chrome's DOMException TimeoutError. */
  async signalTimeout(base: string) {
    const error = await fetch(`${base}/hang`, { signal: AbortSignal.timeout(100) }).catch((e: unknown) => e);
    return describeError(error);
  },

  /** The user aborts a request: AbortError, cancelled, never retried. */
  async userAbort(base: string) {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const error = await fetch(`${base}/hang`, { signal: controller.signal }).catch((e: unknown) => e);
    return describeError(error);
  },
};

declare global {
  interface Window {
    zenoo: typeof scenarios;
    /** Every name the package exports, as the browser sees them (the whole entry is evaluated). */
    zenooExports: string[];
    zenooReady: boolean;
  }
}

window.zenoo = scenarios;
window.zenooExports = Object.keys(zenoo).sort();
window.zenooReady = true;
