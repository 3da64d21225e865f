// The command line as parsed: which subcommand, its flag values (keyed by the flag table's names) and positional
// arguments.
import type { Command } from './commands.ts';
import type { FlagValues } from './flags.ts';

export { COMMANDS, type Command } from './commands.ts';

/** Flag values by long name, as node:util parseArgs returns them: only the flag table's names. */
export type OptionValues = FlagValues;

/** Parsed command line: the subcommand, its flag values and positional arguments. */
export interface Invocation {
  command: Command;
  values: OptionValues;
  positionals: string[];
}
