import { describe, expect, it } from 'vitest';

describe('constructors called by hand (found by the hostile-input pass)', () => {
  it('without init: a TypeError naming the class', async () => {
    const lib = await import('../../src/errors/library-errors.js');
    for (const name of ['MaxRetriesExceededError', 'RetryTimeoutError', 'CircuitOpenError', 'RetryBudgetExceededError', 'BulkRetryError'] as const) {
      const Ctor = lib[name] as unknown as new (init?: unknown) => Error;
      expect(() => new Ctor(), name).toThrow(new RegExp(`new ${name}\\(init\\): \`init\` must be an object`));
    }
    expect(new lib.MaxRetriesExceededError({} as never).errors).toEqual([]);
  });

  it("quotes at most 500 characters of the user's error in its message", async () => {
    const { MaxRetriesExceededError } = await import('../../src/errors/library-errors.js');
    const huge = new Error('x'.repeat(1_000_000));
    const e = new MaxRetriesExceededError({ maxAttempts: 1, attempts: 1, lastError: huge, errors: [huge] });
    expect(e.message.length).toBeLessThan(700);
    expect(e.message).toContain('(1000007 characters)');
    expect(e.lastError).toBe(huge);
  });
});
