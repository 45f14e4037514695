// npm run bench — zenoo-retry against a bare await, a hand-rolled loop, p-retry and cockatiel,
// in one process, interleaved. Run through `npm run bench` (builds first; needs --expose-gc and a
// large young generation for the allocation column, which the script sets).
import pRetry from 'p-retry';
import { ConstantBackoff, handleAll, retry as cockatielRetry } from 'cockatiel';
import * as zr from '../dist/index.js';
import { bytesPerCall, measure, table } from './harness.mjs';

const { retryAsync, DefaultRetryPolicy } = zr;
const ok = async () => 1;
const defaultPolicy = new DefaultRetryPolicy();
const wrapped = typeof zr.asyncRetry === 'function' ? zr.asyncRetry({ maxAttempts: 3 })(ok) : undefined;
const cockatiel = cockatielRetry(handleAll, { maxAttempts: 2, backoff: new ConstantBackoff(0) });
// Wrapper cases (src/decorators): the plan is compiled once, at wrap time.
const hasWrappers = typeof zr.retry === 'function';
const wrappedDefault = hasWrappers ? zr.asyncRetry({ policy: defaultPolicy })(ok) : undefined;
const retriedAsync = hasWrappers ? zr.retry({ maxAttempts: 3 })(ok) : undefined;
const retriedSync = hasWrappers ? zr.retry({ maxAttempts: 3 })(() => 1) : undefined;
const callSignal = new AbortController().signal;
const onFail = (error) => { throw error; };
const thenWrapper = (fn) => fn().then(undefined, onFail);
const asyncWrapper = async (fn) => await fn();
const wrappedWithSignal = hasWrappers ? wrapped.withSignal(callSignal) : undefined;

const success = [
  { name: 'bare await fn()', run: async (n) => { for (let i = 0; i < n; i++) await ok(); } },
  {
    name: 'hand-rolled loop',
    run: async (n) => {
      for (let i = 0; i < n; i++) {
        for (let a = 1; ; a++) {
          try { await ok(); break; } catch (e) { if (a >= 3) throw e; }
        }
      }
    },
  },
  // The floors of any wrapper that returns a promise: the cheapest (a `.then` that could catch a
  // failure) and the plainest (an async function awaiting fn). Nothing can be cheaper than these.
  { name: 'floor: fn().then(undefined, onFail)', run: async (n) => { for (let i = 0; i < n; i++) await thenWrapper(ok); } },
  { name: 'floor: async (fn) => await fn()', run: async (n) => { for (let i = 0; i < n; i++) await asyncWrapper(ok); } },
  { name: 'retryAsync(fn, {maxAttempts:3})', run: async (n) => { for (let i = 0; i < n; i++) await retryAsync(ok, { maxAttempts: 3 }); } },
  { name: 'retryAsync(fn, {maxAttempts:3, timeout:Infinity})', run: async (n) => { for (let i = 0; i < n; i++) await retryAsync(ok, { maxAttempts: 3, timeout: Infinity }); } },
  { name: 'retryAsync(fn, {policy: Default})', run: async (n) => { for (let i = 0; i < n; i++) await retryAsync(ok, { policy: defaultPolicy }); } },
  ...(wrapped ? [{ name: 'asyncRetry({maxAttempts:3})(fn)', run: async (n) => { for (let i = 0; i < n; i++) await wrapped(); } }] : []),
  ...(hasWrappers
    ? [
        { name: 'asyncRetry({policy: Default})(fn)', run: async (n) => { for (let i = 0; i < n; i++) await wrappedDefault(); } },
        { name: 'retryAsync(fn, {maxAttempts:3, signal})', run: async (n) => { for (let i = 0; i < n; i++) await retryAsync(ok, { maxAttempts: 3, signal: callSignal }); } },
        { name: 'asyncRetry(…)(fn).withSignal(signal)()', run: async (n) => { for (let i = 0; i < n; i++) await wrappedWithSignal(); } },
        { name: 'retry({maxAttempts:3})(async fn)', run: async (n) => { for (let i = 0; i < n; i++) await retriedAsync(); } },
        { name: 'retry({maxAttempts:3})(sync fn), no await', run: async (n) => { for (let i = 0; i < n; i++) retriedSync(); } },
      ]
    : []),
  { name: 'p-retry (retries 2)', run: async (n) => { for (let i = 0; i < n; i++) await pRetry(ok, { retries: 2 }); } },
  { name: 'cockatiel retry (2)', run: async (n) => { for (let i = 0; i < n; i++) await cockatiel.execute(ok); } },
];

const failTwice = () => {
  let k = 0;
  return async () => {
    if (++k % 3 !== 0) throw new Error('transient');
    return 1;
  };
};
const failing = [
  {
    name: 'hand-rolled loop (fail 2, then ok)',
    run: async (n) => {
      const fn = failTwice();
      for (let i = 0; i < n; i++) {
        for (let a = 1; ; a++) {
          try { await fn(); break; } catch (e) { if (a >= 3) throw e; }
        }
      }
    },
  },
  {
    name: 'retryAsync delay 0 (fail 2, then ok)',
    run: async (n) => {
      const fn = failTwice();
      for (let i = 0; i < n; i++) await retryAsync(fn, { maxAttempts: 3, delay: 0, timeout: Infinity });
    },
  },
  ...(hasWrappers
    ? [
        {
          name: 'asyncRetry delay 0 wrapper (fail 2, then ok)',
          run: async (n) => {
            const fn = zr.asyncRetry({ maxAttempts: 3, delay: 0, timeout: Infinity })(failTwice());
            for (let i = 0; i < n; i++) await fn();
          },
        },
      ]
    : []),
  {
    name: 'p-retry minTimeout 0 (fail 2, then ok)',
    run: async (n) => {
      const fn = failTwice();
      for (let i = 0; i < n; i++) await pRetry(fn, { retries: 2, minTimeout: 0, factor: 1, randomize: false });
    },
  },
  {
    name: 'cockatiel ConstantBackoff(0) (fail 2, then ok)',
    run: async (n) => {
      const fn = failTwice();
      for (let i = 0; i < n; i++) await cockatiel.execute(fn);
    },
  },
];

const fmt = (x) => (Number.isFinite(x) ? x.toFixed(1) : 'n/a');
const report = async (title, cases, baseline, n) => {
  const ns = await measure(cases, { n, rounds: n < 10_000 ? 5 : 9 });
  const base = ns.get(baseline);
  const rows = [];
  for (const c of cases) {
    rows.push({
      case: c.name,
      'ns/call': fmt(ns.get(c.name)),
      [`× ${baseline}`]: `${(ns.get(c.name) / base).toFixed(2)}×`,
      'bytes/call': fmt(await bytesPerCall(c.run, Math.min(n, 20_000))),
    });
  }
  console.log(`\n### ${title}\n`);
  console.log(table(rows, Object.keys(rows[0])));
  return ns;
};

console.log(`node ${process.version}, ${new Date().toISOString()}`);
await report('Success on the first attempt', success, 'bare await fn()', 100_000);
// cockatiel's ConstantBackoff(0) waits with setTimeout(0) (~1 ms a retry): a smaller n keeps this short.
await report('Fail twice, then succeed (zero delay)', failing, 'hand-rolled loop (fail 2, then ok)', 2_000);
