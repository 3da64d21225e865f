// The versioned results file: its zod schema (every part typed), the types inferred from it, and the parser every
// reader goes through (files of older schemas are brought to this shape first; see legacy-results.ts).
import { z } from 'zod';
import { UsageError } from './errors.ts';
import { FAILURE_KINDS } from './failure.ts';
import {
  AuditFailureSchema,
  CaseDifferenceSchema,
  NotMeasuredSchema,
  OptionSetChoiceSchema,
  ProjectRunSchema,
  RatioSchema,
  RecommendationSchema,
  RunWarningSchema,
  SamplingSchema,
  VerdictSchema,
} from './findings.ts';
import { fromLegacyShape } from './legacy-results.ts';
import { PROJECT_IDS, STATED_STORAGE } from './project-rules.ts';

export type { Ratio, Sampling } from './findings.ts';

/** What --project-storage stated: per project one of its values (STATED_STORAGE). */
export const StatedStorageSchema = z.object({
  proxmox: z.enum(STATED_STORAGE.proxmox).optional(),
  cloudstack: z.enum(STATED_STORAGE.cloudstack).optional(),
  vdsm: z.enum(STATED_STORAGE.vdsm).optional(),
});

/** Version of results.json written by this build; parsers refuse newer ones. */
export const SCHEMA_VERSION = 3 as const;

const num = z.number();
const nullableNum = z.number().nullable();
const seconds = z.number().nonnegative();

/** Descriptive statistics of one metric over the measured runs of one mode (seconds unless named). */
export const StatSchema = z.object({
  n: z.number().int(),
  mean: num,
  median: num,
  sd: num,
  min: num,
  max: num,
  ciLow: num,
  ciHigh: num,
});

/** The discard wait before a run ends after this long with no discard completed (the quiet window), ms. */
export const DISCARD_QUIET_MS = 50;
/** ... or gives up after this long, seconds (the run's `discardWait.settled` is then false). */
export const DISCARD_WAIT_LIMIT_SECONDS = 30;

/** One measured (or failed) conversion. */
export const SampleSchema = z.object({
  caseId: z.string(),
  mode: z.string(),
  run: z.number().int(),
  round: z.number().int(),
  warmup: z.boolean(),
  /** ok: measured; failed: qemu-img or the kernel ended it; timed-out: --timeout; interrupted: a signal. */
  state: z.enum(['ok', 'failed', 'timed-out', 'interrupted']),
  /** What kind of failure a run that did not succeed was (null for a successful run). */
  failure: z.enum(FAILURE_KINDS).nullable().default(null),
  /** Seconds: finite and not negative (a time that is not is refused where samples enter, naming the run). */
  real: seconds,
  user: seconds,
  sys: seconds,
  sync: seconds,
  durable: seconds,
  exitCode: nullableNum,
  error: z.string().nullable(),
  stderrTail: z.string().nullable().default(null),
  outputBytes: nullableNum,
  dirtyAfterKiB: nullableNum,
  cacheDrop: z.string(),
  /**
   * The wait before this run for the discards that followed the last removal on a target whose file system discards
   * after the commit (mounted with discard): seconds, and whether a quiet 50 ms came within 30 s; null: no wait needed.
   */
  discardWait: z.object({ seconds, settled: z.boolean() }).nullable().default(null),
  startedAt: z.string(),
  verified: z.boolean().nullable().default(null),
  /** What the flush meter saw in this run (LD_PRELOAD in qemu-img), or null when it was not loaded or wrote nothing. */
  flushes: z
    .object({
      /** fsync + fdatasync calls. */
      calls: z.number().int(),
      /** Seconds inside them, summed over threads. */
      waitSeconds: num,
      /** Seconds with at least one flush in flight. */
      inFlightSeconds: num,
      /** Median and 99th percentile of a flush's latency, ms. */
      medianMs: num,
      p99Ms: num,
      /** Write calls and bytes to regular files and block devices. */
      writeCalls: z.number().int(),
      writeBytes: num,
      /** Bytes written that no completed flush covered when qemu-img exited. */
      unflushedBytes: num,
    })
    .nullable()
    .default(null),
  /** The qemu-img argv of this run (after the program), or null in older files. */
  argv: z.array(z.string()).nullable().default(null),
  /** The run's memory cgroup (--memory-limit), or null when the run had no limit. */
  memory: z
    .object({
      /** The limit the cgroup had, bytes. */
      limitBytes: num,
      /** Peak memory charged to the cgroup (process + its page cache), bytes, or null when unreadable. */
      peakBytes: nullableNum,
      /** Peak of the cgroup's dirty + writeback page cache, sampled every 50 ms during the run, bytes. */
      peakDirtyBytes: nullableNum,
      /** True when the kernel's OOM killer killed qemu-img in this cgroup. */
      oomKilled: z.boolean(),
      /** Which cgroup interface held the run: v2 (memory.max) or v1 (memory.limit_in_bytes). */
      cgroup: z.enum(['v1', 'v2']),
    })
    .nullable()
    .default(null),
});

/** Per-mode summary inside one case. */
export const ModeSummarySchema = z.object({
  mode: z.string(),
  /**
   * measured; unsupported (qemu-img refused the mode in every run: O_DIRECT refused at open, an unknown option);
   * failed (no run succeeded, and not every failure was a refusal: out of space, OOM, timed out, killed, an error);
   * not-run.
   */
  state: z.enum(['measured', 'unsupported', 'failed', 'not-run']),
  runs: z.number().int(),
  failed: z.number().int(),
  error: z.string().nullable(),
  real: StatSchema.nullable(),
  user: StatSchema.nullable(),
  sys: StatSchema.nullable(),
  sync: StatSchema.nullable(),
  durable: StatSchema.nullable(),
  wait: StatSchema.nullable(),
  dirtyAfterKiB: StatSchema.nullable(),
  /** MB/s (10^6 bytes) of data converted: the output's allocated bytes / real, the unit Cinder logs. */
  throughput: StatSchema.nullable().default(null),
  /** MB/s of data made durable: the output's allocated bytes / time to durable. */
  durableThroughput: StatSchema.nullable().default(null),
  speedup: RatioSchema.nullable(),
  durableSpeedup: RatioSchema.nullable(),
  outliers: z.array(z.number().int()),
  warnings: z.array(RunWarningSchema),
});

const nullableStr = z.string().nullable();

/** Where a path lives, as the kernel reports it. */
/** An NFS mount's facts (client side from mountinfo; export options from the server's etab when it is this host). */
export const NfsFactsSchema = z.object({
  /** Server as mounted, e.g. 127.0.0.1. */
  server: z.string(),
  /** Exported path on the server. */
  export: z.string(),
  /** Protocol version from the mount options (vers=), e.g. "3" or "4.2". */
  version: nullableStr,
  /** The export's options as the server reports them (e.g. rw,sync,...), or null when the server is elsewhere. */
  exportOptions: nullableStr,
  /** "sync" or "async" from the export's options, or null when unknown. */
  exportSync: z.enum(['sync', 'async']).nullable(),
});

/** A device-mapper device's facts (sysfs). */
export const DmFactsSchema = z.object({
  /** Kernel name, e.g. dm-5. */
  device: z.string(),
  /** Mapper name, e.g. vg0-thin. */
  name: z.string(),
  /** The LVM logical volume it is, or null for a device-mapper device LVM did not make. */
  lvm: z
    .object({
      vg: z.string(),
      lv: z.string(),
      /** The thin pool it is provisioned from, or null for a thick LV. */
      thinPool: nullableStr,
    })
    .nullable(),
});

/** An iSCSI disk's facts (sysfs of its session). */
export const IscsiFactsSchema = z.object({
  /** Target name (IQN). */
  target: nullableStr,
  /** Portal address:port of the connection. */
  portal: nullableStr,
});

export const StorageFactsSchema = z.object({
  /** The path asked about. */
  path: z.string(),
  /** Mount point holding it. */
  mountPoint: nullableStr,
  /** File system type (ext4, xfs, tmpfs, ...). */
  fsType: nullableStr,
  /** Mount options (per-mount and super-block). */
  mountOptions: nullableStr,
  /** Mount source, e.g. /dev/vda1. */
  source: nullableStr,
  /** Whole block device name, e.g. vda, or null when not a block device. */
  blockDevice: nullableStr,
  /** True for spinning disks, false for SSD/virtual, null when unknown. */
  rotational: z.boolean().nullable(),
  /** Active I/O scheduler, or null. */
  scheduler: nullableStr,
  /** Device model from sysfs, or null. */
  model: nullableStr,
  /** How the disk is attached: virtio, nvme, ata, scsi, iscsi, loop, dm, ... (sysfs), or null when unknown. */
  transport: nullableStr.default(null),
  /** The disk's write cache as the kernel reports it ("write back" or "write through"), or null. */
  writeCache: nullableStr.default(null),
  /** An NFS mount: server, export, protocol version and, when the server is this host, the export's options. */
  nfs: NfsFactsSchema.nullable().default(null),
  /** A device-mapper device: its name and, for an LVM logical volume, the volume group, LV and thin pool. */
  dm: DmFactsSchema.nullable().default(null),
  /** An iSCSI disk: the target's IQN and the portal it was logged into. */
  iscsi: IscsiFactsSchema.nullable().default(null),
});

/** Facts about the machine the bench ran on. */
export const HostFactsSchema = z.object({
  hostname: z.string(),
  os: z.string(),
  kernel: z.string(),
  cpuModel: z.string(),
  cpuCount: z.number().int(),
  memoryBytes: num,
  /** Distribution name from /etc/os-release, or null. */
  distro: nullableStr,
  /** True when running as root (needed to drop the page cache). */
  root: z.boolean(),
  /** Node.js version running the harness. */
  node: z.string(),
  /** True when this looks like a virtual machine (hypervisor CPU flag). */
  virtualMachine: z.boolean().nullable(),
});

/** Parameters of the built-in image (also its cache key). */
export const BuiltinImageParamsSchema = z.object({
  virtualSize: num,
  dataSize: num,
  clusterSize: num,
  seed: num,
});

/** Facts about the source image. */
export const ImageFactsSchema = z.object({
  /** Absolute path. */
  path: z.string(),
  /** 'default' for the built-in image, 'file' for --image. */
  origin: z.enum(['default', 'file']),
  /** qemu-img format name. */
  format: z.string(),
  /** Virtual size, bytes. */
  virtualSize: num,
  /** Bytes allocated on the host. */
  actualSize: num,
  /** File size, bytes. */
  fileSize: num,
  /** qcow2 cluster size or null. */
  clusterSize: nullableNum,
  /** qcow2 compression type, or null. */
  compressionType: nullableStr,
  /** Share of clusters stored compressed, from qemu-img check (e.g. "67.73%"), or null. */
  compressedClusters: nullableStr,
  /** sha256 of the file. */
  sha256: z.string(),
  /** Built-in image parameters, or null. */
  params: BuiltinImageParamsSchema.nullable(),
  /** Seconds it took to build the built-in image in this run (0 when cached). */
  buildSeconds: num,
  /**
   * Identity of the guest-visible data, the same on every host whatever qemu-img or zlib compressed the file: the
   * built-in generator's hash of what it writes, or the sha256 of the first raw output of a --image run; null when
   * not taken. Two runs converted the same data exactly when their content ids are equal.
   */
  content: z.object({ id: z.string(), method: z.string() }).nullable().default(null),
});

/** The source image as chosen: a user's file or the built-in one with its parameters. */
export const ImageChoiceSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('file'), path: z.string(), format: z.string() }),
  BuiltinImageParamsSchema.extend({ kind: z.literal('default'), cacheDir: z.string() }),
]);

/** Sampling until every speedup's interval is narrow enough, within limits. */
export const AdaptiveSchema = z.object({
  /** Target half-width of every speedup's 95% interval, as a share of the ratio (0.1 = +-10%). */
  precision: num,
  minRuns: z.number().int(),
  maxRuns: z.number().int(),
  /** Seconds the measured rounds may take, or null for no limit. */
  budgetSeconds: nullableNum,
});

/** The options of a run, as results.json records them. */
export const RecordedConfigSchema = z.object({
  modes: z.array(z.string()),
  /** Measured runs per mode: exactly this many with --runs, at most this many when sampling to a precision. */
  runs: z.number().int(),
  warmup: z.number().int(),
  /** Speedups are baseline / mode; null when the run has no baseline (writethrough not measured, none given). */
  baseline: z.string().nullable(),
  /** Sampling to a precision (null: a fixed --runs count). */
  adaptive: AdaptiveSchema.nullable().default(null),
  seed: num,
  timeoutSeconds: nullableNum,
  emulateFlushLatencyMs: nullableNum,
  /** The --emulate-flush-latency preset's name (e.g. nova-2019), or null for a duration or a native run. */
  emulatePreset: z.string().nullable().default(null),
  flushAudit: z.boolean(),
  /** The flush meter was loaded into the timed runs (--no-flush-meter turns it off). */
  flushMeter: z.boolean().default(false),
  /** --durability-check: each mode's output was checked after a simulated power cut. */
  durabilityCheck: z.boolean().default(false),
  flushProbe: z.boolean(),
  dropCaches: z.boolean(),
  /** False with --skip-space-check: the free space of the targets was not checked before the run. */
  spaceCheck: z.boolean().default(true),
  verify: z.boolean(),
  onFailure: z.enum(['continue', 'stop']),
  qemuImgs: z.array(z.object({ path: z.string(), version: z.string() })),
  targetDirs: z.array(z.string()),
  /** True when targetDirs is the default (results/ of the working directory), which a rerun elsewhere leaves out. */
  targetDirDefault: z.boolean().default(false),
  /** Block devices converted onto with -n (--target-device, confirmed with --i-know-this-overwrites). */
  targetDevices: z.array(z.string()).default([]),
  /** Directories a loop device's sparse file was created in (--target-loop). */
  targetLoops: z.array(z.string()).default([]),
  /** The memory cgroup limit of every conversion (--memory-limit), bytes, or null for none. */
  memoryLimitBytes: nullableNum.default(null),
  outputFormats: z.array(z.string()),
  srcCaches: z.array(z.string().nullable()),
  /** -m values (null: qemu-img's default). */
  coroutines: z.array(z.number().int().nullable()).default([null]),
  /** -W off and/or on. */
  outOfOrder: z.array(z.boolean()).default([false]),
  /** -r values (null: no limit). */
  rateLimits: z.array(z.string().nullable()).default([null]),
  /** -n --target-is-zero onto a target the harness pre-creates. */
  targetIsZero: z.boolean().default(false),
  /** --as-projects: the projects whose own command lines the run measured, or null for a run of modes. */
  asProjects: z.array(z.enum(PROJECT_IDS)).nullable().default(null),
  /** --project-storage: storage facts the run cannot see, stated for the projects' rules (PROJECT: VALUE). */
  projectStorage: StatedStorageSchema.default({}),
  outDir: z.string(),
  json: z.boolean(),
  quiet: z.boolean(),
  image: ImageChoiceSchema,
  /** Resolution of the user/sys figures (the kernel's clock tick), seconds. */
  cpuTimeResolutionSeconds: num,
});

/** One case of the matrix (qemu-img build x target dir x output format x source cache). */
export const CaseSchema = z.object({
  id: z.string(),
  qemuImg: z.string(),
  qemuImgVersion: z.string(),
  /** The target's path: a directory, a block device, or the directory holding a loop device's file. */
  targetDir: z.string(),
  /** dir: an output file per mode; device: a block device (overwritten); loop: a loop device over a sparse file. */
  targetKind: z.enum(['dir', 'device', 'loop']).default('dir'),
  /** The block device written (the device, or the loop device attached for this run), or null for a directory. */
  device: z
    .object({
      path: z.string(),
      sizeBytes: num,
      /** Loop devices: the sparse file behind it and whether the loop does direct I/O on it (null: not a loop). */
      loopFile: nullableStr,
      loopDirectIo: z.boolean().nullable(),
    })
    .nullable()
    .default(null),
  outputFormat: z.string(),
  srcCache: z.string().nullable(),
  /** The convert options of this case (-m, -W, -n [--target-is-zero], -r). */
  options: z
    .object({
      coroutines: z.number().int().nullable(),
      outOfOrder: z.boolean(),
      targetIsZero: z.boolean(),
      /** -n onto an existing target (block devices). */
      existingTarget: z.boolean().default(false),
      rateLimit: z.string().nullable(),
    })
    .default({ coroutines: null, outOfOrder: false, targetIsZero: false, existingTarget: false, rateLimit: null }),
  storage: StorageFactsSchema,
  /** Under --as-projects: whether the target (a test file, or the device) and the source opened with O_DIRECT. */
  odirectProbe: z
    .object({ target: z.enum(['works', 'refused']), source: z.enum(['works', 'refused']) })
    .nullable()
    .default(null),
  /** Under --as-projects: the projects' command this case ran (its arguments with placeholders), or null. */
  command: z
    .object({
      projects: z.array(z.enum(PROJECT_IDS)),
      argv: z.array(z.string()),
      existingTarget: z.boolean(),
      fsyncAfter: z.boolean(),
      /** Words run before qemu-img (nice, ionice), applied to the measured run. */
      prefix: z.array(z.string()).default([]),
      /** Environment the project sets for qemu-img (MALLOC_ARENA_MAX), applied to the measured run. */
      env: z.record(z.string(), z.string()).default({}),
      /** What the project does around the command that the measured run does not (a prlimit), or null. */
      notApplied: z.string().nullable().default(null),
    })
    .nullable()
    .default(null),
});

/** The summary of every case. */
export const SummarySchema = z.object({
  /** The mode speedups are measured against, or null for a run without speedups. */
  baseline: z.string().nullable(),
  cases: z.array(z.object({ caseId: z.string(), modes: z.array(ModeSummarySchema) })),
});

/** Flush audit of one mode: system calls qemu-img made on the target. */
export const FlushAuditSchema = z.object({
  caseId: z.string(),
  mode: z.string(),
  ok: z.boolean(),
  writes: nullableNum,
  fsync: nullableNum,
  fdatasync: nullableNum,
  syncFileRange: nullableNum,
  openFlags: z.array(z.string()),
  /** Why there are no counts (ok false), else null. */
  failure: AuditFailureSchema.nullable(),
  /** Bytes the conversion left allocated in its output (what it wrote, zeros skipped), or null. */
  outputBytes: nullableNum.default(null),
  /** How the counts were taken: strace (every system call), or the LD_PRELOAD counter (flushes only). */
  source: z.enum(['strace', 'preload']).default('strace'),
  /** Key of the audit cache the counts are stored under (what determines them), or null. */
  cacheKey: z.string().nullable().default(null),
  /** True when this run took the counts from the cache instead of converting once more. */
  fromCache: z.boolean().default(false),
});

/** Flush-latency probe of a target dir. */
export const FlushProbeSchema = z.object({
  caseId: z.string(),
  targetDir: z.string(),
  tool: z.string(),
  small: z.object({ bytes: num, medianMs: num, p99Ms: num, count: z.number().int() }).nullable(),
  large: z.object({ bytes: num, medianMs: num, p99Ms: num, count: z.number().int() }).nullable(),
  /**
   * Shaped like qemu-img's writethrough writes: writes of the audit's mean write size extending a fresh file, fdatasync
   * after each; null when the mean write size was not known.
   */
  shaped: z.object({ bytes: num, medianMs: num, p99Ms: num, count: z.number().int() }).nullable().default(null),
  emulatedMs: nullableNum,
});

/** What a simulated power cut left of one conversion's output, checked against the source. */
export const PowerCutOutcomeSchema = z.object({
  /** intact: the output has the source's guest content after the cut (qemu-img compare); lost: it does not. */
  state: z.enum(['intact', 'lost']),
  /** The output after the cut: there, missing (never flushed, so its entry never persisted), or not openable. */
  output: z.enum(['present', 'missing', 'unreadable']),
  /** Guest bytes that differ from the source (the whole virtual size when the output is missing or unreadable). */
  differingBytes: num,
  /** Offset of the first differing byte, or null when intact (or missing). */
  firstDifferenceOffset: nullableNum,
});

/** The power-cut check of one case and mode (--durability-check): untimed conversions onto the power-cut FS. */
export const DurabilityCheckSchema = z.object({
  caseId: z.string(),
  mode: z.string(),
  /** checked, or failed (the conversion or the file system failed: `error` says why). */
  state: z.enum(['checked', 'failed']),
  /** The power cut right after qemu-img returned: intact or lost (null when failed). */
  atReturn: z.enum(['intact', 'lost']).nullable(),
  differingBytes: nullableNum,
  firstDifferenceOffset: nullableNum,
  /** The output after that cut: present, missing or unreadable (null when failed). */
  output: z.enum(['present', 'missing', 'unreadable']).nullable(),
  /** Seconds the conversion took on the power-cut file system (untimed for the results; it places the cut below). */
  convertSeconds: nullableNum,
  /** A cut at a random point of the conversion, or null when failed. */
  midConversion: z
    .object({
      /** Seconds after qemu-img started that the power was cut. */
      cutAtSeconds: num,
      /** cut: the power went while qemu-img ran; returned: qemu-img finished first, so nothing was cut mid-way. */
      cut: z.enum(['cut', 'returned']),
      outcome: PowerCutOutcomeSchema,
    })
    .nullable(),
  error: z.string().nullable(),
});

/** The whole results file. */
export const ResultsSchema = z.object({
  /** The schema the file was written with (1 and 2 are converted on read; see upgradeResults). */
  schemaVersion: z.union([z.literal(1), z.literal(2), z.literal(SCHEMA_VERSION)]),
  tool: z.object({ name: z.string(), version: z.string() }),
  kind: z.literal('bench').default('bench'),
  complete: z.boolean(),
  /** "EMULATED FLUSH LATENCY N ms" when flushes were delayed, so no reader of the JSON can miss it; null otherwise. */
  emulation: z.string().nullable().default(null),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  config: RecordedConfigSchema,
  host: HostFactsSchema,
  image: ImageFactsSchema,
  cases: z.array(CaseSchema),
  samples: z.array(
    SampleSchema.refine((sample) => sample.state !== 'ok' || sample.real > 0, {
      message: 'a successful run takes more than 0 s of real time',
      path: ['real'],
    }),
  ),
  summary: SummarySchema,
  flushAudit: z.array(FlushAuditSchema),
  flushProbe: z.array(FlushProbeSchema),
  /** How sampling ended (null while running, and in files of schema 1). */
  sampling: SamplingSchema.nullable().default(null),
  notMeasured: z.array(NotMeasuredSchema),
  /** Every mode's warnings. */
  warnings: z.array(RunWarningSchema),
  /** The verdict on the 2019 claim, per case. */
  verdicts: z.array(VerdictSchema).default([]),
  /** What to choose here, per case. */
  recommendations: z.array(RecommendationSchema).default([]),
  /** The fastest durable (case, mode) across option sets, or null for a run of one case. */
  optionSetChoice: OptionSetChoiceSchema.nullable().default(null),
  /** Between cases that differ in one matrix dimension: each mode's time ratio (empty for one case). */
  caseDifferences: z.array(CaseDifferenceSchema).default([]),
  /** --as-projects: each project command as measured, against the fastest durable one of its target. */
  projectRuns: z.array(ProjectRunSchema).default([]),
  /** --durability-check: per case and mode, what a simulated power cut left (empty when not checked). */
  durability: z.array(DurabilityCheckSchema).default([]),
});

/** Descriptive statistics of one metric. */
export type Stat = z.infer<typeof StatSchema>;
/** One run's raw measurement. */
export type Sample = z.infer<typeof SampleSchema>;
/** Per-mode summary. */
export type ModeSummary = z.infer<typeof ModeSummarySchema>;
/** One case of the matrix, with its storage facts. */
export type RunCase = z.infer<typeof CaseSchema>;
/** Facts about the machine. */
export type HostFacts = z.infer<typeof HostFactsSchema>;
/** Facts about a target's storage. */
export type StorageFacts = z.infer<typeof StorageFactsSchema>;
/** Facts about the source image. */
export type ImageFacts = z.infer<typeof ImageFactsSchema>;
/** Parameters of the built-in image. */
export type BuiltinImageParams = z.infer<typeof BuiltinImageParamsSchema>;
/** The recorded source image choice. */
export type RecordedImageChoice = z.infer<typeof ImageChoiceSchema>;
/** The options of a run as recorded. */
export type RecordedConfig = z.infer<typeof RecordedConfigSchema>;
/** Summary of all cases. */
export type Summary = z.infer<typeof SummarySchema>;
/** Flush audit row. */
export type FlushAudit = z.infer<typeof FlushAuditSchema>;
/** Adaptive sampling settings. */
export type Adaptive = z.infer<typeof AdaptiveSchema>;
/** What a power cut left of one output. */
export type PowerCutOutcome = z.infer<typeof PowerCutOutcomeSchema>;
/** The power-cut check of one case and mode. */
export type DurabilityCheck = z.infer<typeof DurabilityCheckSchema>;
/** Flush-latency probe row. */
export type FlushProbe = z.infer<typeof FlushProbeSchema>;
/** The versioned results object every renderer takes. */
export type Results = z.infer<typeof ResultsSchema>;

/** The successful measured runs (no warm-up) of one mode in one case, in the order they were recorded. */
export function measuredRuns(results: Pick<Results, 'samples'>, caseId: string, mode: string | null): Sample[] {
  return results.samples.filter((s) => s.caseId === caseId && s.mode === mode && s.state === 'ok' && !s.warmup);
}

/** Flushes (fdatasync + fsync) a successful audit counted, or null when there is no successful audit. */
export function flushesOf(audit: FlushAudit | undefined): number | null {
  return audit?.ok ? (audit.fdatasync ?? 0) + (audit.fsync ?? 0) : null;
}

/** The probe figure a prediction uses: the qemu-shaped probe when there is one, else the 4 KiB probe. */
export function probeFigure(probe: FlushProbe | undefined): FlushProbe['small'] {
  return probe?.shaped ?? probe?.small ?? null;
}

/** One latency of the flush sweep. */
export const SweepPointSchema = z.object({
  /** Emulated flush latency, ms (0 = native, no interposer). */
  latencyMs: num,
  /** measured, skipped (budget), failed or interrupted. */
  state: z.enum(['measured', 'skipped', 'failed', 'interrupted']),
  /** Why it was skipped or failed, as a code with its figures (worded in report/sweep-report.ts); null otherwise. */
  reason: z
    .discriminatedUnion('code', [
      /** Its estimated time would not fit what was left of the --budget. */
      z.object({
        code: z.literal('over-budget'),
        estimatedSeconds: num,
        flushes: num,
        runs: z.number().int(),
        leftSeconds: num,
        budgetSeconds: num,
      }),
      /** Its bench failed: the first failed mode's error. */
      z.object({ code: z.literal('failed'), error: z.string() }),
    ])
    .nullable(),
  /** The point's results folder, relative to the sweep folder. */
  dir: nullableStr,
  /** Estimated seconds before it ran (null for the first point). */
  estimatedSeconds: nullableNum,
  /** Seconds it took. */
  elapsedSeconds: nullableNum,
  writethrough: StatSchema.nullable(),
  writeback: StatSchema.nullable(),
  speedup: RatioSchema.nullable(),
  /** Speedup predicted from the 0 ms point: (writethrough at 0 ms + flushes x latency) / writeback at 0 ms. */
  predicted: nullableNum,
});

/** The sweep's own results file (sweep.json). */
export const SweepResultsSchema = z.object({
  /** 2: a point's reason is a code with figures (1 had an English note). */
  schemaVersion: z.literal(2),
  kind: z.literal('sweep'),
  tool: z.object({ name: z.string(), version: z.string() }),
  startedAt: z.string(),
  finishedAt: nullableStr,
  complete: z.boolean(),
  budgetSeconds: num,
  runs: z.number().int(),
  latenciesMs: z.array(num),
  host: HostFactsSchema.nullable(),
  image: ImageFactsSchema.nullable(),
  /** Flushes writethrough made (flush audit of the first point). */
  flushes: nullableNum,
  /** Native flush latency of the target (probe of the first point), ms. */
  nativeFlushMs: nullableNum,
  points: z.array(SweepPointSchema),
});

/** One point of the sweep. */
export type SweepPoint = z.infer<typeof SweepPointSchema>;
/** sweep.json. */
export type SweepResults = z.infer<typeof SweepResultsSchema>;
/** Why a sweep point was skipped or failed. */
export type SweepReason = NonNullable<SweepPoint['reason']>;

/** " (writeback run 2)" when `path` points into a sample, so an impossible time names its run. */
function sampleName(data: object, path: readonly PropertyKey[]): string {
  if (path[0] !== 'samples' || typeof path[1] !== 'number') return '';
  const sample = ((data as { samples?: unknown[] }).samples ?? [])[path[1]] as { mode?: unknown; run?: unknown };
  return sample ? ` (${String(sample.mode)} run ${String(sample.run)})` : '';
}

/** Checks an already-parsed object (converting older schemas' shape); throws UsageError naming the first problem. */
export function parseResults(data: unknown, source = 'input'): Results {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new UsageError(
      `${source} is not a qemu-cache-bench results file (expected a JSON object); pass the results.json of a bench run`,
    );
  }
  const version = (data as Record<string, unknown>).schemaVersion;
  if (typeof version !== 'number') {
    throw new UsageError(
      `${source} is not a qemu-cache-bench results file (no schemaVersion); pass the results.json of a bench run`,
    );
  }
  if (version > SCHEMA_VERSION) {
    throw new UsageError(
      `${source} has schemaVersion ${version}, newer than this tool's ${SCHEMA_VERSION}; upgrade qemu-cache-bench to ` +
        `read it`,
    );
  }
  const parsed = ResultsSchema.safeParse(version < SCHEMA_VERSION ? fromLegacyShape(data) : data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? `${issue.path.join('.')}${sampleName(data, issue.path)}` : '(top level)';
    throw new UsageError(
      `${source} is not a valid results file: ${where}: ${issue?.message ?? 'invalid'}; re-run the bench or pass ` +
        `another file`,
    );
  }
  return parsed.data;
}
