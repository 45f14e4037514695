/**
 * The package in a real browser: the ESM build (dist/index.js), bundled by esbuild for the
 * browser, runs in headless Chromium (Debian `chromium`, driven by playwright-core). The page
 * (page.ts) retries real `fetch` calls against a local flaky server; the test reads outcomes.
 * The bundles are also checked: no `node:` import may reach a browser bundle.
 *
 * Chromium comes from the system (`CHROMIUM_PATH`, else `chromium` on PATH); absent locally
 * the suite is skipped with a message, absent under CI=true it fails.
 */
import { execFileSync } from 'node:child_process';
import { access, constants } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Metafile, type Plugin } from 'esbuild';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closedPort } from '../helpers/http-server.js';
import { packageEntry, root } from '../helpers/built-entry.js';
import { serviceOrSkip } from '../helpers/services.js';
import { type FlakyServer, startFlakyServer } from './flaky-server.js';

const here = dirname(fileURLToPath(import.meta.url));

function findChromium(): string {
  if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH;
  try {
    return execFileSync('sh', ['-c', 'command -v chromium || command -v chromium-browser'], { encoding: 'utf8' }).trim();
  } catch {
    return '/usr/bin/chromium';
  }
}
const executablePath = findChromium();
const service = await serviceOrSkip('Chromium', () => access(executablePath, constants.X_OK));

/** What the browser bundles: the ESM build users install (src/index.ts only locally, when dist is missing or stale). */
const entry = packageEntry().path;

/** Redirect the page's `../../src/index.js` import to the package entry under test. */
const toEntry: Plugin = {
  name: 'zenoo-entry',
  setup(b) {
    b.onResolve({ filter: /\/src\/index\.js$/ }, () => ({ path: entry }));
  },
};

async function bundle(options: { stdin?: string; entryPoint?: string }): Promise<{ code: string; metafile: Metafile }> {
  const result = await build({
    ...(options.stdin !== undefined
      ? { stdin: { contents: options.stdin, resolveDir: root, loader: 'js' as const } }
      : { entryPoints: [options.entryPoint ?? ''] }),
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    write: false,
    metafile: true,
    logLevel: 'silent',
    plugins: [toEntry],
  });
  return { code: result.outputFiles[0]?.text ?? '', metafile: result.metafile };
}

/** Every import the bundler saw that names a Node built-in, or stayed external. */
const nodeImports = (metafile: Metafile): string[] =>
  Object.values(metafile.inputs)
    .flatMap((input) => input.imports)
    .filter((i) => i.path.startsWith('node:') || i.external === true)
    .map((i) => i.path);
/** `import … from 'node:x'`, `import('node:x')`, `require('node:x')` left in the output. */
const NODE_IMPORT_IN_CODE = /(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*)["']node:/;

describe('the browser bundle', () => {
  it('the whole main entry bundles for the browser with no node: import (bundler graph and output)', async () => {
    const { code, metafile } = await bundle({ stdin: `export * from ${JSON.stringify(entry)};` });
    expect(nodeImports(metafile)).toEqual([]);
    expect(code).not.toMatch(NODE_IMPORT_IN_CODE);
    expect(code.length).toBeGreaterThan(1000);
  });

  it('the page bundle (user code importing the package) has no node: import', async () => {
    const { code, metafile } = await bundle({ entryPoint: join(here, 'page.ts') });
    expect(nodeImports(metafile)).toEqual([]);
    expect(code).not.toMatch(NODE_IMPORT_IN_CODE);
    expect(Object.keys(metafile.inputs).some((f) => resolve(root, f) === entry)).toBe(true);
  });
});

describe.skipIf(service.skip)('in headless Chromium', () => {
  let browser: Browser | undefined;
  let page: Page;
  let server: FlakyServer;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    service.require();
    const { code } = await bundle({ entryPoint: join(here, 'page.ts') });
    server = await startFlakyServer({
      '/': {
        type: 'text/html; charset=utf-8',
        body: '<!doctype html><meta charset="utf-8"><title>zenoo-retry</title><script type="module" src="/app.js"></script>',
      },
      '/app.js': { type: 'text/javascript; charset=utf-8', body: code },
    });
    browser = await chromium.launch({
      executablePath,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    page = await browser.newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(`${server.url}/`);
    await page.waitForFunction(() => window.zenooReady === true, undefined, { timeout: 10_000 });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('the page loaded the bundle without errors: the whole entry evaluates in a browser', async () => {
    expect(pageErrors).toEqual([]);
    const names = await page.evaluate(() => window.zenooExports);
    for (const name of ['retryAsync', 'asyncRetry', 'classifyError', 'CircuitBreaker', 'RetryBudget', 'RetryMetrics', 'BulkRetryManager', 'NetworkRetryPolicy']) {
      expect(names).toContain(name);
    }
    console.info(`[browser] ${names.length} exports evaluated in Chromium`);
  });

  it('a flaky endpoint (503, 503, 200) is retried to success by asyncRetry', async () => {
    const out = await page.evaluate((base) => window.zenoo.flaky(base), server.url);
    expect(out.value).toEqual({ ok: true, request: 3 });
    expect(out.retries).toEqual([
      { number: 1, status: 503, category: 'server' },
      { number: 2, status: 503, category: 'server' },
    ]);
    expect(server.hits.get('flaky')).toBe(3);
  });

  it("a refused connection: Chrome's TypeError('Failed to fetch') is network, retried until attempts run out", async () => {
    const url = `http://127.0.0.1:${await closedPort()}/`;
    const out = await page.evaluate((u) => window.zenoo.refused(u), url);
    expect(out.isMaxRetries).toBe(true);
    expect(out.attempts).toBe(3);
    expect(out.lastError.name).toBe('TypeError');
    expect(out.lastError.message).toBe('Failed to fetch');
    expect(out.lastError.classification).toEqual({ category: 'network', retryable: true });
  });

  it('attemptTimeout fails a hung attempt with RequestTimeoutError, aborts its fetch, and the retry succeeds', async () => {
    const out = await page.evaluate((base) => window.zenoo.attemptTimeout(base), server.url);
    expect(out.value).toEqual({ ok: true, request: 2 });
    expect(out.retries).toHaveLength(1);
    expect(out.retries[0]).toMatchObject({ isRequestTimeout: true, classification: { category: 'timeout', retryable: true } });
    await expect.poll(() => server.aborted.get('/slow-once')).toBe(1); // the browser really cancelled it
  });

  it("the caller's AbortSignal ends a pending wait at once and rejects with its reason", async () => {
    const out = await page.evaluate((base) => window.zenoo.abort(base), server.url);
    expect(out.sameReason).toBe(true);
    expect(server.hits.get('abort')).toBe(1);
  });

  it("AbortSignal.timeout in Chrome: DOMException 'TimeoutError' is a retryable timeout", async () => {
    const out = await page.evaluate((base) => window.zenoo.signalTimeout(base), server.url);
    expect(out.name).toBe('TimeoutError');
    expect(out.classification).toEqual({ category: 'timeout', retryable: true });
  });

  it("a user's abort in Chrome: DOMException 'AbortError' is cancelled, not retryable", async () => {
    const out = await page.evaluate((base) => window.zenoo.userAbort(base), server.url);
    expect(out.name).toBe('AbortError');
    expect(out.classification).toEqual({ category: 'cancelled', retryable: false });
  });
});
