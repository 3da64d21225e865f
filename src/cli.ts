#!/usr/bin/env -S npx tsx
// Entry point: parse argv, run the command's stages in order, map errors to exit codes (the only exit point).
import { parseCommandLine, HELP } from './cli/args.ts';
import { UserError } from './cli/errors.ts';

async function main(argv: string[]): Promise<number> {
  const args = parseCommandLine(argv);
  if (args.values.help) {
    process.stdout.write(HELP[args.command]);
    return 0;
  }
  // Each command is loaded only when asked for, so a mistake is reported before heavy modules load.
  switch (args.command) {
    case 'bench':
      return (await import('./commands/bench.ts')).runBenchCommand(args);
    case 'sweep':
      return (await import('./commands/sweep.ts')).runSweepCommand(args);
    case 'report':
      return (await import('./commands/report.ts')).runReportCommand(args);
    case 'compare':
      return (await import('./commands/compare.ts')).runCompareCommand(args);
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof UserError) {
      process.stderr.write(`qemu-cache-bench: error: ${error.message}\n`);
      process.exitCode = error.exitCode;
    } else {
      process.stderr.write(`qemu-cache-bench: internal error (please report it): ${(error as Error)?.stack ?? String(error)}\n`);
      process.exitCode = 1;
    }
  },
);
