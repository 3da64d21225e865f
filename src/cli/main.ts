#!/usr/bin/env node
// Entry point: parse argv, run the command, map errors to exit codes (the only exit point).
import type { Terminal } from '../commands/terminal-port.ts';
import { UserError } from '../model/errors.ts';
import type { Invocation } from '../model/invocation.ts';
import { HELP, parseCommandLine } from './args.ts';
import { terminalUi } from './progress.ts';
import { withSignals } from './signals.ts';

const TERMINAL: Terminal = { progress: terminalUi, withSignals };

/** Loads only the command asked for, so a mistake is reported before heavy modules load. */
async function runCommand(args: Invocation): Promise<number> {
  switch (args.command) {
    case 'bench':
      return (await import('../commands/bench-command.ts')).runBenchCommand(args, TERMINAL);
    case 'sweep':
      return (await import('../commands/sweep-command.ts')).runSweepCommand(args, TERMINAL);
    case 'report':
      return (await import('../commands/report-command.ts')).runReportCommand(args);
    case 'compare':
      return (await import('../commands/compare-command.ts')).runCompareCommand(args);
  }
}

async function main(argv: string[]): Promise<number> {
  const args = parseCommandLine(argv);
  if (args.values.help) {
    process.stdout.write(HELP[args.command]);
    return 0;
  }
  return runCommand(args);
}

function fail(error: unknown): void {
  if (error instanceof UserError) {
    process.stderr.write(`qemu-cache-bench: error: ${error.message}\n`);
    process.exitCode = error.exitCode;
    return;
  }
  const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
  process.stderr.write(`qemu-cache-bench: internal error (please report it): ${detail}\n`);
  process.exitCode = 1;
}

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
}, fail);
