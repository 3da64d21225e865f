// qemu-img command lines and probes: convert argv, version, info and compare.
import { UserError } from '../cli/errors.ts';
import { runProcess, type ProcessResult, type RunOptions } from './spawn.ts';

/** The oldest qemu-img this harness accepts (the release in Nova bug 1818847). */
export const MIN_QEMU_IMG_VERSION = '2.11.0';

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
}

/** The argv (after the program) of one conversion; paths are absolute so none can look like an option. */
export function convertArgs(spec: ConvertSpec): string[] {
  return [
    'convert',
    '-t', spec.mode,
    ...(spec.srcCache ? ['-T', spec.srcCache] : []),
    '-f', spec.srcFormat,
    '-O', spec.outFormat,
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

/** Runs one conversion. */
export function runConvert(qemuImg: string, spec: ConvertSpec, options: RunOptions = {}): Promise<ProcessResult> {
  return runProcess(qemuImg, convertArgs(spec), options);
}

/** Version of a qemu-img binary, e.g. "7.2.22", or an error text. */
export async function probeVersion(qemuImg: string): Promise<{ version: string } | { error: string }> {
  const result = await runProcess(qemuImg, ['--version'], { captureStdout: true, timeoutSeconds: 20 });
  if (result.notStarted) return { error: `cannot run ${qemuImg}: ${result.stderrTail}` };
  const match = /version\s+(\d+\.\d+(?:\.\d+)?)/.exec(result.stdout);
  if (!match?.[1]) return { error: `${qemuImg} --version printed no version (${(result.stdout || result.stderrTail).split('\n')[0]})` };
  return { version: match[1] };
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

/** The parts of `qemu-img info --output=json` the harness uses. */
export interface QemuImgInfo {
  format: string;
  virtualSize: number;
  actualSize: number;
  clusterSize: number | null;
  compressionType: string | null;
  dirty: boolean;
  raw: Record<string, unknown>;
}

/** Runs `qemu-img info`; an unreadable or damaged image gives `{ error }` with qemu-img's message. */
export async function imageInfo(qemuImg: string, path: string, format?: string): Promise<QemuImgInfo | { error: string }> {
  const args = ['info', '--output=json', ...(format ? ['-f', format] : []), path];
  const result = await runProcess(qemuImg, args, { captureStdout: true, timeoutSeconds: 60 });
  if (!result.ok) return { error: lastLine(result.stderrTail) || `qemu-img info exited ${result.exitCode}` };
  try {
    const raw = JSON.parse(result.stdout) as Record<string, unknown>;
    const specific = (raw['format-specific'] as { data?: Record<string, unknown> } | undefined)?.data ?? {};
    return {
      format: String(raw.format),
      virtualSize: Number(raw['virtual-size']),
      actualSize: Number(raw['actual-size'] ?? 0),
      clusterSize: typeof raw['cluster-size'] === 'number' ? raw['cluster-size'] : null,
      compressionType: typeof specific['compression-type'] === 'string' ? specific['compression-type'] : null,
      dirty: raw['dirty-flag'] === true,
      raw,
    };
  } catch {
    return { error: 'qemu-img info printed no JSON' };
  }
}

/** `qemu-img compare`: true when the two images have the same guest-visible content. */
export async function imagesEqual(qemuImg: string, a: string, b: string, formatA: string, formatB: string): Promise<boolean> {
  const result = await runProcess(qemuImg, ['compare', '-f', formatA, '-F', formatB, a, b], { timeoutSeconds: 600 });
  return result.exitCode === 0;
}

/** The last non-empty line of a program's message. */
export function lastLine(text: string): string {
  return text.trim().split('\n').filter(Boolean).pop()?.trim() ?? '';
}

/** A qemu-img build with its version. */
export interface QemuImgBuild {
  /** Path or name as given. */
  path: string;
  /** Version it reports, e.g. "7.2.22". */
  version: string;
}

/** Checks that a qemu-img binary runs and is recent enough. */
export async function validateQemuImg(path: string): Promise<QemuImgBuild> {
  const probe = await probeVersion(path);
  if ('error' in probe) throw new UserError(`qemu-img not usable: ${probe.error}; install qemu-utils (scripts/setup.sh) or pass --qemu-img PATH`);
  if (compareVersions(probe.version, MIN_QEMU_IMG_VERSION) < 0) {
    throw new UserError(`${path} is qemu-img ${probe.version}, older than the minimum ${MIN_QEMU_IMG_VERSION}; install a newer qemu-utils or pass --qemu-img PATH`);
  }
  return { path, version: probe.version };
}
