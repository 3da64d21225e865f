// The port through which option resolution checks the machine: commands/ passes the real checks, tests pass stubs.
import type { QemuImgBuild, QemuImgInfo } from '../model/qemu-img-command.ts';

/** The environment checks option resolution needs; each throws a one-line UsageError when its input cannot be used. */
export interface EnvironmentPort {
  /** Runs `path --version`: the build, or a UsageError when it does not run or is too old. */
  qemuImg(path: string): Promise<QemuImgBuild>;
  /** `qemu-img info` of an image the user named, or a UsageError saying why it cannot be converted. */
  image(qemuImg: string, path: string, format: string | undefined): Promise<QemuImgInfo>;
  /** An EnvironmentError when the cache `dir` cannot be written or created (names QCB_CACHE_DIR). */
  cacheDir(dir: string): void;
  /** A UsageError when `dir` is not an existing, writable directory. */
  targetDir(dir: string): void;
  /** Bytes a copy of the image needs at most (qemu-img measure), or null when it cannot be measured. */
  measure(qemuImg: string, path: string, format: string): Promise<number | null>;
  /** An EnvironmentError when the file system of `dir` has fewer than `needed` bytes free for `what`. */
  freeSpace(dir: string, needed: number, what: string): void;
  /** A UsageError unless `device` is an unused block device of at least `needed` bytes that `confirmed` names. */
  targetDevice(device: string, confirmed: readonly string[], needed: number): void;
  /** A UsageError when loop devices cannot be attached here (not root, no loop driver). */
  loopDevices(): void;
  /** A UsageError when no memory cgroup can be created here (not root, no memory controller). */
  memoryCgroups(): void;
  /** A UsageError when `dir` exists and is not an empty folder (`resumable`: the message offers --resume). */
  outDir(dir: string, resumable: boolean): void;
}
