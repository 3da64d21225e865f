// Named flush latencies for --emulate-flush-latency, each a typical figure of a kind of storage with its basis.
import { ASSUMED_2019_FLUSHES, IMPLIED_2019_FLUSH_MS, REFERENCE_2019 } from './reference.ts';

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
    basis:
      `what the ${REFERENCE_2019.year} Nova figures imply: (${REFERENCE_2019.writethroughSeconds} s - ` +
      `${REFERENCE_2019.writebackSeconds} s) over an assumed ${ASSUMED_2019_FLUSHES.toLocaleString('en-US')} flushes`,
  },
  { name: 'hdd', ms: 15, basis: 'a spinning disk: a flush waits for rotation and seek (~10-20 ms at 7,200 rpm)' },
];

/** The preset of that name, or undefined. */
export function flushPreset(name: string): FlushPreset | undefined {
  return FLUSH_PRESETS.find((p) => p.name === name);
}
