import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// A TypeScript user's project: installs the packed tarball (and typescript), decorates methods
// with @asyncRetry and @networkRetry(), wraps a function with asyncRetry()(fn), type-checks with
// `tsc --strict` and module/moduleResolution nodenext, as an ESM (.mts) and a CJS (.cts)
// consumer, and runs what tsc emitted with node.

const root = resolve(import.meta.dirname, '../..');
const tsVersion = (JSON.parse(readFileSync(join(root, 'node_modules/typescript/package.json'), 'utf8')) as { version: string }).version;
let dir = '';
let app = '';

const run = (cmd: string, args: string[], cwd: string): string => {
  try {
    return execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${cmd} ${args.join(' ')} failed:\n${e.stdout ?? ''}\n${e.stderr ?? ''}\n${e.message}`);
  }
};

const consumer = (kind: 'esm' | 'cjs'): string => `import {
  asyncRetry,
  networkRetry,
  ConnectionError,
  MaxRetriesExceededError,
  type RetryAttempt,
} from 'zenoo-retry';

class UserService {
  calls = 0;
  retries: number[] = [];
  constructor(private readonly prefix: string) {}

  @asyncRetry({ maxAttempts: 3, delay: 1, onRetry: (a: RetryAttempt) => void 0 })
  async find(id: number): Promise<string> {
    if (++this.calls < 3) throw new ConnectionError('connection reset');
    return \`\${this.prefix}\${id}\`;
  }

  @networkRetry()
  async ping(): Promise<'pong'> {
    return 'pong';
  }

  @networkRetry({ maxAttempts: 2, baseDelay: 1 })
  static async failing(): Promise<never> {
    throw new ConnectionError('down');
  }

  // @ts-expect-error asyncRetry decorates async methods only (the types ship in the package)
  @asyncRetry()
  sync(): number {
    return 1;
  }
}

const double = asyncRetry({ maxAttempts: 2, delay: 1 })(async (x: number) => x * 2);
const typed: Promise<number> = double(21);
// @ts-expect-error the wrapped function keeps its parameter types
void double('21');

async function main(): Promise<void> {
  const svc = new UserService('user-');
  const found = await svc.find(7);
  const pong = await svc.ping();
  const doubled = await typed;
  let exceeded = false;
  try {
    await UserService.failing();
  } catch (error) {
    exceeded = error instanceof MaxRetriesExceededError && error.attempts === 2;
  }
  const ok = found === 'user-7' && svc.calls === 3 && pong === 'pong' && doubled === 42 && exceeded;
  console.log(JSON.stringify({ kind: '${kind}', found, pong, doubled, exceeded, ok }));
  if (!ok) process.exitCode = 1;
}
${kind === 'esm' ? 'await main();' : 'main().catch((error: unknown) => { console.error(error); process.exitCode = 1; });'}
`;

beforeAll(() => {
  const dist = join(root, 'dist/index.js');
  if (!existsSync(dist) || !readFileSync(dist, 'utf8').includes('asyncRetry')) run('npx', ['tsup'], root);
  dir = mkdtempSync(join(tmpdir(), 'zenoo-consumer-'));
  const packed = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', dir], root)) as Array<{ filename: string }>;
  const tarball = join(dir, packed[0]!.filename);
  app = join(dir, 'app');
  mkdirSync(app);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'consumer', private: true }, null, 2));
  const install = ['install', '--no-audit', '--no-fund', '--ignore-scripts', tarball, `typescript@${tsVersion}`, '@types/node@20'];
  try {
    run('npm', [...install, '--offline'], app);
  } catch {
    run('npm', [...install, '--prefer-offline'], app); // a cold cache: the registry is reachable
  }
  writeFileSync(
    join(app, 'tsconfig.json'),
    JSON.stringify(
      {
        compilerOptions: {
          strict: true,
          module: 'nodenext',
          moduleResolution: 'nodenext',
          target: 'ES2022',
          lib: ['ES2022'],
          types: ['node'],
          outDir: 'out',
          skipLibCheck: false,
        },
        files: ['esm.mts', 'cjs.cts'],
      },
      null,
      2,
    ),
  );
  writeFileSync(join(app, 'esm.mts'), consumer('esm'));
  writeFileSync(join(app, 'cjs.cts'), consumer('cjs'));
}, 180_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('a TypeScript consumer of the packed package (nodenext, strict)', () => {
  it('type-checks with tsc --strict, module/moduleResolution nodenext, no experimentalDecorators', () => {
    const tsc = join(app, 'node_modules/typescript/bin/tsc');
    const out = run(process.execPath, [tsc, '--strict', '-p', 'tsconfig.json'], app);
    expect(out).toBe('');
    expect(existsSync(join(app, 'out/esm.mjs'))).toBe(true);
    expect(existsSync(join(app, 'out/cjs.cjs'))).toBe(true);
    expect(readFileSync(join(app, 'out/cjs.cjs'), 'utf8')).toContain('require("zenoo-retry")');
  }, 60_000);

  it('the ESM consumer runs: decorated methods and a wrapped function retry', () => {
    const line = run(process.execPath, ['out/esm.mjs'], app).trim();
    expect(JSON.parse(line)).toEqual({ kind: 'esm', found: 'user-7', pong: 'pong', doubled: 42, exceeded: true, ok: true });
  });

  it('the CJS consumer runs the same code through require()', () => {
    const line = run(process.execPath, ['out/cjs.cjs'], app).trim();
    expect(JSON.parse(line)).toEqual({ kind: 'cjs', found: 'user-7', pong: 'pong', doubled: 42, exceeded: true, ok: true });
  });
});
