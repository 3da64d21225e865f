// The port through which option resolution checks the machine: commands/ passes the real checks, tests pass stubs.
import type { QemuImgBuild, QemuImgInfo } from '../model/qemu-img-command.ts';

/** The environment checks option resolution needs; each throws a one-line UserError when its input cannot be used. */
export interface EnvironmentPort {
  /** Runs `path --version`: the build, or a UserError when it does not run or is too old. */
  qemuImg(path: string): Promise<QemuImgBuild>;
  /** `qemu-img info` of an image the user named, or a UserError saying why it cannot be converted. */
  image(qemuImg: string, path: string, format: string | undefined): Promise<QemuImgInfo>;
  /** A UserError when `dir` is not an existing, writable directory. */
  targetDir(dir: string): void;
  /** A UserError when the file system of `dir` has fewer than `needed` bytes free for `what`. */
  freeSpace(dir: string, needed: number, what: string): void;
  /** A UserError when `dir` exists and is not an empty folder (`resumable`: the message offers --resume). */
  outDir(dir: string, resumable: boolean): void;
}
