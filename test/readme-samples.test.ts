import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

// Every ```ts block of README.md runs as it is: written to .tmp/readme-N.ts with
// `from 'zenoo-retry'` (and its subpaths) pointing at the sources in src/, run with tsx in a child process, which must exit
// with code 0 by itself. All of them must also type-check under the repository's strict tsconfig.

const root = resolve(import.meta.dirname, '..');
const tsx = join(root, 'node_modules/.bin/tsx');
const run = promisify(execFile);

function samples(): { source: string; blocks: string[] } {
  for (const file of ['README.md']) {
    const path = join(root, file);
    if (!existsSync(path)) continue;
    const blocks = [...readFileSync(path, 'utf8').matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((m) => m[1]!);
    if (blocks.length > 0) return { source: file, blocks };
  }
  return { source: 'none', blocks: [] };
}

const { source, blocks } = samples();
/** The source entry of `zenoo-retry` or of a subpath (`zenoo-retry/testing` → src/testing.ts or src/testing/index.ts). */
const entryOf = (specifier: string): string => {
  const sub = specifier.slice('zenoo-retry'.length).replace(/^\//, '');
  if (sub === '') return join(root, 'src/index.ts');
  const file = join(root, `src/${sub}.ts`);
  return existsSync(file) ? file : join(root, `src/${sub}/index.ts`);
};
const dir = join(root, '.tmp');
mkdirSync(dir, { recursive: true });
const files = blocks.map((code, i) => {
  const file = join(dir, `readme-${i + 1}.ts`);
  writeFileSync(file, code.replaceAll(/from (['"])(zenoo-retry(?:\/[\w-]+)?)\1/g, (_m, _q, spec: string) => `from ${JSON.stringify(entryOf(spec))}`));
  return file;
});

describe(`the code samples of ${source}`, () => {
  it('there are samples to run', () => {
    expect(blocks.length).toBeGreaterThan(0);
  });

  it('every sample type-checks (strict, the repository tsconfig)', () => {
    const read = ts.readConfigFile(join(root, 'tsconfig.json'), (p) => ts.sys.readFile(p));
    const parsed = ts.parseJsonConfigFileContent(read.config, ts.sys, root);
    const program = ts.createProgram(files, { ...parsed.options, noEmit: true, allowImportingTsExtensions: true });
    const problems = ts
      .getPreEmitDiagnostics(program)
      .filter((d) => d.file !== undefined && files.includes(resolve(d.file.fileName)))
      .map((d) => `${d.file!.fileName}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
    expect(problems).toEqual([]);
  }, 60_000);

  blocks.forEach((code, i) => {
    const title = code.split('\n').find((l) => l.trim() !== '' && !l.startsWith('import')) ?? '';
    it(`sample ${i + 1} runs and exits by itself: ${title.slice(0, 60)}`, async () => {
      await run(tsx, [files[i]!], { cwd: root, timeout: 30_000 }).catch((error: { stdout?: string; stderr?: string; code?: unknown }) => {
        throw new Error(`sample ${i + 1} failed (exit ${String(error.code)}):\n${error.stderr ?? ''}\n${error.stdout ?? ''}`);
      });
    }, 40_000);
  });
});
