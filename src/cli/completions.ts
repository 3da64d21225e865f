// Shell completions (bash, zsh, fish) and the man page, generated from the flag table and the commands' usage lines,
// as hyperfine generates its own from its flag definitions (pure: text in, text out).
import { ENDINGS, UsageError } from '../model/errors.ts';
import { commandFlags, FLAG_SECTIONS, type FlagSpec, flagDefault } from '../model/flags.ts';
import { COMMANDS, type Command } from '../model/invocation.ts';
import { usageLines } from './args.ts';

export const SHELLS = ['bash', 'zsh', 'fish'] as const;
export type Shell = (typeof SHELLS)[number];

const PROGRAM = 'qemu-cache-bench';

/** The shell named on the command line, or a UsageError naming the ones there are. */
export function parseShell(name: string | undefined): Shell {
  if (name && (SHELLS as readonly string[]).includes(name)) return name as Shell;
  const given = name === undefined ? 'no shell given' : `no completions for '${name}'`;
  throw new UsageError(`${given}; use one of ${SHELLS.join(', ')}: qemu-cache-bench completions bash`);
}

/** A flag's names as typed: --name, and -x when it has a short one. */
function names(f: FlagSpec): string[] {
  return [`--${f.name}`, ...(f.short ? [`-${f.short}`] : [])];
}

/** `text` up to the first match of `end`, without characters the shells' description syntax treats specially. */
function menuText(text: string, end: RegExp): string {
  return (text.split(end)[0] ?? text).replace(/[[\]:'"`$\\]/g, '');
}

/** The first sentence or clause of a flag's help, for a completion menu. */
function summary(f: FlagSpec): string {
  return menuText(f.help, /[;.](\s|$)/).slice(0, 80);
}

/** The completion script for `shell`: every command, and each command's flags. */
export function completionScript(shell: Shell): string {
  if (shell === 'bash') return bashScript();
  if (shell === 'zsh') return zshScript();
  return fishScript();
}

function bashScript(): string {
  const cases = COMMANDS.map((c) => `    ${c}) opts="${commandFlags(c).flatMap(names).join(' ')}" ;;`);
  return [
    `# bash completion for ${PROGRAM} (generated from its flag table: ${PROGRAM} completions bash)`,
    '_qemu_cache_bench() {',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a bash parameter expansion, not a template
    '  local cur=${COMP_WORDS[COMP_CWORD]} cmd=bench i opts',
    '  for ((i = 1; i < COMP_CWORD; i++)); do',
    `    case \${COMP_WORDS[i]} in ${COMMANDS.join('|')}) cmd=\${COMP_WORDS[i]}; break ;; esac`,
    '  done',
    '  if [[ $COMP_CWORD -eq 1 && $cur != -* ]]; then',
    `    COMPREPLY=($(compgen -W "${COMMANDS.join(' ')}" -- "$cur"))`,
    '    return',
    '  fi',
    '  case $cmd in',
    ...cases,
    '  esac',
    '  if [[ $cur == -* ]]; then COMPREPLY=($(compgen -W "$opts" -- "$cur")); else COMPREPLY=($(compgen -f -- "$cur")); fi',
    '}',
    `complete -o filenames -F _qemu_cache_bench ${PROGRAM}`,
    '',
  ].join('\n');
}

function zshScript(): string {
  const spec = (f: FlagSpec) => {
    const value =
      f.kind === 'boolean' ? '' : `:${(f.value ?? 'value').toLowerCase()}:${f.value === 'PATH' ? '_files' : ''}`;
    return names(f).map((n) => `'${n}[${summary(f)}]${value}'`);
  };
  const cases = COMMANDS.map(
    (c) => `    ${c}) _arguments -s ${commandFlags(c).flatMap(spec).join(' \\\n      ')} '*:file:_files' ;;`,
  );
  return [
    `#compdef ${PROGRAM}`,
    `# zsh completion for ${PROGRAM} (generated from its flag table: ${PROGRAM} completions zsh)`,
    '_qemu_cache_bench() {',
    `  local -a commands; commands=(${COMMANDS.join(' ')})`,
    "  if (( CURRENT == 2 )) && [[ $words[2] != -* ]]; then _describe 'command' commands; return; fi",
    '  local cmd=bench',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a zsh subscript expansion, not a template
    '  (( ${commands[(Ie)$words[2]]} )) && cmd=$words[2]',
    '  case $cmd in',
    ...cases,
    '  esac',
    '}',
    '_qemu_cache_bench "$@"',
    '',
  ].join('\n');
}

/** A command's first sentence of description, for a completion menu. */
function about(c: Command): string {
  return menuText(usageLines(c).slice(1).join(' '), /\.(\s|$)/);
}

function fishScript(): string {
  const others = (c: Command) => COMMANDS.filter((x) => x !== c).join(' ');
  const when = (c: Command) =>
    c === 'bench' ? `not __fish_seen_subcommand_from ${others('bench')}` : `__fish_seen_subcommand_from ${c}`;
  const flagLine = (c: Command, f: FlagSpec) =>
    `complete -c ${PROGRAM} -n '${when(c)}' -l ${f.name}${f.short ? ` -s ${f.short}` : ''}` +
    `${f.kind === 'boolean' ? '' : ' -r'} -d '${summary(f)}'`;
  return [
    `# fish completion for ${PROGRAM} (generated from its flag table: ${PROGRAM} completions fish)`,
    ...COMMANDS.map((c) => `complete -c ${PROGRAM} -f -n __fish_use_subcommand -a ${c} -d '${about(c)}'`),
    ...COMMANDS.flatMap((c) => commandFlags(c).map((f) => flagLine(c, f))),
    '',
  ].join('\n');
}

/** Text for roff: backslashes, hyphens and a leading dot or quote escaped. */
function roff(text: string): string {
  return text
    .replace(/\\/g, '\\e')
    .replace(/-/g, '\\-')
    .replace(/^([.'])/gm, '\\&$1');
}

/** The man page (section 1), from the usage lines, the flag table and the exit codes. */
export function manPage(version: string): string {
  const lines = [
    `.TH QEMU\\-CACHE\\-BENCH 1 "" "${PROGRAM} ${version}" "User Commands"`,
    '.SH NAME',
    `${PROGRAM} \\- how the target cache mode of qemu\\-img convert changes the time to convert a disk image`,
    '.SH SYNOPSIS',
    `.B ${PROGRAM}`,
    `[${COMMANDS.join('|')}] [\\fIoptions\\fR] [\\fIfiles\\fR]`,
    '.SH DESCRIPTION',
    roff(
      'Converts the same image with qemu-img convert under each target cache mode (-t), several interleaved runs, ' +
        'and writes tables, charts and a report with the ratio of the modes, its interval, where it was measured ' +
        'and what could not be measured. Without a command, bench runs.',
    ),
    '.SH COMMANDS',
    ...COMMANDS.flatMap((c) => commandSection(c)),
    '.SH EXIT STATUS',
    ...Object.values(ENDINGS).flatMap((e) => ['.TP', `.B ${e.code}`, roff(e.meaning)]),
    '.SH ENVIRONMENT',
    '.TP',
    '.B QCB_CACHE_DIR',
    roff('Where the built-in image, flush audits and helpers are cached (default ~/.cache/qemu-cache-bench).'),
    '.SH SEE ALSO',
    '.BR qemu\\-img (1),',
    '.BR hyperfine (1),',
    '.BR fio (1)',
    '',
  ];
  return lines.join('\n');
}

function commandSection(c: Command): string[] {
  const [usage, ...about] = usageLines(c);
  const flags = commandFlags(c);
  return [
    `.SS ${c}`,
    roff((usage ?? '').replace(/^Usage: /, '')),
    '.PP',
    ...about.map((l) => roff(l.trim())),
    ...FLAG_SECTIONS.flatMap((section) => {
      const inSection = flags.filter((f) => f.section === section);
      return inSection.flatMap((f) => {
        const value = f.value ? ` \\fI${roff(f.value)}\\fR` : '';
        const short = f.short ? `, \\fB\\-${f.short}\\fR` : '';
        const fallback = f.defaultText ?? flagDefault(f, c);
        return [
          '.TP',
          `\\fB\\-\\-${roff(f.name)}\\fR${value}${short}`,
          roff(f.help + (fallback ? ` (default: ${fallback})` : '')),
        ];
      });
    }),
  ];
}
