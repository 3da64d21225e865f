// Flag and subcommand declarations (bench, sweep, report, compare) and the help text.
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { ENDINGS, UsageError } from '../model/errors.ts';
import { commandFlags, FLAG_SECTIONS, type FlagSpec, flagDefault } from '../model/flags.ts';
import { COMMANDS, type Command, type Invocation } from '../model/invocation.ts';

type Options = NonNullable<ParseArgsConfig['options']>;

/** node:util parseArgs options of each subcommand, generated from the flag table. */
export const COMMAND_OPTIONS = Object.fromEntries(
  COMMANDS.map((command) => [command, parserOptions(commandFlags(command))]),
) as Record<Command, Options>;

function parserOptions(flags: readonly FlagSpec[]): Options {
  const options: Options = {};
  for (const f of flags) {
    options[f.name] = {
      type: f.kind === 'boolean' ? 'boolean' : 'string',
      ...(f.kind === 'list' ? { multiple: true } : {}),
      ...(f.short ? { short: f.short } : {}),
    };
  }
  return options;
}

/** Parses argv (without node and script); unknown flags and commands are a UsageError. */
export function parseCommandLine(argv: readonly string[]): Invocation {
  const first = argv[0];
  const command: Command = first && !first.startsWith('-') ? (first as Command) : 'bench';
  if (!COMMANDS.includes(command))
    throw new UsageError(`unknown command '${first}'; use one of ${COMMANDS.join(', ')} (see --help)`);
  const given = first === command ? argv.slice(1) : argv;
  const rest = joinNegativeValues(fillOptionalValues(given, commandFlags(command)), COMMAND_OPTIONS[command]);
  try {
    const { values, positionals } = parseArgs({
      args: rest,
      options: COMMAND_OPTIONS[command],
      allowPositionals: true,
      strict: true,
    });
    if ((command === 'bench' || command === 'sweep') && positionals.length > 0) {
      throw new UsageError(
        `unexpected argument '${positionals[0]}'; ${command} takes only options (did you mean --image ` +
          `${positionals[0]}?)`,
      );
    }
    return { command, values: values as Invocation['values'], positionals };
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`${argumentProblem(error as Error)}; see 'qemu-cache-bench ${command} --help'`);
  }
}

/** node:util's parse error in one short clause (its unknown-option text is a paragraph about positionals). */
function argumentProblem(error: Error & { code?: string }): string {
  const unknown = /Unknown option '([^']+)'/.exec(error.message);
  if (error.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && unknown) return `unknown option '${unknown[1]}'`;
  return error.message.split('\n')[0]?.replace(/\.$/, '') ?? 'bad arguments';
}

/** Turns `--runs -2` into `--runs=-2` so a negative number reaches its validator instead of looking like an option. */
/** A flag whose value may be left out ("--as-projects" alone) gets its `optional` value when none follows. */
function fillOptionalValues(argv: readonly string[], flags: readonly FlagSpec[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const flag = flags.find((f) => f.optional !== undefined && arg === `--${f.name}`);
    const next = argv[i + 1];
    out.push(flag && (next === undefined || next.startsWith('-')) ? `${arg}=${flag.optional}` : arg);
  }
  return out;
}

function joinNegativeValues(argv: readonly string[], options: Options): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const next = argv[i + 1];
    const name = arg.startsWith('--') ? arg.slice(2) : null;
    if (name && options[name]?.type === 'string' && next !== undefined && /^-\d/.test(next)) {
      out.push(`${arg}=${next}`);
      i++;
    } else out.push(arg);
  }
  return out;
}

/** Help text of `command`: its usage lines, then every flag it takes, grouped by section. */
/** A command's usage lines (the top of its --help and of its man page section). */
export function usageLines(command: Command): readonly string[] {
  return USAGE[command];
}

export function helpText(command: Command): string {
  const lines = [...USAGE[command]];
  const flags = commandFlags(command);
  for (const section of FLAG_SECTIONS) {
    const inSection = flags.filter((f) => f.section === section);
    if (!inSection.length) continue;
    lines.push(section);
    for (const f of inSection) lines.push(...flagHelp(f, command));
  }
  lines.push('Exit codes', ...exitCodeLines());
  return `${lines.join('\n')}\n`;
}

/** The exit codes as a markdown list for docs/safety.md, from the same table. */
export function exitCodeMarkdown(): string {
  return Object.values(ENDINGS)
    .map((e) => `  - ${e.code}: ${e.meaning}`)
    .join('\n');
}

/** One line per exit code, from the one table that maps endings to codes. */
export function exitCodeLines(): string[] {
  return Object.values(ENDINGS).map((e) => `  ${String(e.code).padEnd(4)}${e.meaning}`);
}

const HELP_COLUMN = 28;
const HELP_WIDTH = 110;

function flagHelp(f: FlagSpec, command: Command): string[] {
  const name = `  --${f.name}${f.value ? ` ${f.value}` : ''}${f.short ? `, -${f.short}` : ''}`;
  const fallback = flagDefault(f, command);
  const defaultWords = command === 'sweep' && f.sweepDefault ? f.sweepDefault : (f.defaultText ?? fallback);
  const text = `${f.help}${defaultWords ? `; default: ${defaultWords}` : ''}`;
  const wrapped = wrap(text, HELP_WIDTH - HELP_COLUMN);
  const first =
    name.length < HELP_COLUMN
      ? name.padEnd(HELP_COLUMN) + wrapped[0]
      : `${name}\n${' '.repeat(HELP_COLUMN)}${wrapped[0]}`;
  return [first, ...wrapped.slice(1).map((line) => ' '.repeat(HELP_COLUMN) + line)];
}

/** Words of `text` in lines of at most `width` characters (a longer word stands alone). */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  return [...lines, line];
}

/** The flags of `command` as a markdown table (docs/cli.md's copy is generated from this; a test compares them). */
export function flagTableMarkdown(command: Command): string {
  const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const rows = commandFlags(command).map((f) => {
    const name = `\`--${f.name}${f.value ? ` ${f.value}` : ''}\`${f.short ? `, \`-${f.short}\`` : ''}`;
    const fallback = f.defaultText ?? flagDefault(f, command) ?? '';
    return `| ${cell(name)} | ${cell(fallback)} | ${cell(f.help)} |`;
  });
  return ['| option | default | meaning |', '|---|---|---|', ...rows].join('\n');
}

/** How one command's flags differ from another's, in words (docs/cli.md's line on what sweep takes). */
export function flagDifferenceText(command: Command, base: Command): string {
  const names = (c: Command) => commandFlags(c).map((f) => `--${f.name}`);
  const own = new Set(names(command));
  const baseNames = new Set(names(base));
  const quote = (list: string[]) => list.map((n) => `\`${n}\``).join(', ');
  const lacks = [...baseNames].filter((n) => !own.has(n));
  const adds = [...own].filter((n) => !baseNames.has(n));
  return `\`${command}\` takes every \`${base}\` option below but ${quote(lacks)}, and adds ${quote(adds)}`;
}

const USAGE: Record<Command, string[]> = {
  bench: [
    'Usage: qemu-cache-bench bench [options]   (from a checkout: npm run bench -- [options])',
    'Converts one image with qemu-img convert under each target cache mode, several times, and reports the times.',
    'Lists are comma-separated or repeated; the matrix flags make a case of every combination.',
  ],
  sweep: [
    'Usage: qemu-cache-bench sweep [options]',
    'Runs writeback vs writethrough at several emulated flush latencies (LD_PRELOAD interposer) and charts the',
    "speedup against the latency. A native 0 ms point always runs first: every other point's prediction is made",
    "from it. --runs is per point; --budget is the whole sweep's time, and points that would not fit it are skipped",
    'with a note.',
  ],
  report: [
    'Usage: qemu-cache-bench report results/<run>/results.json [--out DIR]',
    'Re-renders report.md, report.txt, report.html, results.csv and the charts from a saved results.json',
    '(default: beside it).',
  ],
  compare: [
    'Usage: qemu-cache-bench compare A/results.json B/results.json [...] [--out DIR]',
    'Aligns the same cases and modes across runs, shows medians with CIs, relative changes and significance,',
    'and warns about what makes the comparison unfair.',
    'Writes compare.md (markdown), compare.txt (plain ASCII), compare.html (one self-contained page),',
    'compare.json (the comparison as data) and compare.png (one chart per case: compare-CASE.png).',
  ],
  completions: [
    'Usage: qemu-cache-bench completions bash|zsh|fish',
    "Prints the shell's completion script for every command and flag (generated from the flag table), e.g.",
    '  qemu-cache-bench completions bash > /etc/bash_completion.d/qemu-cache-bench',
  ],
};
