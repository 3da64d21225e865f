// qemu-img's vocabulary: the convert command line (argv and its shell-quoted form), versions, and what info reports.

import { REFERENCE_2019 } from './reference.ts';

/** The oldest qemu-img this harness accepts (the release of the 2019 measurement). */
export const MIN_QEMU_IMG_VERSION = `${REFERENCE_2019.qemuImg}.0`;

/** The convert options beyond the cache modes and formats (each a matrix axis or a switch). */
export interface ConvertOptions {
  /** -m N: parallel coroutines, or null for qemu-img's default (8). */
  coroutines: number | null;
  /** -W: allow out-of-order writes. */
  outOfOrder: boolean;
  /** -n --target-is-zero: write onto a target the harness pre-created (sparse, the right size), skipping zeroes. */
  targetIsZero: boolean;
  /** -n: write onto an existing target (a block device) instead of creating one. */
  existingTarget: boolean;
  /** -r RATE: limit the conversion's I/O rate (bytes/s, qemu size suffixes), or null. */
  rateLimit: string | null;
}

/** No options: qemu-img's defaults. */
export const DEFAULT_CONVERT_OPTIONS: ConvertOptions = {
  coroutines: null,
  outOfOrder: false,
  targetIsZero: false,
  existingTarget: false,
  rateLimit: null,
};

/** The argv of the options (empty for the defaults). */
export function optionArgs(o: ConvertOptions): string[] {
  return [
    ...(o.targetIsZero ? ['-n', '--target-is-zero'] : o.existingTarget ? ['-n'] : []),
    ...(o.coroutines !== null ? ['-m', String(o.coroutines)] : []),
    ...(o.outOfOrder ? ['-W'] : []),
    ...(o.rateLimit !== null ? ['-r', o.rateLimit] : []),
  ];
}

/** What one `qemu-img convert` run converts and how. */
export interface ConvertSpec {
  /** Target cache mode (-t). */
  mode: string;
  /** Source cache mode (-T), or null for qemu-img's default. */
  srcCache: string | null;
  /** Source format (-f). */
  srcFormat: string;
  /** Output format (-O). */
  outFormat: string;
  /** Absolute path of the source image. */
  src: string;
  /** Absolute path of the output file the harness owns. */
  dst: string;
  /** The options beyond cache modes and formats. */
  options: ConvertOptions;
  /** A project's own arguments (filled in) run instead of the ones built from the fields above, or null. */
  argv?: readonly string[] | null;
}

/** The argv (after the program) of one conversion; paths are absolute so none can look like an option. */
export function convertArgs(spec: ConvertSpec): string[] {
  if (spec.argv) return [...spec.argv];
  const srcCache = spec.srcCache ? ['-T', spec.srcCache] : [];
  const options = optionArgs(spec.options);
  return [
    'convert',
    '-t',
    spec.mode,
    ...srcCache,
    ...options,
    '-f',
    spec.srcFormat,
    '-O',
    spec.outFormat,
    spec.src,
    spec.dst,
  ];
}

/** A conversion's command line as a person would type it, quoted for a POSIX shell. */
export function convertCommandLine(qemuImg: string, spec: ConvertSpec): string {
  return [qemuImg, ...convertArgs(spec)].map(shellQuote).join(' ');
}

/** Quotes a word for a POSIX shell (only for showing commands; nothing here runs a shell). */
export function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** Compares dotted versions: negative when a < b. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** A qemu-img build with its version. */
export interface QemuImgBuild {
  /** Path or name as given. */
  path: string;
  /** Version it reports, e.g. "7.2.22". */
  version: string;
}

/** The parts of `qemu-img info --output=json` the harness uses. */
export interface QemuImgInfo {
  format: string;
  virtualSize: number;
  actualSize: number;
  clusterSize: number | null;
  compressionType: string | null;
  dirty: boolean;
  /** Share of compressed clusters from `qemu-img check` (e.g. "67.73%"); null when not checked or not qcow2. */
  compressedClusters: string | null;
  raw: Record<string, unknown>;
}

/** The last non-empty line of a program's message. */
export function lastLine(text: string): string {
  return text.trim().split('\n').filter(Boolean).pop()?.trim() ?? '';
}
