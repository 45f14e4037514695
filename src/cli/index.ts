#!/usr/bin/env node
/**
 * The `zenoo-retry` bin (Node only; never imported by the library entry). Built by tsup to
 * dist/cli.js. See docs/cli.md.
 */
import { main } from './main.js';

const stdoutOpen = { value: true };
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  // `zenoo-retry simulate | head` closes the pipe early: stop writing, exit quietly.
  if (error.code === 'EPIPE') stdoutOpen.value = false;
  else throw error;
});

const code = await main(process.argv.slice(2), {
  out: (text) => {
    if (stdoutOpen.value) process.stdout.write(text);
  },
  err: (text) => process.stderr.write(text),
  errIsTTY: process.stderr.isTTY === true,
  columns: process.stdout.columns ?? process.stderr.columns ?? 80,
  env: process.env,
});
process.exitCode = code;
