/**
 * Real PostgreSQL: the errors users meet (serialization failures, deadlocks, unique violations,
 * refused and terminated connections) produced by a real server and the `pg` driver, checked
 * against classifyError and retried to success by `databaseRetry()` (the DatabaseRetryPolicy preset).
 *
 * The server comes from `scripts/services.sh start` (CI: `.ci/run`); each run works in its own
 * database, dropped afterwards. Waits go through ImmediateClock (the requested delays are
 * recorded, no test sleeps); the server's own latency (deadlock_timeout 50 ms) is real.
 */
import { createServer, type Server, type Socket, connect } from 'node:net';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  classifyError,
  databaseRetry,
  isTransientDatabaseError,
  MaxRetriesExceededError,
  PRESETS,
  type RetryAttempt,
} from '../../src/index.js';
import { closedPort } from '../helpers/http-server.js';
import { ImmediateClock } from '../helpers/immediate-clock.js';
import { pgUrl, serviceOrSkip } from '../helpers/services.js';

const service = await serviceOrSkip('PostgreSQL', async () => {
  const client = new pg.Client({ connectionString: pgUrl, connectionTimeoutMillis: 2000 });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.query('select 1');
  } finally {
    await client.end().catch(() => {});
  }
});

const dbName = `zenoo_retry_${process.pid}_${Date.now().toString(36)}`;
let admin: pg.Client;
let dbUrl: string;
const open = new Set<pg.Client>();

/** A fresh connection to the test database (deadlocks are detected after 50 ms). */
async function client(url = dbUrl): Promise<pg.Client> {
  const c = new pg.Client({ connectionString: url, options: '-c deadlock_timeout=50ms' });
  c.on('error', () => {}); // a terminated backend also emits 'error'; the query's rejection is what we test
  open.add(c);
  await c.connect();
  return c;
}

async function close(c: pg.Client): Promise<void> {
  open.delete(c);
  await c.end().catch(() => {});
}

/** The transaction as users write it: BEGIN … COMMIT, ROLLBACK on any error, rethrow. */
async function transaction<T>(c: pg.Client, isolation: string, body: () => Promise<T>): Promise<T> {
  await c.query(`BEGIN ISOLATION LEVEL ${isolation}`);
  try {
    const value = await body();
    await c.query('COMMIT');
    return value;
  } catch (error) {
    await c.query('ROLLBACK').catch(() => {});
    throw error;
  }
}

/** N parties meet here; `open()` lets everyone through (a party that failed must not block the rest). */
class Gate {
  private count = 0;
  private release!: () => void;
  private readonly opened = new Promise<void>((resolve) => (this.release = resolve));
  constructor(private readonly parties: number) {}
  arrive(): Promise<void> {
    if (++this.count >= this.parties) this.release();
    return this.opened;
  }
  open(): void {
    this.release();
  }
}

/**
 * `databaseRetry()` as a user configures it, around `fn`: the preset's policy and schedule, waits
 * recorded by ImmediateClock instead of slept, every retry logged. `fn` gets the attempt number.
 */
function withDatabaseRetry<T>(
  fn: (attempt: number) => Promise<T>,
  log: RetryAttempt[],
  options: { clock?: ImmediateClock; onRetry?: (a: RetryAttempt) => unknown } = {},
): () => Promise<T> {
  let attempt = 0;
  return databaseRetry({
    clock: options.clock ?? new ImmediateClock(),
    timeout: Infinity, // ImmediateClock fires at once; the deadline is not the subject here
    onRetry:
      options.onRetry ??
      ((a) => {
        log.push(a);
      }),
  })(() => fn(++attempt));
}

const brief = (e: unknown) => {
  const c = classifyError(e);
  return { category: c.category, retryable: c.retryable };
};
const codeOf = (e: unknown) => (e as { code?: unknown }).code;

describe.skipIf(service.skip)('PostgreSQL (real server, pg driver)', () => {
  beforeAll(async () => {
    service.require();
    admin = new pg.Client({ connectionString: pgUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${dbName}`);
    const u = new URL(pgUrl);
    u.pathname = `/${dbName}`;
    dbUrl = u.toString();
    const c = await client();
    await c.query(`
      CREATE TABLE ledger (id serial PRIMARY KEY, kind text NOT NULL, amount int NOT NULL);
      CREATE TABLE account (id int PRIMARY KEY, balance int NOT NULL);
      CREATE TABLE transfer (id serial PRIMARY KEY, name text NOT NULL);
      CREATE TABLE item (id int PRIMARY KEY);
      INSERT INTO account VALUES (1, 100), (2, 100);
    `);
    await close(c);
  });

  afterAll(async () => {
    await Promise.all([...open].map(close));
    if (admin !== undefined) {
      await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`).catch(() => {});
      await admin.end();
    }
  });

  it('two conflicting SERIALIZABLE transactions: a real 40001, retried to a serial result', async () => {
    const read = new Gate(2);
    const wrote = new Gate(2);
    const log: RetryAttempt[] = [];
    const attempts = { a: 0, b: 0 };
    const clients = { a: await client(), b: await client() };

    /** Both read the sum of 'x' rows, then insert sum + 1: write skew unless serialized. */
    const addNext = (who: 'a' | 'b') => async (attempt: number) => {
      attempts[who]++;
      const c = clients[who];
      try {
        return await transaction(c, 'SERIALIZABLE', async () => {
          const { rows } = await c.query<{ s: number }>(`SELECT coalesce(sum(amount), 0)::int AS s FROM ledger WHERE kind = 'x'`);
          if (attempt === 1) await read.arrive();
          await c.query(`INSERT INTO ledger (kind, amount) VALUES ('x', $1)`, [(rows[0]?.s ?? 0) + 1]);
          if (attempt === 1) await wrote.arrive();
          return who;
        });
      } catch (error) {
        read.open();
        wrote.open();
        throw error;
      }
    };

    const results = await Promise.all([withDatabaseRetry(addNext('a'), log)(), withDatabaseRetry(addNext('b'), log)()]);

    expect(results).toEqual(['a', 'b']);
    // One of them failed and was retried. Usually once; when PostgreSQL reports the conflict at
    // the INSERT (before the winner commits), the retry can conflict again: every extra attempt
    // is a retried 40001 and the outcome is still serial.
    expect(log.length).toBeGreaterThanOrEqual(1);
    expect(attempts.a + attempts.b).toBe(2 + log.length);
    for (const retried of log) expect(codeOf(retried.lastError)).toBe('40001');
    const error = log[0]?.lastError;
    expect(error).toBeInstanceOf(pg.DatabaseError);
    expect(codeOf(error)).toBe('40001');
    expect(brief(error)).toEqual({ category: 'database', retryable: true });
    expect(isTransientDatabaseError(error)).toBe(true);
    // The retry saw the winner's row: the outcome equals a serial execution.
    const { rows } = await clients.a.query<{ amount: number }>(`SELECT amount FROM ledger WHERE kind = 'x' ORDER BY amount`);
    expect(rows.map((r) => r.amount)).toEqual([1, 2]);
  });

  it('two transactions locking rows in opposite order: a real deadlock (40P01), retried to success', async () => {
    const locked = new Gate(2);
    const log: RetryAttempt[] = [];
    const clock = new ImmediateClock();
    let attempts = 0;
    const clients = [await client(), await client()] as const;

    const move = (i: 0 | 1, from: number, to: number) => async (attempt: number) => {
      attempts++;
      const c = clients[i];
      try {
        return await transaction(c, 'READ COMMITTED', async () => {
          await c.query('UPDATE account SET balance = balance - 1 WHERE id = $1', [from]);
          if (attempt === 1) await locked.arrive(); // each holds its first row lock
          await c.query('UPDATE account SET balance = balance + 1 WHERE id = $1', [to]);
          await c.query('INSERT INTO transfer (name) VALUES ($1)', [`${from}->${to}`]);
          return i;
        });
      } catch (error) {
        locked.open();
        throw error;
      }
    };

    const results = await Promise.all([
      withDatabaseRetry(move(0, 1, 2), log, { clock })(),
      withDatabaseRetry(move(1, 2, 1), log, { clock })(),
    ]);

    expect(results).toEqual([0, 1]);
    expect(attempts).toBe(3);
    expect(log).toHaveLength(1);
    const error = log[0]?.lastError;
    expect(codeOf(error)).toBe('40P01');
    expect((error as Error).message).toMatch(/deadlock detected/);
    expect(brief(error)).toEqual({ category: 'database', retryable: true });
    // The wait requested is the preset's first delay: full jitter over [0, baseDelay].
    expect(clock.waits).toHaveLength(1);
    expect(clock.waits[0]).toBeGreaterThanOrEqual(0);
    expect(clock.waits[0]).toBeLessThanOrEqual(PRESETS.DatabaseRetryPolicy.baseDelay);
    // Exactly one committed row per transfer: the victim's first attempt was rolled back.
    const { rows } = await clients[0].query<{ name: string }>('SELECT name FROM transfer ORDER BY name');
    expect(rows.map((r) => r.name)).toEqual(['1->2', '2->1']);
    const balances = await clients[0].query<{ balance: number }>('SELECT balance FROM account ORDER BY id');
    expect(balances.rows.map((r) => r.balance)).toEqual([100, 100]);
  });

  it('a unique violation (23505) is not retried: the pg error is re-thrown unchanged after one attempt', async () => {
    const c = await client();
    await c.query('INSERT INTO item VALUES (1)');
    const log: RetryAttempt[] = [];
    let attempts = 0;
    const error = await withDatabaseRetry(() => {
      attempts++;
      return c.query('INSERT INTO item VALUES (1)');
    }, log)().catch((e: unknown) => e);

    expect(error).toBeInstanceOf(pg.DatabaseError);
    expect(codeOf(error)).toBe('23505');
    expect(attempts).toBe(1);
    expect(log).toHaveLength(0);
    expect(brief(error)).toEqual({ category: 'database', retryable: false });
  });

  it('a refused connection (server down) is network and retried; the next attempt reaches the server', async () => {
    const port = await closedPort();
    const target = new URL(dbUrl);
    const log: RetryAttempt[] = [];
    let proxy: Server | undefined;
    const sockets = new Set<Socket>();
    try {
      const value = await withDatabaseRetry(
        async () => {
          const c = new pg.Client({ connectionString: `postgres://postgres@127.0.0.1:${port}/${dbName}` });
          c.on('error', () => {});
          try {
            await c.connect();
            return (await c.query<{ one: number }>('SELECT 1 AS one')).rows[0]?.one;
          } finally {
            await c.end().catch(() => {});
          }
        },
        log,
        {
          // After the second refusal the "server comes back": a TCP relay to PostgreSQL on that port.
          onRetry: async (attempt) => {
            log.push(attempt);
            if (attempt.number === 2) proxy = await relay(port, target.hostname, Number(target.port), sockets);
          },
        },
      )();
      expect(value).toBe(1);
      expect(log.map((a) => a.number)).toEqual([1, 2]);
      for (const a of log) {
        expect(codeOf(a.lastError)).toBe('ECONNREFUSED');
        expect(brief(a.lastError)).toEqual({ category: 'network', retryable: true });
      }
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => (proxy ? proxy.close(() => resolve()) : resolve()));
    }
  });

  it('refused every time: gives up with MaxRetriesExceededError after the preset’s 3 attempts', async () => {
    const port = await closedPort();
    const log: RetryAttempt[] = [];
    const error = await withDatabaseRetry(async () => {
      const c = new pg.Client({ connectionString: `postgres://postgres@127.0.0.1:${port}/postgres` });
      c.on('error', () => {});
      await c.connect();
    }, log)().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MaxRetriesExceededError);
    const exceeded = error as MaxRetriesExceededError;
    expect(exceeded.attempts).toBe(PRESETS.DatabaseRetryPolicy.maxAttempts);
    expect(exceeded.errors.map(codeOf)).toEqual(['ECONNREFUSED', 'ECONNREFUSED', 'ECONNREFUSED']);
  });

  it('a backend terminated by the server (57P01 admin_shutdown) is transient: retried on a new connection', async () => {
    const killer = await client();
    const log: RetryAttempt[] = [];
    const value = await withDatabaseRetry(async (attempt) => {
      const c = await client();
      try {
        if (attempt === 1) {
          const { rows } = await c.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
          const running = settle(c.query('SELECT pg_sleep(30)'));
          await waitUntilActive(killer, rows[0]?.pid ?? 0);
          await killer.query('SELECT pg_terminate_backend($1)', [rows[0]?.pid]);
          await running();
        }
        return (await c.query<{ n: number }>('SELECT count(*)::int AS n FROM account')).rows[0]?.n;
      } finally {
        await close(c);
      }
    }, log)();
    expect(value).toBe(2);
    expect(log).toHaveLength(1);
    expect(codeOf(log[0]?.lastError)).toBe('57P01');
    expect(brief(log[0]?.lastError)).toEqual({ category: 'database', retryable: true });
  });

  it('a statement_timeout (57014) is a permanent database error: not retried', async () => {
    const c = new pg.Client({ connectionString: dbUrl, statement_timeout: 50 });
    open.add(c);
    await c.connect();
    let attempts = 0;
    const error = await withDatabaseRetry(() => {
      attempts++;
      return c.query('SELECT pg_sleep(5)');
    }, [])().catch((e: unknown) => e);
    expect(codeOf(error)).toBe('57014');
    expect(attempts).toBe(1);
    expect(brief(error)).toEqual({ category: 'database', retryable: false });
    await close(c);
  });

  it('a connection reset mid-query (ECONNRESET) is network: retried on a new connection', async () => {
    const value = await cutMidQuery('reset', []);
    expect(value.result).toBe(1);
    expect(value.log).toHaveLength(1);
    expect(codeOf(value.log[0]?.lastError)).toBe('ECONNRESET');
    expect(brief(value.log[0]?.lastError)).toEqual({ category: 'network', retryable: true });
  });

  // When the connection is closed (FIN, not RST) mid-query — a server crash, a proxy or load
  // balancer dropping it, a failover — pg rejects with a plain Error('Connection terminated
  // unexpectedly') without a code. classifyError recognises that exact message as network, so
  // DatabaseRetryPolicy retries it on a new connection.
  it('a connection closed mid-query ("Connection terminated unexpectedly") is retried by the database preset', async () => {
    const log: RetryAttempt[] = [];
    const value = await cutMidQuery('close', log);
    expect(value.result).toBe(1);
    expect(log).toHaveLength(1);
    const error = log[0]?.lastError;
    expect((error as Error).message).toBe('Connection terminated unexpectedly');
    expect(codeOf(error)).toBeUndefined();
    expect(brief(error)).toEqual({ category: 'network', retryable: true });
  });

  it("pg's own timeouts without a code ('Query read timeout', 'timeout expired') are retryable timeouts", async () => {
    // query_timeout: the client gives up on a query the server is still running
    const c = new pg.Client({ connectionString: dbUrl, query_timeout: 50 });
    c.on('error', () => {});
    open.add(c);
    await c.connect();
    const readTimeout = await c.query('SELECT pg_sleep(5)').catch((e: unknown) => e);
    await close(c);
    expect((readTimeout as Error).message).toBe('Query read timeout');
    expect(brief(readTimeout)).toEqual({ category: 'timeout', retryable: true });

    // connectionTimeoutMillis: a server that accepts the TCP connection and never answers
    const sockets = new Set<Socket>();
    const silent = createServer((s) => {
      sockets.add(s);
      s.on('error', () => {});
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', () => resolve()));
    try {
      const port = (silent.address() as { port: number }).port;
      const d = new pg.Client({ connectionString: `postgres://postgres@127.0.0.1:${port}/postgres`, connectionTimeoutMillis: 50 });
      d.on('error', () => {});
      const connectTimeout = await d.connect().catch((e: unknown) => e);
      expect((connectTimeout as Error).message).toBe('timeout expired');
      expect(brief(connectTimeout)).toEqual({ category: 'timeout', retryable: true });
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });
});

/** A TCP relay on 127.0.0.1:`port` (0 = any) to host:targetPort; its sockets are tracked for cleanup. */
async function relay(port: number, host: string, targetPort: number, sockets: Set<Socket>): Promise<Server> {
  const server = createServer((down) => {
    const up = connect({ host, port: targetPort });
    for (const s of [down, up]) {
      sockets.add(s);
      s.on('error', () => {});
      s.on('close', () => {
        sockets.delete(s);
        down.destroy();
        up.destroy();
      });
    }
    down.pipe(up).pipe(down);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return server;
}

/**
 * Attempt 1 runs a long query through a relay, which cuts the connection mid-query (`reset`:
 * RST, `close`: FIN); attempt 2 connects again and succeeds.
 */
async function cutMidQuery(how: 'reset' | 'close', log: RetryAttempt[]): Promise<{ result: number | undefined; log: RetryAttempt[] }> {
  const target = new URL(dbUrl);
  const sockets = new Set<Socket>();
  const proxy = await relay(0, target.hostname, Number(target.port), sockets);
  const port = (proxy.address() as { port: number }).port;
  const watcher = await client();
  try {
    const result = await withDatabaseRetry(async (attempt) => {
      const c = new pg.Client({ connectionString: `postgres://postgres@127.0.0.1:${port}/${dbName}` });
      c.on('error', () => {});
      try {
        await c.connect();
        if (attempt === 1) {
          const { rows } = await c.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
          const running = settle(c.query('SELECT pg_sleep(30)'));
          await waitUntilActive(watcher, rows[0]?.pid ?? 0);
          for (const s of sockets) {
            if (how === 'reset') s.resetAndDestroy();
            else s.end();
          }
          await running();
        }
        return (await c.query<{ one: number }>('SELECT 1 AS one')).rows[0]?.one;
      } finally {
        await c.end().catch(() => {});
      }
    }, log)();
    return { result, log };
  } finally {
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => proxy.close(() => resolve()));
    await close(watcher);
  }
}

/** Observe `promise` now (no unhandled rejection while we do other work); `()` gives its outcome later. */
function settle<T>(promise: Promise<T>): () => Promise<T> {
  const outcome = promise.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
  return async () => {
    const o = await outcome;
    if (o.ok) return o.value;
    throw o.error;
  };
}

/** Resolves once backend `pid` is running a query (so terminating it interrupts that query). */
async function waitUntilActive(c: pg.Client, pid: number): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const { rows } = await c.query<{ state: string }>('SELECT state FROM pg_stat_activity WHERE pid = $1', [pid]);
    if (rows[0]?.state === 'active') return;
  }
  throw new Error(`backend ${pid} never became active`);
}
