// The command line as parsed: which subcommand, its flag values and positional arguments.

/** The subcommands. */
export const COMMANDS = ['bench', 'sweep', 'report', 'compare', 'completions'] as const;

/** A subcommand name. */
export type Command = (typeof COMMANDS)[number];

/** Flag values by long name, as node:util parseArgs returns them. */
export type OptionValues = Record<string, string | boolean | string[] | undefined>;

/** Parsed command line: the subcommand, its flag values and positional arguments. */
export interface Invocation {
  command: Command;
  values: OptionValues;
  positionals: string[];
}
