// The real environment checks behind config's EnvironmentPort: qemu-img, the image, target dirs, the results folder.
import type { EnvironmentPort } from '../config/environment-port.ts';
import { validateImage } from '../image/image-facts.ts';
import { validateOutDir } from '../report/file-writer.ts';
import { validateLoopSupport, validateTargetDevice } from '../system/block-target.ts';
import { validateMemoryLimit } from '../system/memory-cgroup.ts';
import { measureRequired, validateQemuImg } from '../system/qemu-img.ts';
import { checkFreeSpace, validateCacheDir, validateTargetDir } from '../system/target.ts';

/** The checks of this machine, as option resolution calls them. */
export const MACHINE: EnvironmentPort = {
  qemuImg: validateQemuImg,
  image: validateImage,
  targetDir: validateTargetDir,
  cacheDir: validateCacheDir,
  measure: measureRequired,
  freeSpace: checkFreeSpace,
  outDir: validateOutDir,
  targetDevice: validateTargetDevice,
  loopDevices: () => validateLoopSupport(isRoot()),
  memoryCgroups: () => void validateMemoryLimit(isRoot()),
};

function isRoot(): boolean {
  return process.getuid?.() === 0;
}
