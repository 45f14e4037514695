import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

// Every ```ts block of README.md (or, until the README has its Usage section, of
// docs/readme-usage.md, the text that goes there) runs as it is: written to .tmp/readme-N.ts with
// `from 'zenoo-retry'` pointing at src/index.ts, run with tsx in a child process, which must exit
// with code 0 by itself.

const root = resolve(import.meta.dirname, '..');
const tsx = join(root, 'node_modules/.bin/tsx');
const run = promisify(execFile);

function samples(): { source: string; blocks: string[] } {
  for (const file of ['README.md', 'docs/readme-usage.md']) {
    const path = join(root, file);
    if (!existsSync(path)) continue;
    const blocks = [...readFileSync(path, 'utf8').matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((m) => m[1]!);
    if (blocks.length > 0) return { source: file, blocks };
  }
  return { source: 'none', blocks: [] };
}

const { source, blocks } = samples();
const entry = join(root, 'src/index.ts');

describe(`the code samples of ${source} run`, () => {
  it('there are samples to run', () => {
    expect(blocks.length).toBeGreaterThan(0);
  });

  blocks.forEach((code, i) => {
    const title = code.split('\n').find((l) => l.trim() !== '' && !l.startsWith('import')) ?? '';
    it(`sample ${i + 1}: ${title.slice(0, 60)}`, async () => {
      const dir = join(root, '.tmp');
      mkdirSync(dir, { recursive: true });
      const file = join(dir, `readme-${i + 1}.ts`);
      writeFileSync(
        file,
        code
          .replaceAll(/from 'zenoo-retry'/g, `from ${JSON.stringify(entry)}`)
          .replaceAll(/from 'zenoo-retry\/testing'/g, `from ${JSON.stringify(join(root, 'src/testing.ts'))}`)
          .replaceAll(/from 'zenoo-retry\/redis'/g, `from ${JSON.stringify(join(root, 'src/redis/index.ts'))}`),
      );
      const { stdout } = await run(tsx, [file], { cwd: root, timeout: 30_000 }).catch((error: { stdout?: string; stderr?: string; code?: unknown }) => {
        throw new Error(`sample ${i + 1} failed (exit ${String(error.code)}):\n${error.stderr ?? ''}\n${error.stdout ?? ''}`);
      });
      expect(typeof stdout).toBe('string');
    }, 40_000);
  });
});
