// Running qemu-img: a conversion, its version, info and compare, and the --qemu-img validator.
import { EnvironmentError } from '../model/errors.ts';
import { QemuImgInfoJsonSchema, QemuImgMapJsonSchema, QemuImgMeasureJsonSchema } from '../model/external-json.ts';
import {
  type ConvertSpec,
  compareVersions,
  convertArgs,
  MIN_QEMU_IMG_VERSION,
  type QemuImgBuild,
  type QemuImgInfo,
} from '../model/qemu-img-command.ts';
import { type ProcessResult, type RunOptions, runProcess } from './spawn.ts';

/** A wrapper around a command line (e.g. joining a cgroup before exec). */
export type CommandWrapper = (file: string, args: readonly string[]) => { file: string; args: string[] };

/** Runs one conversion, through `wrap` when given. */
export function runConvert(
  qemuImg: string,
  spec: ConvertSpec,
  options: RunOptions = {},
  wrap?: CommandWrapper,
): Promise<ProcessResult> {
  const command = wrap ? wrap(qemuImg, convertArgs(spec)) : { file: qemuImg, args: convertArgs(spec) };
  return runProcess(command.file, command.args, options);
}

/** Creates an empty (sparse) image of `size` bytes for a conversion onto an existing target (-n). */
export function createImage(qemuImg: string, path: string, format: string, size: number): Promise<ProcessResult> {
  return runProcess(qemuImg, ['create', '-q', '-f', format, path, String(size)], { timeoutSeconds: 120 });
}

/** Version of a qemu-img binary, e.g. "7.2.22", or an error text. */
export async function probeVersion(qemuImg: string): Promise<{ version: string } | { error: string }> {
  const result = await runProcess(qemuImg, ['--version'], { captureStdout: true, timeoutSeconds: 20 });
  if (result.notStarted) return { error: `cannot run ${qemuImg}: ${result.stderrTail}` };
  if (result.timedOut) return { error: `${qemuImg} --version did not answer within 20 s` };
  const match = /version\s+(\d+\.\d+(?:\.\d+)?)/.exec(result.stdout);
  if (!match?.[1]) {
    const said = (result.stdout || result.stderrTail).split('\n')[0];
    return {
      error: `${qemuImg} --version printed no version (${said ? `it printed: ${said}` : 'it printed nothing'})`,
    };
  }
  return { version: match[1] };
}

/** Runs `qemu-img info`; an unreadable or damaged image gives `{ error }` with qemu-img's message. */
export async function imageInfo(
  qemuImg: string,
  path: string,
  format?: string,
): Promise<QemuImgInfo | { error: string }> {
  const args = ['info', '--output=json', ...(format ? ['-f', format] : []), path];
  const result = await runProcess(qemuImg, args, { captureStdout: true, timeoutSeconds: 60 });
  if (!result.ok) return { error: result.stderrTail.trim() || `qemu-img info exited ${result.exitCode}` };
  try {
    const parsed = QemuImgInfoJsonSchema.safeParse(JSON.parse(result.stdout));
    if (!parsed.success) return { error: 'qemu-img info printed JSON without a format and a virtual size' };
    const raw = parsed.data;
    return {
      format: raw.format,
      virtualSize: raw['virtual-size'],
      actualSize: raw['actual-size'] ?? 0,
      clusterSize: raw['cluster-size'] ?? null,
      compressionType: raw['format-specific']?.data?.['compression-type'] ?? null,
      dirty: raw['dirty-flag'] === true,
      compressedClusters: null,
      raw,
    };
  } catch {
    return { error: 'qemu-img info printed no JSON' };
  }
}

/** `qemu-img compare`: true when the two images have the same guest-visible content. */
export async function imagesEqual(
  qemuImg: string,
  a: string,
  b: string,
  formatA: string,
  formatB: string,
): Promise<boolean> {
  const result = await runProcess(qemuImg, ['compare', '-f', formatA, '-F', formatB, a, b], { timeoutSeconds: 600 });
  return result.exitCode === 0;
}

/**
 * Bytes a qcow2 copy of the image would need (`qemu-img measure -O qcow2`: its data plus metadata), an upper bound of
 * what a sparse raw copy allocates; null when qemu-img cannot measure it.
 */
export async function measureRequired(qemuImg: string, path: string, format: string): Promise<number | null> {
  const args = ['measure', '-f', format, '-O', 'qcow2', '--output=json', path];
  const result = await runProcess(qemuImg, args, { captureStdout: true, timeoutSeconds: 60 });
  if (!result.ok) return null;
  try {
    const parsed = QemuImgMeasureJsonSchema.safeParse(JSON.parse(result.stdout));
    return parsed.success ? parsed.data.required : null;
  } catch {
    return null;
  }
}

/**
 * The byte ranges of a raw file that hold data (`qemu-img map`: SEEK_DATA/SEEK_HOLE underneath), or null when qemu-img
 * cannot map it.
 */
export async function rawDataExtents(
  qemuImg: string,
  path: string,
): Promise<{ start: number; length: number }[] | null> {
  const args = ['map', '--output=json', '-f', 'raw', path];
  const result = await runProcess(qemuImg, args, { captureStdout: true, timeoutSeconds: 600 });
  if (!result.ok) return null;
  try {
    const parsed = QemuImgMapJsonSchema.safeParse(JSON.parse(result.stdout));
    if (!parsed.success) return null;
    return parsed.data.filter((e) => e.data).map((e) => ({ start: e.start, length: e.length }));
  } catch {
    return null;
  }
}

/** Checks that a qemu-img binary runs and is recent enough. */
export async function validateQemuImg(path: string): Promise<QemuImgBuild> {
  const probe = await probeVersion(path);
  if ('error' in probe)
    throw new EnvironmentError(
      `qemu-img not usable: ${probe.error}; install qemu-utils (scripts/setup.sh) or pass --qemu-img PATH`,
    );
  if (compareVersions(probe.version, MIN_QEMU_IMG_VERSION) < 0) {
    throw new EnvironmentError(
      `${path} is qemu-img ${probe.version}, older than the minimum ${MIN_QEMU_IMG_VERSION}; install a newer ` +
        `qemu-utils or pass --qemu-img PATH`,
    );
  }
  return { path, version: probe.version };
}
