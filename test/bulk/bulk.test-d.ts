import { describe, expectTypeOf, it } from 'vitest';
import { BulkRetryManager, type BulkResult } from '../../src/index.js';

describe('BulkRetryManager types', () => {
  const m = new BulkRetryManager({ concurrency: 4 });

  it('infers the value type from () => Promise<T> operations', () => {
    expectTypeOf(m.executeBulk([async () => 1, async () => 2])).toEqualTypeOf<Promise<BulkResult<number>>>();
  });

  it('accepts synchronous operations and operations that use the context', () => {
    expectTypeOf(m.executeBulk([() => 'a', ({ signal }) => Promise.resolve(signal.aborted ? 'x' : 'y')])).toEqualTypeOf<
      Promise<BulkResult<string>>
    >();
  });

  it('exposes index, value and attempts on successes, index, error and attempts on failures', () => {
    type R = BulkResult<number>;
    expectTypeOf<R['successful'][number]>().toEqualTypeOf<{ index: number; value: number; attempts: number }>();
    expectTypeOf<R['failed'][number]>().toEqualTypeOf<{ index: number; error: unknown; attempts: number }>();
    expectTypeOf<R['total']>().toBeNumber();
  });

  it('rejects non-function operations at compile time', () => {
    // @ts-expect-error a number is not an operation
    void m.executeBulk([1]);
  });
});
