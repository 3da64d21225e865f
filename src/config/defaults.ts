// Every default value of the options in one place.
import { REFERENCE_2019 } from '../model/reference.ts';

/** Defaults of the bench command and the built-in image. */
export const DEFAULTS = {
  modes: ['writethrough', 'writeback', 'none', 'unsafe'],
  /**
   * Without --runs, rounds go on until every speedup's 95% interval is within +-10%, from 3 to 10 runs, while the whole
   * bench (image, audit and probe included) stays within 170 s: the default aims at 10% within its 3-minute target.
   */
  adaptive: { precision: 0.1, minRuns: 3, maxRuns: 10, budgetSeconds: 170 },
  /** Runs per mode of the sweep's points and other fixed-count plans. */
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
