// Every default value in one place.

/** Defaults of the bench command and the default image. */
export const DEFAULTS = {
  modes: ['writethrough', 'writeback', 'none', 'unsafe'],
  runs: 3,
  warmup: 0,
  baseline: 'writethrough',
  outputFormat: 'raw',
  qemuImg: 'qemu-img',
  resultsRoot: 'results',
  onFailure: 'continue',
  /** The default image: 4 GiB virtual, 1 GiB of data, 64 KiB clusters, seeded by the Nova bug number. */
  image: { virtualSize: 4 * 1024 ** 3, dataSize: 1024 ** 3, clusterSize: 65536, seed: 1818847 },
  /** The published 2019 figure the verdict compares against (Nova bug 1818847). */
  reference: { writethroughSeconds: 103.47, writebackSeconds: 7.39, ratio: 14.0, source: 'Nova bug 1818847 (2019, qemu-img 2.11, SSD)' },
  /** Flush sweep: emulated latencies (ms), runs per point, and time budget (s). */
  sweep: { latenciesMs: [0, 0.5, 1, 2, 5, 10], runs: 3, budgetSeconds: 15 * 60, virtualSize: 1024 ** 3, dataSize: 256 * 1024 ** 2 },
} as const;
