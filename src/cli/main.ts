#!/usr/bin/env node
// Entry point: parse argv, run the command, and turn how it ended into the exit code (the only exit point, besides a
// signal outside any command's handling: exitOnStraySignals).
import type { Terminal } from '../commands/terminal-port.ts';
import { ENDINGS, type Ending, KnownError, LockHeldError, oneLine, UsageError } from '../model/errors.ts';
import type { Invocation } from '../model/invocation.ts';
import { helpText, parseCommandLine } from './args.ts';
import { terminalUi } from './progress.ts';
import { exitOnStraySignals, withSignals } from './signals.ts';

const TERMINAL: Terminal = { progress: terminalUi, withSignals };

/** Loads only the command asked for, so a mistake is reported before heavy modules load. */
async function runCommand(args: Invocation): Promise<Ending> {
  switch (args.command) {
    case 'bench':
      return (await import('../commands/bench-command.ts')).runBenchCommand(args, TERMINAL);
    case 'sweep':
      return (await import('../commands/sweep-command.ts')).runSweepCommand(args, TERMINAL);
    case 'report':
      return (await import('../commands/report-command.ts')).runReportCommand(args);
    case 'compare':
      return (await import('../commands/compare-command.ts')).runCompareCommand(args);
    case 'completions': {
      const { completionScript, parseShell } = await import('./completions.ts');
      if (args.positionals.length > 1) throw new UsageError('completions takes one shell: bash, zsh or fish');
      process.stdout.write(completionScript(parseShell(args.positionals[0])));
      return 'ok';
    }
  }
}

async function main(argv: string[]): Promise<Ending> {
  const args = parseCommandLine(argv);
  if (args.values.help) {
    process.stdout.write(helpText(args.command));
    return 'ok';
  }
  if (process.env.QCB_FORCE_INTERNAL_ERROR === '1') throw new Error('forced internal error (QCB_FORCE_INTERNAL_ERROR)');
  return runCommand(args);
}

/** The one line a known error prints: the facts it carries, worded with the flags that change them. */
function errorText(error: KnownError): string {
  if (error instanceof LockHeldError) {
    const flag = error.purpose === 'results' ? '--out' : '--target-dir';
    const fix = `wait for it or pass another ${flag}; if that run is gone, remove ${error.lockFile}`;
    return oneLine(`${error.message}; ${fix}`);
  }
  return error.message;
}

/** A known error: its one line, and its kind's code. Anything else is a bug: the stack, and the internal code. */
function fail(error: unknown): Ending {
  if (error instanceof KnownError) {
    process.stderr.write(`qemu-cache-bench: error: ${errorText(error)}\n`);
    return error.kind;
  }
  const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
  process.stderr.write(`qemu-cache-bench: internal error (please report it): ${detail}\n`);
  return 'internal';
}

exitOnStraySignals();
main(process.argv.slice(2))
  .catch(fail)
  .then((ending) => {
    process.exitCode = ENDINGS[ending].code;
  });
