// Flag and subcommand declarations (bench, sweep, report, compare) and the help text.
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { UserError } from '../model/errors.ts';
import { COMMANDS, type Command, type Invocation } from '../model/invocation.ts';

type Options = NonNullable<ParseArgsConfig['options']>;

const COMMON: Options = {
  help: { type: 'boolean', short: 'h' },
  quiet: { type: 'boolean', short: 'q' },
  out: { type: 'string' },
};

const BENCH: Options = {
  ...COMMON,
  image: { type: 'string' },
  'image-format': { type: 'string' },
  'image-size': { type: 'string' },
  'image-data': { type: 'string' },
  modes: { type: 'string' },
  runs: { type: 'string' },
  precision: { type: 'string' },
  'min-runs': { type: 'string' },
  'max-runs': { type: 'string' },
  budget: { type: 'string' },
  warmup: { type: 'string' },
  'target-dir': { type: 'string', multiple: true },
  'target-device': { type: 'string', multiple: true },
  'i-know-this-overwrites': { type: 'string', multiple: true },
  'target-loop': { type: 'string', multiple: true },
  'memory-limit': { type: 'string' },
  'output-format': { type: 'string', multiple: true },
  'src-cache': { type: 'string', multiple: true },
  coroutines: { type: 'string', multiple: true },
  'out-of-order': { type: 'boolean' },
  'no-out-of-order': { type: 'boolean' },
  'target-is-zero': { type: 'boolean' },
  'rate-limit': { type: 'string', multiple: true },
  baseline: { type: 'string' },
  'qemu-img': { type: 'string', multiple: true },
  seed: { type: 'string' },
  json: { type: 'boolean' },
  timeout: { type: 'string' },
  'emulate-flush-latency': { type: 'string' },
  'no-flush-audit': { type: 'boolean' },
  'no-flush-probe': { type: 'boolean' },
  'no-drop-caches': { type: 'boolean' },
  'on-failure': { type: 'string' },
  verify: { type: 'boolean' },
  resume: { type: 'string' },
};

const SWEEP: Options = {
  ...BENCH,
  latencies: { type: 'string' },
};

/** Options each subcommand accepts. */
export const COMMAND_OPTIONS: Record<Command, Options> = {
  bench: BENCH,
  sweep: SWEEP,
  report: COMMON,
  compare: COMMON,
};

/** Parses argv (without node and script); unknown flags and commands are a UserError. */
export function parseCommandLine(argv: readonly string[]): Invocation {
  const first = argv[0];
  const command: Command = first && !first.startsWith('-') ? (first as Command) : 'bench';
  if (!COMMANDS.includes(command))
    throw new UserError(`unknown command '${first}'; use one of ${COMMANDS.join(', ')} (see --help)`);
  const rest = joinNegativeValues(first === command ? argv.slice(1) : argv, COMMAND_OPTIONS[command]);
  try {
    const { values, positionals } = parseArgs({
      args: rest,
      options: COMMAND_OPTIONS[command],
      allowPositionals: true,
      strict: true,
    });
    if ((command === 'bench' || command === 'sweep') && positionals.length > 0) {
      throw new UserError(
        `unexpected argument '${positionals[0]}'; ${command} takes only options (did you mean --image ` +
          `${positionals[0]}?)`,
      );
    }
    return { command, values: values as Invocation['values'], positionals };
  } catch (error) {
    if (error instanceof UserError) throw error;
    throw new UserError(`${argumentProblem(error as Error)}; see 'qemu-cache-bench ${command} --help'`);
  }
}

/** node:util's parse error in one short clause (its unknown-option text is a paragraph about positionals). */
function argumentProblem(error: Error & { code?: string }): string {
  const unknown = /Unknown option '([^']+)'/.exec(error.message);
  if (error.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && unknown) return `unknown option '${unknown[1]}'`;
  return error.message.split('\n')[0]?.replace(/\.$/, '') ?? 'bad arguments';
}

/** Turns `--runs -2` into `--runs=-2` so a negative number reaches its validator instead of looking like an option. */
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

/** Help text of each subcommand. */
export const HELP: Record<Command, string> = {
  bench: `Usage: qemu-cache-bench bench [options]   (from a checkout: npm run bench -- [options])
Converts one image with qemu-img convert under each target cache mode, several times, and reports the times.

Image
  --image PATH              image to convert (any format qemu-img reads); default: the built-in image,
                            built once and cached (~/.cache/qemu-cache-bench, or $QCB_CACHE_DIR)
  --image-format FMT        source format (-f); default: what qemu-img info detects
  --image-size SIZE         built-in image: virtual size (default 4G)
  --image-data SIZE         built-in image: bytes of data in it (default 1G)
Plan
  --modes LIST              target cache modes (-t): writethrough,writeback,none,unsafe,directsync
                            (default writethrough,writeback,none,unsafe)
  --runs N                  exactly N measured runs per mode; without it, rounds go on until every
                            speedup's 95% interval is within --precision, between --min-runs and --max-runs,
                            unless the next round would pass --budget
  --precision PCT           half-width of each speedup's 95% interval, share of the ratio (default 10%)
  --min-runs N, --max-runs N  bounds of the run count (default 3 and 10)
  --budget DURATION         time the whole bench may take, image and audit included; never fewer than
                            --min-runs (default 170s)
  --warmup N                warm-up rounds, kept out of the statistics (default 0)
  --baseline MODE           speedups are baseline time / mode time, a ratio of geometric means
                            (default writethrough when measured; without it and no --baseline, no speedups)
  --seed N                  seed of the per-round order shuffle (default: random, recorded)
  --timeout DURATION        kill a run after this long and record it as timed out (e.g. 10m)
  --on-failure continue|stop  after a failed run, go on with the plan (default) or stop
Matrix (lists are comma-separated or repeated; the run covers every combination)
  --qemu-img PATH[,PATH]    qemu-img build(s) (default qemu-img on PATH)
  --target-dir DIR[,DIR]    where qemu-img writes (default a work folder under results/)
  --target-device DEV       convert onto this block device with -n, as Cinder and vdsm do (raw only);
                            OVERWRITES it, so it needs --i-know-this-overwrites DEV with the same path
  --target-loop DIR[,DIR]   convert onto a loop device over a sparse file the harness makes in DIR
                            (block-device behaviour without a spare disk; root; always detached)
  --output-format FMT[,FMT] raw or qcow2 (-O, default raw)
  --src-cache MODE[,MODE]   source cache mode (-T, default qemu-img's)
  --coroutines N[,N]        parallel coroutines (-m N, 1-16; default qemu-img's 8)
  --out-of-order            allow out-of-order writes (-W); with --no-out-of-order too, both are cases
  --target-is-zero          convert onto a target the harness pre-creates, sparse and the right size
                            (-n --target-is-zero), as vdsm does onto existing volumes
  --rate-limit RATE[,RATE]  limit the conversion's I/O rate (-r RATE, e.g. 100M per second)
  --memory-limit SIZE       run each conversion in a memory cgroup with this limit (e.g. 600M, as a KubeVirt
                            CDI importer pod); records peak memory, peak dirty + writeback and OOM kills (root)
Flushes
  --emulate-flush-latency DURATION|PRESET  delay every fsync/fdatasync qemu-img makes (e.g. 2ms, or a preset:
                            plp-nvme 0.05 ms, consumer-nvme 1.5 ms, cloud-block 2 ms, nova-2019 7.7 ms, hdd 15 ms);
                            every output is labelled EMULATED FLUSH LATENCY
  --no-flush-audit          skip the untimed strace run per mode that counts flushes
  --no-flush-probe          skip the fdatasync latency probe of the target dir
  --no-drop-caches          do not drop/evict the page cache before each run (recorded)
  --verify                  check the first output of each mode equals the source (qemu-img compare, untimed)
Output
  --out DIR                 results folder (default results/<UTC stamp>-<hostname>); must be new or empty
  --resume DIR              continue an interrupted run in DIR to its planned count
  --json                    print results.json on stdout and nothing else there
                            (use npm run --silent bench -- --json, so npm prints no banner)
  --quiet, -q               no progress or table
  --help, -h                this text
`,
  sweep: `Usage: qemu-cache-bench sweep [bench options] [--latencies 0,0.5,1,2,5,10] [--budget 15m]
Runs writeback vs writethrough at several emulated flush latencies (LD_PRELOAD interposer) and charts
the speedup against the latency. A native 0 ms point always runs first: every other point's prediction is
made from it. Uses a smaller built-in image (1G virtual, 256M data) unless --image or
--image-size/--image-data say otherwise; --runs per point (default 3); --budget is the whole sweep's time,
and points that would not fit it are skipped with a note.
`,
  report: `Usage: qemu-cache-bench report results/<run>/results.json [--out DIR]
Re-renders report.md, report.txt, report.html and the charts from a saved results.json (default: beside it).
`,
  compare: `Usage: qemu-cache-bench compare A/results.json B/results.json [...] [--out DIR]
Aligns the same cases and modes across runs, shows medians with CIs, relative changes and significance,
and warns about what makes the comparison unfair. Writes compare.md, compare.txt and compare.png.
`,
};
