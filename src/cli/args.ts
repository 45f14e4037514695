/**
 * Flag parsing for the CLI: `node:util` `parseArgs` (no dependency) in strict mode, plus typed
 * readers whose messages name the flag and the value received. Every problem is a `UsageError`,
 * which the entry turns into exit code 2 and a hint to `--help`.
 */
import { parseArgs } from 'node:util';

/** Bad usage: unknown flag, missing or bad value. Exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
  constructor(
    message: string,
    /** The command whose `--help` the hint points to, if any. */
    readonly command?: string,
  ) {
    super(message);
  }
}

/** One flag of a command. Every flag but booleans takes a value. */
export interface FlagSpec {
  readonly type: 'string' | 'boolean';
  /** Shown in help as `--name VALUE`. */
  readonly value?: string;
  readonly description: string;
  /** Shown in help as "(default …)". */
  readonly default?: string;
  readonly short?: string;
}

/** A command as the entry dispatches it. */
export interface Command {
  readonly name: string;
  /** One line for the top-level help. */
  readonly summary: string;
  /** Extra lines printed under the usage line of `--help`. */
  readonly description: readonly string[];
  readonly flags: Readonly<Record<string, FlagSpec>>;
  readonly examples: readonly string[];
  /** Run with the raw arguments after the command name; resolves to the exit code. */
  run(argv: readonly string[], io: Io): Promise<number>;
}

/** Where a command writes; injected so that tests and the entry agree on streams. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
  /** stderr is an interactive terminal (live progress bars). */
  readonly errIsTTY: boolean;
  /** Columns of the terminal, or 80. */
  readonly columns: number;
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** The flag every command accepts. */
export const HELP_FLAG: FlagSpec = { type: 'boolean', short: 'h', description: 'show this help and exit' };

export type FlagValues = Record<string, string | boolean | undefined>;

/** Turn a `parseArgs` error into a readable sentence. */
function explain(error: unknown): string {
  const e = error as { code?: string; message?: string };
  const msg = String(e.message ?? error);
  const quoted = /'([^']+)'/.exec(msg)?.[1];
  switch (e.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `unknown flag ${quoted ?? msg}`;
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return `unexpected argument ${JSON.stringify(quoted ?? msg)} (this command takes only flags)`;
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE': {
      const flag = quoted?.split(' ')[0] ?? '';
      if (msg.includes('does not take an argument')) return `${flag} does not take a value`;
      if (msg.includes('ambiguous')) return `${flag} needs a value (write ${flag}=VALUE for a value starting with "-")`;
      return `${flag} needs a value`;
    }
    default:
      return msg.split('\n')[0] ?? msg;
  }
}

/**
 * Parse `argv` against `command.flags` (plus `--help`). Unknown flags, positionals and missing
 * values throw `UsageError`.
 */
export function parseFlags(command: Pick<Command, 'name' | 'flags'>, argv: readonly string[]): FlagValues {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string }> = {};
  for (const [name, spec] of Object.entries({ ...command.flags, help: HELP_FLAG })) {
    options[name] = spec.short === undefined ? { type: spec.type } : { type: spec.type, short: spec.short };
  }
  try {
    const { values } = parseArgs({ args: [...argv], options, strict: true, allowPositionals: false });
    return values as FlagValues;
  } catch (error) {
    throw new UsageError(explain(error), command.name);
  }
}

const INTEGER = /^[+-]?\d+$/;
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?$/i;

/** Bounds of a numeric flag (inclusive). */
export interface Range {
  readonly min?: number;
  readonly max?: number;
  /** Exclusive lower bound. */
  readonly gt?: number;
}

const rangeText = (r: Range): string =>
  [r.gt !== undefined ? `> ${r.gt}` : '', r.min !== undefined ? `>= ${r.min}` : '', r.max !== undefined ? `<= ${r.max}` : '']
    .filter(Boolean)
    .join(' and ');

function readNumber(
  command: string,
  values: FlagValues,
  name: string,
  fallback: number,
  range: Range,
  integer: boolean,
): number {
  const raw = values[name];
  if (raw === undefined) return fallback;
  const text = String(raw).trim();
  const kind = integer ? 'an integer' : 'a number';
  const bounds = rangeText(range);
  const want = bounds === '' ? kind : `${kind} ${bounds}`;
  const n = Number(text);
  if (!(integer ? INTEGER : DECIMAL).test(text) || !Number.isFinite(n)) {
    throw new UsageError(`--${name} must be ${want}, got ${JSON.stringify(String(raw))}`, command);
  }
  if (
    (range.min !== undefined && n < range.min) ||
    (range.max !== undefined && n > range.max) ||
    (range.gt !== undefined && n <= range.gt)
  ) {
    throw new UsageError(`--${name} must be ${want}, got ${text}`, command);
  }
  return n;
}

/** Read an integer flag. */
export const intFlag = (command: string, values: FlagValues, name: string, fallback: number, range: Range = {}): number =>
  readNumber(command, values, name, fallback, range, true);

/** Read a decimal flag. */
export const numberFlag = (command: string, values: FlagValues, name: string, fallback: number, range: Range = {}): number =>
  readNumber(command, values, name, fallback, range, false);

/** Read a flag whose value is one of `allowed`. */
export function choiceFlag<T extends string>(
  command: string,
  values: FlagValues,
  name: string,
  allowed: readonly T[],
  fallback: T,
): T {
  const raw = values[name];
  if (raw === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(String(raw))) {
    throw new UsageError(`--${name} must be one of ${allowed.join(', ')}, got ${JSON.stringify(String(raw))}`, command);
  }
  return raw as T;
}

/** Read a string flag (undefined when absent); an empty value is a usage error. */
export function stringFlag(command: string, values: FlagValues, name: string): string | undefined {
  const raw = values[name];
  if (raw === undefined) return undefined;
  if (String(raw) === '') throw new UsageError(`--${name} must not be empty`, command);
  return String(raw);
}

/** Seeds are any integer; they are reduced to 32 bits. */
export const seedFlag = (command: string, values: FlagValues, fallback: number): number =>
  intFlag(command, values, 'seed', fallback, { min: 0, max: 2 ** 32 - 1 });

/** The `--help` text of a command. */
export function commandHelp(command: Command): string {
  const rows = Object.entries({ ...command.flags, help: HELP_FLAG }).map(([name, spec]) => {
    const left = `${spec.short ? `-${spec.short}, ` : ''}--${name}${spec.type === 'string' ? ` ${spec.value ?? 'VALUE'}` : ''}`;
    const right = spec.default === undefined ? spec.description : `${spec.description} (default ${spec.default})`;
    return [left, right] as const;
  });
  const width = Math.max(...rows.map(([left]) => left.length)) + 2;
  return [
    `zenoo-retry ${command.name}: ${command.summary}`,
    '',
    `Usage: zenoo-retry ${command.name} [flags]`,
    '',
    ...command.description,
    ...(command.description.length > 0 ? [''] : []),
    'Flags:',
    ...rows.map(([left, right]) => `  ${left.padEnd(width)}${right}`),
    '',
    'Examples:',
    ...command.examples.map((e) => `  ${e}`),
    '',
  ].join('\n');
}
