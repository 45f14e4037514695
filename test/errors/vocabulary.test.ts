import { describe, expect, it, vi } from 'vitest';
import { RetryError } from '../../src/errors/retry-error.js';
import {
  AuthenticationError,
  ConnectionError,
  DatabaseError,
  HTTPError,
  NonRetryableError,
  RateLimitError,
  RequestTimeoutError,
  ValidationError,
} from '../../src/errors/vocabulary.js';

const simple = [
  ['ConnectionError', ConnectionError, 'Connection failed'],
  ['RequestTimeoutError', RequestTimeoutError, 'Request timed out'],
  ['ValidationError', ValidationError, 'Validation failed'],
  ['AuthenticationError', AuthenticationError, 'Authentication failed'],
  ['NonRetryableError', NonRetryableError, 'Non-retryable error'],
  ['DatabaseError', DatabaseError, 'Database error'],
] as const;

describe('vocabulary: the simple classes', () => {
  for (const [name, Cls, defaultMessage] of simple) {
    it(`${name} has its class name, a default message and extends RetryError and Error`, () => {
      const e = new Cls();
      expect(e.name).toBe(name);
      expect(e.message).toBe(defaultMessage);
      expect(e).toBeInstanceOf(Cls);
      expect(e).toBeInstanceOf(RetryError);
      expect(e).toBeInstanceOf(Error);
      expect(Object.prototype.toString.call(e)).toBe('[object Error]');
      expect(String(e)).toBe(`${name}: ${defaultMessage}`);
      expect(typeof e.stack).toBe('string');
    });

    it(`${name} keeps the message and the cause it is given`, () => {
      const cause = new Error('root');
      const e = new Cls('boom', { cause });
      expect(e.message).toBe('boom');
      expect(e.cause).toBe(cause);
    });

    it(`${name} has no own cause when none is given, and an undefined cause when one is given as undefined`, () => {
      expect('cause' in new Cls('x')).toBe(false);
      const e = new Cls('x', { cause: undefined });
      expect('cause' in e).toBe(true);
      expect(e.cause).toBeUndefined();
    });

    it(`${name} rejects non-object options`, () => {
      expect(() => new Cls('x', null as never)).toThrow(TypeError);
      expect(() => new Cls('x', 5 as never)).toThrow(/options/);
    });
  }

  it('the classes are not instances of one another', () => {
    expect(new ConnectionError()).not.toBeInstanceOf(RequestTimeoutError);
    expect(new ValidationError()).not.toBeInstanceOf(AuthenticationError);
    expect(new NonRetryableError()).not.toBeInstanceOf(ValidationError);
    expect(new DatabaseError()).not.toBeInstanceOf(ConnectionError);
    expect(new Error('plain')).not.toBeInstanceOf(ConnectionError);
    expect({ name: 'ConnectionError' }).not.toBeInstanceOf(ConnectionError);
  });

  it('NonRetryableError takes its default message from its cause', () => {
    expect(new NonRetryableError(undefined, { cause: new Error('quota gone') }).message).toBe('quota gone');
    expect(new NonRetryableError(undefined, { cause: 'text' }).message).toBe('Non-retryable error');
  });

  it('a user subclass keeps instanceof and its own name', () => {
    class MyConnError extends ConnectionError {}
    const e = new MyConnError('m');
    expect(e).toBeInstanceOf(MyConnError);
    expect(e).toBeInstanceOf(ConnectionError);
    expect(e).toBeInstanceOf(RetryError);
    expect(new ConnectionError()).not.toBeInstanceOf(MyConnError);
    expect(e.name).toBe('MyConnError');
  });
});

describe('vocabulary: HTTPError', () => {
  it('exposes status, retryAfter and response and defaults its message to the status', () => {
    const response = { status: 503 };
    const e = new HTTPError(503, undefined, { retryAfter: 2000, response });
    expect(e.name).toBe('HTTPError');
    expect(e.message).toBe('HTTP 503');
    expect(e.status).toBe(503);
    expect(e.retryAfter).toBe(2000);
    expect(e.response).toBe(response);
    expect(e).toBeInstanceOf(RetryError);
  });

  it('leaves retryAfter and response undefined when not given and keeps a cause', () => {
    const cause = new Error('c');
    const e = new HTTPError(404, 'not here', { cause });
    expect(e.retryAfter).toBeUndefined();
    expect(e.response).toBeUndefined();
    expect(e.cause).toBe(cause);
    expect(e.message).toBe('not here');
  });

  it('accepts every integer status in 100..599', () => {
    for (const s of [100, 200, 404, 599]) expect(new HTTPError(s).status).toBe(s);
  });

  it('rejects a status outside 100..599 or not an integer, naming `status` and the value', () => {
    expect(() => new HTTPError(99)).toThrow(RangeError);
    expect(() => new HTTPError(600)).toThrow('`status` must be an integer >= 100 and <= 599, got 600');
    expect(() => new HTTPError(404.5)).toThrow(RangeError);
    expect(() => new HTTPError(Number.NaN)).toThrow(RangeError);
    expect(() => new HTTPError('404' as never)).toThrow(TypeError);
  });

  it('rejects a negative or non-finite retryAfter, naming `retryAfter`', () => {
    expect(() => new HTTPError(503, 'x', { retryAfter: -1 })).toThrow(/`retryAfter`.*-1/);
    expect(() => new HTTPError(503, 'x', { retryAfter: Infinity })).toThrow(RangeError);
    expect(() => new HTTPError(503, 'x', { retryAfter: '5' as never })).toThrow(TypeError);
  });
});

describe('vocabulary: RateLimitError', () => {
  it('is an HTTPError with status 429', () => {
    const e = new RateLimitError();
    expect(e.status).toBe(429);
    expect(e.name).toBe('RateLimitError');
    expect(e.message).toBe('Rate limit exceeded');
    expect(e).toBeInstanceOf(RateLimitError);
    expect(e).toBeInstanceOf(HTTPError);
    expect(e).toBeInstanceOf(RetryError);
    expect(new HTTPError(429)).not.toBeInstanceOf(RateLimitError);
  });

  it('carries retryAfter and cause', () => {
    const cause = new Error('upstream');
    const e = new RateLimitError('slow down', { retryAfter: 30_000, cause });
    expect(e.retryAfter).toBe(30_000);
    expect(e.cause).toBe(cause);
    expect(e.message).toBe('slow down');
  });
});

describe('vocabulary: DatabaseError', () => {
  it('exposes the code it is given', () => {
    expect(new DatabaseError('deadlock', { code: '40P01' }).code).toBe('40P01');
    expect(new DatabaseError().code).toBeUndefined();
  });

  it('rejects a non-string code', () => {
    expect(() => new DatabaseError('x', { code: 40001 as never })).toThrow('`code` must be a string, got 40001');
  });
});

describe('vocabulary: instanceof across copies', () => {
  it('holds for an instance built by another copy of the class (same brand)', async () => {
    // A second module instance, as the CJS build next to the ESM build would be.
    vi.resetModules();
    const other = await import('../../src/errors/vocabulary.js');
    expect(other.ConnectionError).not.toBe(ConnectionError);
    expect(new other.ConnectionError()).toBeInstanceOf(ConnectionError);
    expect(new other.RateLimitError()).toBeInstanceOf(HTTPError);
    expect(new ConnectionError()).toBeInstanceOf(other.ConnectionError);
    expect(new other.ValidationError()).not.toBeInstanceOf(ConnectionError);
  });
});
