#!/usr/bin/env -S npx tsx
// Entry point: parse argv, run the command's stages in order, map errors to exit codes (the only exit point).
import { parseCommandLine, HELP } from './cli/args.ts';
import { UserError } from './cli/errors.ts';
import { runBenchCommand } from './commands/bench.ts';
import { runReportCommand } from './commands/report.ts';
import { runSweepCommand } from './commands/sweep.ts';
import { runCompareCommand } from './commands/compare.ts';

async function main(argv: string[]): Promise<number> {
  const args = parseCommandLine(argv);
  if (args.values.help) {
    process.stdout.write(HELP[args.command]);
    return 0;
  }
  switch (args.command) {
    case 'bench':
      return runBenchCommand(args);
    case 'sweep':
      return runSweepCommand(args);
    case 'report':
      return runReportCommand(args);
    case 'compare':
      return runCompareCommand(args);
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
