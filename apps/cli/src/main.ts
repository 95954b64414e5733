#!/usr/bin/env node
import { runCli } from './cli.js';

// `vahub check | head` closes the pipe early: that is the reader's choice, not a failure.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});

try {
  // The exit code is set rather than forced, so pending output is flushed, and a server left open
  // by mistake shows as a hang instead of being cut off.
  process.exitCode = await runCli(process.argv.slice(2), { out: process.stdout, err: process.stderr });
} catch (err) {
  // Connector errors are bounded and redacted; print the message, not the object (and its cause).
  process.stderr.write(`vahub: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
}
