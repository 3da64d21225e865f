// An EnvironmentPort for option-resolution tests: answers like a healthy machine, checks nothing, records each call.
import type { EnvironmentPort } from '../../src/config/environment-port.ts';

/** What `image` answers for any --image: a 1 GiB qcow2. */
export const STUB_IMAGE_INFO = {
  format: 'qcow2',
  virtualSize: 2 ** 30,
  actualSize: 1,
  clusterSize: 65536,
  compressionType: null,
  dirty: false,
  compressedClusters: null,
  raw: {},
};

/** qemu-img 7.2.22 everywhere; `measure` answers what qemu-img measures of a 500 GiB image with 4 MiB of data (null
 * for a path naming "unmeasurable"); every call is pushed onto `calls`. */
export function stubPort(calls: string[] = []): EnvironmentPort {
  return {
    qemuImg: async (path) => {
      calls.push(`qemuImg ${path}`);
      return { path, version: '7.2.22' };
    },
    image: async (_q, path) => {
      calls.push(`image ${path}`);
      return STUB_IMAGE_INFO;
    },
    targetDir: (dir) => void calls.push(`targetDir ${dir}`),
    cacheDir: () => {},
    measure: async (_q, path) => {
      calls.push(`measure ${path}`);
      return path.includes('unmeasurable') ? null : 86376448;
    },
    freeSpace: (dir, needed) => void calls.push(`freeSpace ${dir} ${needed}`),
    outDir: (dir) => void calls.push(`outDir ${dir}`),
    targetDevice: (device, confirmed, needed) => void calls.push(`targetDevice ${device} ${confirmed} ${needed}`),
    loopDevices: () => void calls.push('loopDevices'),
    memoryCgroups: () => void calls.push('memoryCgroups'),
  };
}
