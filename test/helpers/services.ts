/**
 * Where the integration tests find their real services, and what happens when one is absent.
 *
 * `scripts/services.sh start` (and `.ci/run`) start them on loopback. A test file asks
 * `serviceOrSkip(name, probe)` at collection time (top-level await) and passes `skip` to
 * `describe.skipIf`:
 * - service reachable → the suite runs;
 * - unreachable, locally → the suite is skipped, with a visible console.warn saying why;
 * - unreachable under `CI=true` → the suite runs and `require()` (called in `beforeAll`)
 *   throws: an absent service fails CI instead of passing it silently.
 *
 * @example
 * const pg = await serviceOrSkip('PostgreSQL', () => tcpProbe(pgUrl));
 * describe.skipIf(pg.skip)('PostgreSQL', () => {
 *   beforeAll(() => pg.require());
 * });
 */
import { connect } from 'node:net';

/** PostgreSQL (trust auth, user postgres). @default 'postgres://postgres@127.0.0.1:5439/postgres' */
export const pgUrl = process.env.ZENOO_PG_URL ?? 'postgres://postgres@127.0.0.1:5439/postgres';
/** Redis. @default 'redis://127.0.0.1:6390' */
export const redisUrl = process.env.ZENOO_REDIS_URL ?? 'redis://127.0.0.1:6390';
/** Whether this run is CI, where every service must be present. */
export const isCI = process.env.CI === 'true';

export interface ServiceStatus {
  readonly name: string;
  readonly available: boolean;
  /** Why the probe failed (undefined when available). */
  readonly reason: string | undefined;
  /** Pass to `describe.skipIf`: true only when absent and not CI. */
  readonly skip: boolean;
  /** Call in `beforeAll`: throws a clear error when the service is absent (only reachable under CI). */
  require(): void;
}

/**
 * Probe a service once. `probe` resolves when the service answers and rejects (or exceeds
 * `timeoutMs`) otherwise.
 */
export async function serviceOrSkip(
  name: string,
  probe: () => Promise<unknown>,
  timeoutMs = 3000,
): Promise<ServiceStatus> {
  let reason: string | undefined;
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      probe(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
  } catch (error) {
    reason = error instanceof Error ? error.message || error.name : String(error);
  } finally {
    clearTimeout(timer);
  }
  const available = reason === undefined;
  const hint = 'start it with `bash scripts/services.sh start`';
  if (!available && !isCI) console.warn(`[skipped] ${name} is not reachable (${reason}); ${hint}`);
  return {
    name,
    available,
    reason,
    skip: !available && !isCI,
    require() {
      if (!available) throw new Error(`${name} is required under CI=true but is not reachable: ${reason} (${hint})`);
    },
  };
}

/** Resolves when a TCP connection to the URL's host and port succeeds. */
export function tcpProbe(url: string, defaultPort?: number): Promise<void> {
  const u = new URL(url);
  const port = Number(u.port || defaultPort);
  const host = u.hostname.replace(/^\[|\]$/g, '');
  return new Promise<void>((resolve, reject) => {
    const socket = connect({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve();
    });
    socket.once('error', (error) => {
      socket.destroy();
      reject(error);
    });
  });
}
