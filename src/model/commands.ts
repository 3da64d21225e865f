// The subcommands of the command line (the flag table names which take each flag).

/** The subcommands. */
export const COMMANDS = ['bench', 'sweep', 'report', 'compare', 'completions'] as const;

/** A subcommand name. */
export type Command = (typeof COMMANDS)[number];
