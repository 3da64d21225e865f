// Every default value of the options in one place.
import { REFERENCE_2019 } from '../model/reference.ts';

/** Defaults of the bench command and the built-in image. */
export const DEFAULTS = {
  modes: ['writethrough', 'writeback', 'none', 'unsafe'],
  runs: 3,
  warmup: 0,
  baseline: 'writethrough',
  outputFormat: 'raw',
  qemuImg: 'qemu-img',
  resultsRoot: 'results',
  onFailure: 'continue',
  /** The built-in image: 4 GiB virtual, 1 GiB of data, 64 KiB clusters, seeded by the Nova bug number. */
  image: { virtualSize: 4 * 1024 ** 3, dataSize: 1024 ** 3, clusterSize: 65536, seed: REFERENCE_2019.bug },
  /** Flush sweep: emulated latencies (ms), runs per point, and time budget (s). */
  sweep: {
    latenciesMs: [0, 0.5, 1, 2, 5, 10],
    runs: 3,
    budgetSeconds: 15 * 60,
    virtualSize: 1024 ** 3,
    dataSize: 256 * 1024 ** 2,
  },
} as const;
