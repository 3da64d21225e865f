// Every flag of every subcommand, declared once and keyed by the recorded config field it sets. The parser's options,
// each command's --help, the --resume values and the report's "repeat the whole bench" line are generated from it.
// A config field without an entry here, or an entry that names no field, fails the type check.
import { CACHE_MODES } from './cache-modes.ts';
import type { Command } from './commands.ts';
import type { RecordedConfig } from './results.ts';
import { durationFlag, percentFlag, sizeFlag } from './units.ts';

/** string: one value; list: repeated or comma-separated values; boolean: present or not. */
export type FlagKind = 'string' | 'list' | 'boolean';

/** The headings --help groups flags under, in this order. */
export const FLAG_SECTIONS = ['Image', 'Plan', 'Matrix', 'Flushes', 'Output'] as const;

/** A heading of --help. */
export type FlagSection = (typeof FLAG_SECTIONS)[number];

/** One flag: how it parses, what --help says, and whether it is part of a run's configuration. */
export interface FlagSpec {
  /** Long name without the dashes. */
  readonly name: string;
  /** One-letter alias, or none. */
  readonly short?: string;
  readonly kind: FlagKind;
  /** What the value looks like in --help (N, LIST, PATH...); none for a boolean. */
  readonly value?: string;
  readonly section: FlagSection;
  /** The subcommands that take it. */
  readonly commands: readonly Command[];
  /** --help's description, one sentence or a few, wrapped when printed. */
  readonly help: string;
  /** The value used when the flag is absent, parsed like the user's; a rerun leaves out a value equal to it. */
  readonly default?: string;
  /** --help's words for a default that depends on other flags (shown instead of `default`). */
  readonly defaultText?: string;
  /** The default under `sweep`, where it differs from the bench's. */
  readonly sweepDefault?: string;
  /** false: a list of paths, one per flag (repeated for several), never split at a comma a path may hold. */
  readonly split?: false;
  /** false: not part of the measured configuration (where results go, what the terminal shows, actions). */
  readonly rerun?: false;
  /** true: may be given beside --resume (it changes nothing the run measures). */
  readonly withResume?: true;
  /** The value of a flag given without one ("--as-projects" alone means "all"). */
  readonly optional?: string;
}

/** Flag values by long name, as the parser returns them: a name outside the flag table fails the type check. */
export type FlagValues = { [name in FlagName]?: string | boolean | string[] };

/** Flag values as an entry of the table builds them (the table itself defines FlagName). */
type EntryValues = Record<string, string | boolean | string[] | undefined>;

/** The flags that set one recorded config field, and the values that set it again to a recorded value. */
interface FieldFlags {
  readonly flags: readonly FlagSpec[];
  /**
   * Flag values that resolve to `config`'s value of this field again (undefined: leave the flag out); for a `rerun`
   * elsewhere a value that is the working directory's default is left out, for a `resume` nothing is.
   */
  readonly values: (config: RecordedConfig, purpose: 'resume' | 'rerun') => EntryValues;
}

/** A recorded field no flag sets: measured or derived, with the reason. */
interface DerivedField {
  readonly derived: string;
}

const BENCH: readonly Command[] = ['bench', 'sweep'];
const ALL: readonly Command[] = ['bench', 'sweep', 'report', 'compare'];
const listOrNone = <T>(items: readonly T[], keep: (item: T) => boolean, text: (item: T) => string) =>
  items.some(keep) ? items.filter(keep).map(text) : undefined;

/** Each recorded config field with the flags that set it. */
export const CONFIG_FLAGS = {
  image: {
    flags: [
      {
        name: 'image',
        kind: 'string',
        value: 'PATH',
        section: 'Image',
        commands: BENCH,
        help: 'image to convert (any format qemu-img reads)',
        defaultText: 'the built-in image, built once and cached (~/.cache/qemu-cache-bench, or $QCB_CACHE_DIR)',
      },
      {
        name: 'image-format',
        kind: 'string',
        value: 'FMT',
        section: 'Image',
        commands: BENCH,
        help: 'source format (-f)',
        defaultText: 'what qemu-img info detects',
      },
      {
        name: 'image-size',
        kind: 'string',
        value: 'SIZE',
        section: 'Image',
        commands: BENCH,
        help: 'built-in image: virtual size',
        default: '4G',
        sweepDefault: '1G',
      },
      {
        name: 'image-data',
        kind: 'string',
        value: 'SIZE',
        section: 'Image',
        commands: BENCH,
        help: 'built-in image: bytes of data in it',
        default: '1G',
        defaultText: '1G, at most half of --image-size',
        sweepDefault: '256M',
      },
    ],
    values: ({ image }) =>
      image.kind === 'file'
        ? { image: image.path, 'image-format': image.format }
        : { 'image-size': sizeFlag(image.virtualSize), 'image-data': sizeFlag(image.dataSize) },
  },
  modes: {
    flags: [
      {
        name: 'modes',
        kind: 'string',
        value: 'LIST',
        section: 'Plan',
        commands: ['bench'],
        help: `target cache modes (-t), comma-separated: ${CACHE_MODES.join(',')}`,
        default: 'writethrough,writeback,none,unsafe',
      },
    ],
    values: (c) => ({ modes: c.modes.join(',') }),
  },
  runs: {
    flags: [
      {
        name: 'runs',
        kind: 'string',
        value: 'N',
        section: 'Plan',
        commands: BENCH,
        sweepDefault: '3',
        help:
          "exactly N measured runs per mode; without it, rounds go on until every speedup's 99% interval is " +
          'within --precision, between --min-runs and --max-runs, unless the next round would pass --budget',
      },
    ],
    values: (c) => (c.adaptive ? {} : { runs: String(c.runs) }),
  },
  adaptive: {
    flags: [
      {
        name: 'precision',
        kind: 'string',
        value: 'PCT',
        section: 'Plan',
        commands: ['bench'],
        help:
          "half-width of each speedup's 99% interval, share of the ratio (judged at 99% so that the 95% intervals " +
          'reported stay honest when sampling stops early)',
        default: '10%',
      },
      {
        name: 'min-runs',
        kind: 'string',
        value: 'N',
        section: 'Plan',
        commands: ['bench'],
        help: 'fewest runs per mode when sampling to --precision',
        default: '3',
      },
      {
        name: 'max-runs',
        kind: 'string',
        value: 'N',
        section: 'Plan',
        commands: ['bench'],
        help: 'most runs per mode when sampling to --precision',
        default: '10',
        defaultText: '10, or --min-runs when that is more',
      },
      {
        name: 'budget',
        kind: 'string',
        value: 'DURATION',
        section: 'Plan',
        commands: BENCH,
        help:
          'time the bench may take once its image is ready (a first build of the built-in image is not counted), ' +
          'the flush audit included; never fewer than --min-runs',
        default: '170s',
        sweepDefault: '15m',
      },
    ],
    values: ({ adaptive: a }) =>
      a
        ? {
            precision: percentFlag(a.precision),
            'min-runs': String(a.minRuns),
            'max-runs': String(a.maxRuns),
            budget: a.budgetSeconds === null ? undefined : durationFlag(a.budgetSeconds),
          }
        : {},
  },
  warmup: {
    flags: [
      {
        name: 'warmup',
        kind: 'string',
        value: 'N',
        section: 'Plan',
        commands: BENCH,
        help: 'warm-up rounds, kept out of the statistics',
        default: '0',
      },
    ],
    values: (c) => ({ warmup: String(c.warmup) }),
  },
  baseline: {
    flags: [
      {
        name: 'baseline',
        kind: 'string',
        value: 'MODE',
        section: 'Plan',
        commands: ['bench'],
        help: 'speedups are baseline time / mode time, a ratio of geometric means',
        defaultText: 'writethrough when measured; else no speedups',
      },
    ],
    values: (c) => ({ baseline: c.baseline ?? undefined }),
  },
  seed: {
    flags: [
      {
        name: 'seed',
        kind: 'string',
        value: 'N',
        section: 'Plan',
        commands: BENCH,
        help: 'seed of the per-round order shuffle',
        defaultText: 'random, recorded',
      },
    ],
    values: (c) => ({ seed: String(c.seed) }),
  },
  timeoutSeconds: {
    flags: [
      {
        name: 'timeout',
        kind: 'string',
        value: 'DURATION',
        section: 'Plan',
        commands: BENCH,
        help: 'kill a run after this long and record it as timed out (e.g. 10m)',
        defaultText: 'none',
      },
    ],
    values: (c) => ({ timeout: c.timeoutSeconds === null ? undefined : durationFlag(c.timeoutSeconds) }),
  },
  onFailure: {
    flags: [
      {
        name: 'on-failure',
        kind: 'string',
        value: 'continue|stop',
        section: 'Plan',
        commands: BENCH,
        help: 'after a failed run, go on with the plan or stop',
        default: 'continue',
      },
    ],
    values: (c) => ({ 'on-failure': c.onFailure }),
  },
  qemuImgs: {
    flags: [
      {
        name: 'qemu-img',
        kind: 'list',
        value: 'PATH',
        split: false,
        section: 'Matrix',
        commands: BENCH,
        help: 'a qemu-img build; repeat the flag for several (each a case)',
        default: 'qemu-img',
        defaultText: 'qemu-img on PATH',
      },
    ],
    values: (c) => ({ 'qemu-img': c.qemuImgs.map((q) => q.path) }),
  },
  targetDirs: {
    flags: [
      {
        name: 'target-dir',
        kind: 'list',
        value: 'DIR',
        split: false,
        section: 'Matrix',
        commands: BENCH,
        help: 'where qemu-img writes; repeat the flag for several targets (each a case)',
        defaultText: 'a work folder under results/',
      },
    ],
    values: (c, purpose) => ({
      'target-dir': c.targetDirs.length && !(purpose === 'rerun' && c.targetDirDefault) ? c.targetDirs : undefined,
    }),
  },
  targetDirDefault: { derived: 'true when --target-dir names results/ of the working directory, or nothing' },
  targetDevices: {
    flags: [
      {
        name: 'target-device',
        kind: 'list',
        value: 'DEV',
        split: false,
        section: 'Matrix',
        commands: BENCH,
        help:
          'convert onto this block device with -n (raw only); OVERWRITES it, so it needs ' +
          '--i-know-this-overwrites DEV with the same path',
      },
      {
        name: 'i-know-this-overwrites',
        kind: 'list',
        value: 'DEV',
        split: false,
        section: 'Matrix',
        commands: BENCH,
        help: 'confirms that --target-device DEV may be overwritten',
      },
    ],
    values: (c) => {
      const devices = c.targetDevices.length ? c.targetDevices : undefined;
      return { 'target-device': devices, 'i-know-this-overwrites': devices };
    },
  },
  targetLoops: {
    flags: [
      {
        name: 'target-loop',
        kind: 'list',
        value: 'DIR',
        split: false,
        section: 'Matrix',
        commands: BENCH,
        help:
          'convert onto a loop device over a sparse file the harness makes in DIR (block-device behaviour ' +
          'without a spare disk; root; always detached)',
      },
    ],
    values: (c) => ({ 'target-loop': c.targetLoops.length ? c.targetLoops : undefined }),
  },
  outputFormats: {
    flags: [
      {
        name: 'output-format',
        kind: 'list',
        value: 'FMT[,FMT]',
        section: 'Matrix',
        commands: BENCH,
        help: 'raw or qcow2 (-O)',
        default: 'raw',
      },
    ],
    values: (c) => ({ 'output-format': c.outputFormats }),
  },
  srcCaches: {
    flags: [
      {
        name: 'src-cache',
        kind: 'list',
        value: 'MODE[,MODE]',
        section: 'Matrix',
        commands: BENCH,
        help: 'source cache mode (-T)',
        defaultText: "qemu-img's",
      },
    ],
    values: (c) => ({ 'src-cache': listOrNone(c.srcCaches, (m) => m !== null, String) }),
  },
  coroutines: {
    flags: [
      {
        name: 'coroutines',
        kind: 'list',
        value: 'N[,N]',
        section: 'Matrix',
        commands: BENCH,
        help: 'parallel coroutines (-m N, 1-16)',
        defaultText: "qemu-img's 8",
      },
    ],
    values: (c) => ({ coroutines: listOrNone(c.coroutines, (m) => m !== null, String) }),
  },
  outOfOrder: {
    flags: [
      {
        name: 'out-of-order',
        kind: 'boolean',
        section: 'Matrix',
        commands: BENCH,
        help: 'allow out-of-order writes (-W); with --no-out-of-order too, both are cases',
      },
      {
        name: 'no-out-of-order',
        kind: 'boolean',
        section: 'Matrix',
        commands: BENCH,
        help: 'in-order writes (the default); beside --out-of-order, a case of its own',
      },
    ],
    values: ({ outOfOrder }) => ({
      'out-of-order': outOfOrder.includes(true),
      'no-out-of-order': outOfOrder.includes(true) && outOfOrder.includes(false),
    }),
  },
  targetIsZero: {
    flags: [
      {
        name: 'target-is-zero',
        kind: 'boolean',
        section: 'Matrix',
        commands: BENCH,
        help:
          'convert onto a target the harness pre-creates, sparse and the right size (-n --target-is-zero), as ' +
          'vdsm does onto preallocated file volumes and Incus onto fresh block volumes',
      },
    ],
    values: (c) => ({ 'target-is-zero': c.targetIsZero }),
  },
  asProjects: {
    flags: [
      {
        name: 'as-projects',
        kind: 'list',
        value: '[LIST]',
        section: 'Matrix',
        commands: BENCH,
        optional: 'all',
        help:
          "measure the projects' own command lines on each target instead of the modes (nova, cinder, vdsm, cdi, " +
          'proxmox, ironic, incus, cloudstack, glance, libvirt, opennebula; default all that apply); projects whose ' +
          'command is the same here share one case',
      },
    ],
    values: (c) => ({ 'as-projects': c.asProjects ?? undefined }),
  },
  projectStorage: {
    flags: [
      {
        name: 'project-storage',
        kind: 'list',
        value: 'PROJECT=TYPE[,...]',
        section: 'Matrix',
        commands: BENCH,
        help:
          "state what the projects' rules branch on that a run cannot see on its target: proxmox=dir|nfs|cifs|btrfs|" +
          'zfspool|lvm|lvmthin|rbd|iscsi (the storage type), cloudstack=clvm|linstor|powerflex|powerflex-thick (the pool), vdsm=sparse|' +
          'preallocated (a raw file volume); without it each rule says what it assumed',
      },
    ],
    values: (c) => {
      const items = Object.entries(c.projectStorage ?? {}).map(([project, value]) => `${project}=${value}`);
      return { 'project-storage': items.length ? items : undefined };
    },
  },
  rateLimits: {
    flags: [
      {
        name: 'rate-limit',
        kind: 'list',
        value: 'RATE[,RATE]',
        section: 'Matrix',
        commands: BENCH,
        help: "limit the conversion's I/O rate (-r RATE, e.g. 100M per second)",
        defaultText: 'no limit',
      },
    ],
    values: (c) => ({ 'rate-limit': listOrNone(c.rateLimits, (r) => r !== null, String) }),
  },
  memoryLimitBytes: {
    flags: [
      {
        name: 'memory-limit',
        kind: 'string',
        value: 'SIZE',
        section: 'Matrix',
        commands: BENCH,
        help:
          'run each conversion in a memory cgroup with this limit (e.g. 600M, as a KubeVirt CDI importer pod); ' +
          'records peak memory, peak dirty + writeback and OOM kills (root)',
      },
    ],
    values: (c) => ({ 'memory-limit': c.memoryLimitBytes === null ? undefined : sizeFlag(c.memoryLimitBytes) }),
  },
  emulateFlushLatencyMs: {
    flags: [
      {
        name: 'emulate-flush-latency',
        kind: 'string',
        value: 'DURATION|PRESET',
        section: 'Flushes',
        commands: ['bench'],
        help:
          'delay every fsync/fdatasync qemu-img makes (e.g. 2ms, or a preset: plp-nvme 0.05 ms, consumer-nvme ' +
          '1.5 ms, cloud-block 2 ms, nova-2019 7.7 ms, hdd 15 ms); every output is labelled EMULATED FLUSH LATENCY',
      },
    ],
    values: (c) => ({
      'emulate-flush-latency':
        c.emulatePreset ?? (c.emulateFlushLatencyMs === null ? undefined : `${c.emulateFlushLatencyMs}ms`),
    }),
  },
  emulatePreset: { derived: 'set by --emulate-flush-latency when it names a preset' },
  flushAudit: {
    flags: [
      {
        name: 'flush-audit',
        kind: 'boolean',
        section: 'Flushes',
        commands: BENCH,
        help:
          "count each mode's flushes once more under strace (untimed, cached per qemu-img build and image) as a " +
          'cross-check of the flush meter; without it the audit runs only where the meter cannot count (a qemu-img ' +
          'that drops LD_PRELOAD, --no-flush-meter)',
      },
    ],
    values: (c) => ({ 'flush-audit': c.flushAudit || undefined }),
  },
  flushMeter: {
    flags: [
      {
        name: 'no-flush-meter',
        kind: 'boolean',
        section: 'Flushes',
        commands: BENCH,
        help:
          'do not load the flush meter (LD_PRELOAD) into the timed runs; by default it records per run the flushes, ' +
          'the time inside them and the bytes left unflushed at exit',
      },
    ],
    values: (c) => ({ 'no-flush-meter': !c.flushMeter }),
  },
  flushProbe: {
    flags: [
      {
        name: 'no-flush-probe',
        kind: 'boolean',
        section: 'Flushes',
        commands: BENCH,
        help: 'skip the fdatasync latency probe of the target dir',
      },
    ],
    values: (c) => ({ 'no-flush-probe': !c.flushProbe }),
  },
  dropCaches: {
    flags: [
      {
        name: 'no-drop-caches',
        kind: 'boolean',
        section: 'Flushes',
        commands: BENCH,
        help: 'do not drop/evict the page cache before each run (recorded)',
      },
    ],
    values: (c) => ({ 'no-drop-caches': !c.dropCaches }),
  },
  spaceCheck: {
    flags: [
      {
        name: 'skip-space-check',
        kind: 'boolean',
        section: 'Plan',
        commands: BENCH,
        help:
          "do not refuse to start when a target's free space is less than the output can need (qemu-img measure " +
          'of the image: its data and metadata, not its virtual size)',
      },
    ],
    values: (c) => ({ 'skip-space-check': !c.spaceCheck }),
  },
  durabilityCheck: {
    flags: [
      {
        name: 'durability-check',
        kind: 'boolean',
        section: 'Flushes',
        commands: BENCH,
        help:
          'after the timed runs, convert once per mode onto a FUSE file system that loses every unflushed byte when ' +
          'the power is cut, cut it when qemu-img returns (and once mid-way), and compare the output with the source ' +
          '(untimed; needs /dev/fuse and root)',
      },
    ],
    values: (c) => ({ 'durability-check': c.durabilityCheck }),
  },
  verify: {
    flags: [
      {
        name: 'verify',
        kind: 'boolean',
        section: 'Flushes',
        commands: BENCH,
        help: 'check the first output of each mode equals the source (qemu-img compare, untimed)',
      },
    ],
    values: (c) => ({ verify: c.verify }),
  },
  outDir: {
    flags: [
      {
        name: 'out',
        kind: 'string',
        value: 'DIR',
        section: 'Output',
        commands: ALL,
        help: 'results folder; must be new or empty',
        defaultText: 'results/<UTC stamp>-<hostname>',
        rerun: false,
      },
    ],
    values: (c) => ({ out: c.outDir }),
  },
  json: {
    flags: [
      {
        name: 'json',
        kind: 'boolean',
        section: 'Output',
        commands: ['bench'],
        help:
          'print results.json on stdout and nothing else there (use npm run --silent bench -- --json, so npm ' +
          'prints no banner)',
        rerun: false,
        withResume: true,
      },
    ],
    values: (c) => ({ json: c.json }),
  },
  quiet: {
    flags: [
      {
        name: 'quiet',
        short: 'q',
        kind: 'boolean',
        section: 'Output',
        commands: ALL,
        help: 'no progress or table',
        rerun: false,
        withResume: true,
      },
    ],
    values: (c) => ({ quiet: c.quiet }),
  },
  cpuTimeResolutionSeconds: { derived: "measured: the kernel's clock tick" },
} as const satisfies { [K in keyof RecordedConfig]-?: FieldFlags | DerivedField };

/** Flags that set no recorded field: actions, and the sweep's own axis. */
export const OTHER_FLAGS = [
  {
    name: 'latencies',
    kind: 'string',
    value: 'LIST',
    section: 'Plan',
    commands: ['sweep'],
    help: 'emulated flush latencies to sweep, in ms (0 = native, always run first)',
    default: '0,0.5,1,2,5,10',
  },
  {
    name: 'resume',
    kind: 'string',
    value: 'DIR',
    section: 'Output',
    commands: ['bench'],
    help: 'continue an interrupted run in DIR to its planned count, with its recorded options',
    rerun: false,
  },
  {
    name: 'help',
    short: 'h',
    kind: 'boolean',
    section: 'Output',
    commands: [...ALL, 'completions'],
    help: 'this text',
    rerun: false,
    withResume: true,
  },
] as const satisfies readonly FlagSpec[];

type ConfigFlagName = {
  [K in keyof typeof CONFIG_FLAGS]: (typeof CONFIG_FLAGS)[K] extends { flags: readonly (infer F)[] }
    ? F extends { name: infer N }
      ? N
      : never
    : never;
}[keyof typeof CONFIG_FLAGS];

/** The long name of a declared flag. */
export type FlagName = ConfigFlagName | (typeof OTHER_FLAGS)[number]['name'];

/** Every flag, in declaration order. */
export const FLAGS: readonly FlagSpec[] = [
  ...Object.values(CONFIG_FLAGS).flatMap((field): readonly FlagSpec[] => ('flags' in field ? field.flags : [])),
  ...OTHER_FLAGS,
];

/** The declaration of `name`. */
export function flagSpec(name: FlagName): FlagSpec {
  const spec = FLAGS.find((f) => f.name === name);
  if (!spec) throw new Error(`no flag --${name} is declared`);
  return spec;
}

/** The flags `command` takes. */
export function commandFlags(command: Command): FlagSpec[] {
  return FLAGS.filter((f) => f.commands.includes(command));
}

/** The flag values that resolve to `config` again: every field's values merged (for --resume and reruns). */
export function configFlagValues(config: RecordedConfig, purpose: 'resume' | 'rerun' = 'resume'): FlagValues {
  const values: FlagValues = {};
  for (const field of Object.values(CONFIG_FLAGS)) {
    if ('values' in field) Object.assign(values, field.values(config, purpose));
  }
  if (config.asProjects) for (const name of AS_PROJECTS_REPLACES) delete values[name];
  return values;
}

/** The flags --as-projects replaces: the projects' command lines set the cache modes and options themselves. */
export const AS_PROJECTS_REPLACES: readonly FlagName[] = [
  'modes',
  'baseline',
  'src-cache',
  'coroutines',
  'out-of-order',
  'no-out-of-order',
  'rate-limit',
  'target-is-zero',
];

/** The default of `spec` under `command`. */
export function flagDefault(spec: FlagSpec, command: Command = 'bench'): string | undefined {
  return command === 'sweep' && spec.sweepDefault !== undefined ? spec.sweepDefault : spec.default;
}

/**
 * The bench arguments that repeat `config`: configuration flags only (not where results go), each left out when it
 * equals its default; a list flag repeated once per value, so no value is split at a comma.
 */
export function rerunArguments(config: RecordedConfig): string[] {
  const values = configFlagValues(config, 'rerun');
  const args: string[] = [];
  for (const spec of FLAGS) {
    const value = values[spec.name as FlagName];
    if (spec.rerun === false || value === undefined || value === false) continue;
    if (value === true) args.push(`--${spec.name}`);
    else if (Array.isArray(value)) {
      if (value.join(',') !== spec.default) for (const item of value) args.push(`--${spec.name}`, item);
    } else if (value !== spec.default) args.push(`--${spec.name}`, value);
  }
  return args;
}
