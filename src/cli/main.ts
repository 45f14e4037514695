/**
 * The CLI's dispatcher: `zenoo-retry <command> [flags]`, `--help`, `--version`. Exit codes:
 * 0 success, 1 runtime failure, 2 bad usage (the message names the flag and the value).
 */
import { type Command, commandHelp, type Io, UsageError } from './args.js';
import { demoCommand } from './demo.js';
import { plotCommand } from './plot.js';
import { simulateCommand } from './simulate.js';
import { readVersion } from './version.js';

/** Every command, in help order. */
export const COMMANDS: readonly Command[] = [demoCommand, simulateCommand, plotCommand];

/** The top-level `--help` text. */
export function mainHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length)) + 2;
  return [
    'zenoo-retry: retries, backoff with jitter, circuit breakers and retry budgets, shown live.',
    '',
    'Usage: zenoo-retry <command> [flags]',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}${c.summary}`),
    '',
    'Flags:',
    '  -h, --help     show this help (or `zenoo-retry <command> --help`)',
    '  -v, --version  print the version',
    '',
    'Run `zenoo-retry <command> --help` for the flags of a command. Docs: docs/cli.md',
    '',
  ].join('\n');
}

/** Run the CLI with `argv` (without node and the script); resolves to the exit code. */
export async function main(argv: readonly string[], io: Io): Promise<number> {
  const [first, ...rest] = argv;
  try {
    if (first === undefined || first === '-h' || first === '--help' || first === 'help') {
      const topic = first === 'help' ? COMMANDS.find((c) => c.name === rest[0]) : undefined;
      if (first === 'help' && rest.length > 0 && (topic === undefined || rest.length > 1)) {
        const what = topic === undefined ? `unknown command ${JSON.stringify(rest[0])}` : `unexpected argument ${JSON.stringify(rest[1])}`;
        throw new UsageError(`help: ${what} (commands: ${COMMANDS.map((c) => c.name).join(', ')})`);
      }
      io.out(topic !== undefined ? commandHelp(topic) : mainHelp());
      if (first === undefined) {
        io.err('zenoo-retry: no command given; try `zenoo-retry demo`\n');
        return 2;
      }
      return 0;
    }
    if (first === '-v' || first === '--version') {
      io.out(`${readVersion()}\n`);
      return 0;
    }
    const command = COMMANDS.find((c) => c.name === first);
    if (command === undefined) {
      const what = first.startsWith('-') ? `unknown flag ${first}` : `unknown command ${JSON.stringify(first)}`;
      throw new UsageError(`${what} (commands: ${COMMANDS.map((c) => c.name).join(', ')})`);
    }
    if (rest.includes('--help') || rest.includes('-h')) {
      io.out(commandHelp(command));
      return 0;
    }
    return await command.run(rest, io);
  } catch (error) {
    if (error instanceof UsageError) {
      const help = error.command === undefined ? 'zenoo-retry --help' : `zenoo-retry ${error.command} --help`;
      io.err(`zenoo-retry: ${error.message}\nRun \`${help}\` for usage.\n`);
      return 2;
    }
    // A system error (e.g. `--svg` into a missing directory) is the user's to fix: its message is
    // enough. Anything else is unexpected: the stack helps a bug report.
    const system = error instanceof Error && typeof (error as { code?: unknown }).code === 'string' && typeof (error as { syscall?: unknown }).syscall === 'string';
    const message = error instanceof Error ? (system ? error.message : (error.stack ?? error.message)) : String(error);
    io.err(`zenoo-retry: ${message}\n`);
    return 1;
  }
}
