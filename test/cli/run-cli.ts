/**
 * Builds the CLI with esbuild (as tsup will: one ESM bundle for Node) and runs it as a child
 * process, so the tests exercise the bin as users run it without depending on the package build.
 */
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Wall-clock ms from spawn to exit. */
  ms: number;
}

/** Bundle src/cli/index.ts into .tmp/<dir>/cli.mjs; returns the file. */
export async function buildCli(dir: string): Promise<string> {
  const outdir = join(ROOT, '.tmp', dir);
  mkdirSync(outdir, { recursive: true });
  const outfile = join(outdir, 'cli.mjs');
  await build({
    entryPoints: [join(ROOT, 'src/cli/index.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile,
    logLevel: 'silent',
  });
  return outfile;
}

/** Run `node cli args…`; resolves when it exits (killed after `timeoutMs`). */
export function runCli(cli: string, args: readonly string[], timeoutMs = 60_000): Promise<CliResult> {
  return new Promise((done, fail) => {
    const started = performance.now();
    const child = spawn(process.execPath, [cli, ...args], {
      cwd: ROOT,
      env: { ...process.env, NO_COLOR: '1', COLUMNS: '100' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', fail);
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ code, stdout, stderr, ms: performance.now() - started });
    });
  });
}
