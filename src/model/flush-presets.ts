// Named flush latencies for --emulate-flush-latency, each a typical figure of a kind of storage with its basis.
import { IMPLIED_2019_FLUSH_MS } from './reference.ts';

/** A named emulated flush latency. */
export interface FlushPreset {
  name: string;
  /** Milliseconds added before every fsync/fdatasync. */
  ms: number;
  /** What storage it stands for and where the figure comes from. */
  basis: string;
}

/** The presets, fastest first. */
export const FLUSH_PRESETS: readonly FlushPreset[] = [
  {
    name: 'plp-nvme',
    ms: 0.05,
    basis:
      'datacenter NVMe with power-loss protection: the drive acknowledges a flush from its protected cache (~20-100 ' +
      'us)',
  },
  {
    name: 'consumer-nvme',
    ms: 1.5,
    basis: 'consumer NVMe/SATA SSD without power-loss protection: a flush writes the volatile cache out (~1-2 ms)',
  },
  {
    name: 'cloud-block',
    ms: 2,
    basis: 'network block storage (Ceph RBD, iSCSI, cloud volumes): a flush is a replicated round trip (~1-3 ms)',
  },
  {
    name: 'nova-2019',
    ms: Math.round(IMPLIED_2019_FLUSH_MS * 10) / 10,
    basis: 'what the 2019 Nova figures imply: (103.47 s - 7.39 s) over an assumed 12,500 flushes',
  },
  { name: 'hdd', ms: 15, basis: 'a spinning disk: a flush waits for rotation and seek (~10-20 ms at 7,200 rpm)' },
];

/** The preset of that name, or undefined. */
export function flushPreset(name: string): FlushPreset | undefined {
  return FLUSH_PRESETS.find((p) => p.name === name);
}
