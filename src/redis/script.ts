/**
 * Running a Lua script by its SHA-1 (EVALSHA), falling back to EVAL when the server does not
 * know it yet (a fresh or restarted Redis answers NOSCRIPT; EVAL also caches it there).
 */
import type { RedisLike } from './client-adapter.js';

type Hash = { update(data: string): Hash; digest(encoding: 'hex'): string };
type Crypto = { createHash(algorithm: 'sha1'): Hash };

/** SHA-1 of `source` in hex, or undefined where `node:crypto` cannot be loaded synchronously. */
function sha1(source: string): string | undefined {
  try {
    const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
    const crypto = proc?.getBuiltinModule?.('node:crypto') as Crypto | undefined;
    return crypto?.createHash('sha1').update(source).digest('hex');
  } catch {
    return undefined;
  }
}

const isNoScript = (error: unknown): boolean =>
  String((error as { message?: unknown } | null)?.message ?? error).startsWith('NOSCRIPT');

/** A script and its cached digest. */
export class Script {
  readonly source: string;
  readonly #sha: string | undefined;

  constructor(source: string) {
    this.source = source;
    this.#sha = sha1(source);
  }

  /** Run with `keys` and `args`: EVALSHA, then EVAL once if the server answers NOSCRIPT. */
  async run(client: RedisLike, keys: readonly string[], args: readonly string[]): Promise<unknown> {
    const tail = [String(keys.length), ...keys, ...args];
    if (this.#sha === undefined) return client.call('EVAL', this.source, ...tail);
    try {
      return await client.call('EVALSHA', this.#sha, ...tail);
    } catch (error) {
      if (!isNoScript(error)) throw error;
      return client.call('EVAL', this.source, ...tail);
    }
  }
}
