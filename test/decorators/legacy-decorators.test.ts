import { rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';

// The legacy (experimentalDecorators) form, as NestJS projects use it: the fixture under
// test/fixtures/legacy-decorators is type-checked and compiled with its own tsconfig by the
// TypeScript API, then its compiled output is loaded and driven with fake timers.

const root = resolve(import.meta.dirname, '../..');
const fixture = join(root, 'test/fixtures/legacy-decorators');
const outDir = join(root, '.tmp/legacy-out');

type Fixture = typeof import('../fixtures/legacy-decorators/services.js');
let mod: Fixture;
let diagnostics: string[] = [];
let errors: Record<string, new (...args: never[]) => Error>;

beforeAll(async () => {
  const configPath = join(fixture, 'tsconfig.json');
  const read = ts.readConfigFile(configPath, (p) => ts.sys.readFile(p));
  if (read.error) throw new Error(ts.flattenDiagnosticMessageText(read.error.messageText, '\n'));
  const parsed = ts.parseJsonConfigFileContent(read.config, ts.sys, dirname(configPath), { outDir, noEmit: false });
  expect(parsed.options.experimentalDecorators).toBe(true);
  rmSync(outDir, { recursive: true, force: true });
  const program = ts.createProgram({ rootNames: parsed.fileNames, options: parsed.options });
  diagnostics = ts.getPreEmitDiagnostics(program).map((d) => {
    const where = d.file ? `${d.file.fileName}:${d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1}` : '';
    return `${where} ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
  });
  const emitted = program.emit();
  expect(emitted.emitSkipped).toBe(false);
  const compiled = join(outDir, 'test/fixtures/legacy-decorators/services.js');
  mod = (await import(pathToFileURL(compiled).href)) as Fixture;
  errors = (await import(pathToFileURL(join(outDir, 'src/index.js')).href)) as typeof errors;
}, 60_000);

beforeEach(() => {
  vi.useFakeTimers();
  vi.spyOn(Math, 'random').mockReturnValue(0.5);
});
afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

async function settle<T>(p: Promise<T>): Promise<{ value?: T; error?: unknown }> {
  const out = p.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
  await vi.runAllTimersAsync();
  return out;
}

const calls = (method: string, self?: unknown) =>
  mod.log.filter((e) => e.method === method && (self === undefined || e.self === self));

describe('legacy experimentalDecorators (a NestJS-style fixture with its own tsconfig)', () => {
  it('type-checks: right shapes compile, wrong shapes are errors (no unused @ts-expect-error)', () => {
    expect(diagnostics).toEqual([]);
  });

  it('the compiled fixture really uses the legacy decorator call (__decorate with a descriptor)', async () => {
    const { readFileSync } = await import('node:fs');
    const js = readFileSync(join(outDir, 'test/fixtures/legacy-decorators/services.js'), 'utf8');
    expect(js).toContain('__decorate');
    expect(js).not.toContain('__esDecorate');
  });

  it('retries an instance method with this and the arguments preserved', async () => {
    const svc = new mod.UsersService('u');
    const { value } = await settle(svc.findOne(7, true));
    expect(value).toBe('u7+');
    expect(calls('findOne', svc).map((c) => c.args)).toEqual([
      [7, true],
      [7, true],
      [7, true],
    ]);
  });

  it('retries a static method with this = the class (or the subclass)', async () => {
    const { value } = await settle(mod.UsersService.create('s'));
    expect(value).toBeInstanceOf(mod.UsersService);
    const sub = await settle(mod.CachedUsersService.create('c'));
    expect(sub.value).toBeInstanceOf(mod.CachedUsersService);
  });

  it('a subclass inherits decorated methods and calls an overridden one through super', async () => {
    const svc = new mod.CachedUsersService('c');
    const { value } = await settle(svc.findOne(3));
    expect(value).toBe('cached:c3');
    expect(calls('findOne', svc)).toHaveLength(3);
    expect((await settle(svc.remote())).value).toBe('remote ok');
  });

  it('@networkRetry, @databaseRetry, @quickRetry keep their presets', async () => {
    const svc = new mod.UsersService('p');
    expect((await settle(svc.remote())).value).toBe('remote ok');
    expect(calls('remote', svc)).toHaveLength(3);
    const saved = await settle(svc.save());
    expect(saved.error).toBeInstanceOf(errors.MaxRetriesExceededError!);
    expect(calls('save', svc)).toHaveLength(3);
    expect((await settle(svc.quick())).value).toBe(1);
  });

  it('@retryWithFallback resolves with the fallback; @retryWithTimeout rejects with RetryTimeoutError', async () => {
    const svc = new mod.UsersService('f');
    expect((await settle(svc.list())).value).toEqual([]);
    expect(calls('list', svc)).toHaveLength(2);
    const slow = await settle(svc.slow());
    expect(slow.error).toBeInstanceOf(errors.RetryTimeoutError!);
    expect(calls('slow', svc)).toHaveLength(3); // at 0, 100, 200; the next wait would end at 300 > 250
  });

  it('@retry keeps a synchronous method synchronous (waits through the clock sleepSync)', () => {
    const svc = new mod.UsersService('r');
    mod.sleeps.length = 0;
    expect(svc.readConfig('db')).toBe('db read by r');
    expect(mod.sleeps).toEqual([20, 20]);
  });

  it('decorating a property (no descriptor) or an accessor is a TypeError', async () => {
    const { asyncRetry } = (await import(pathToFileURL(join(outDir, 'src/index.js')).href)) as typeof import('../../src/index.js');
    const legacy = asyncRetry() as unknown as (target: object, key: string, descriptor?: PropertyDescriptor) => unknown;
    expect(() => legacy({}, 'field')).toThrow(/asyncRetry: only methods can be decorated, `field` is a property/);
    expect(() => legacy({}, 'size', { get: () => 1, configurable: true })).toThrow(/`size` is an accessor/);
    const descriptor = { value: async () => 1, writable: true, configurable: true, enumerable: false };
    const out = legacy({}, 'ok', descriptor) as PropertyDescriptor;
    expect(out).not.toBe(descriptor);
    expect(out).toMatchObject({ writable: true, configurable: true, enumerable: false });
    expect(descriptor.value).not.toBe(out.value); // the descriptor passed in is left as it was
  });
});
