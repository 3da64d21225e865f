// The memory figures of memory-limited runs (--memory-limit), per case and mode (pure).

import { median } from '../model/quantile.ts';
import type { Results } from '../model/results.ts';

/** One case x mode of a memory-limited run. */
export interface MemoryRow {
  caseId: string;
  mode: string;
  /** Measured runs (ok or OOM-killed), warm-ups excluded. */
  runs: number;
  /** Median and highest peak memory of the cgroup, bytes (null when no run recorded one). */
  peakMedian: number | null;
  peakMax: number | null;
  /** Highest dirty + writeback seen in the cgroup, bytes. */
  dirtyMax: number | null;
  /** Runs the kernel's OOM killer ended. */
  oomKills: number;
}

/** The rows of every case x mode with memory figures, in the summary's order. */
export function memoryRows(results: Results): MemoryRow[] {
  return results.summary.cases.flatMap(({ caseId, modes }) =>
    modes.flatMap(({ mode }) => {
      const runs = results.samples.filter((s) => s.caseId === caseId && s.mode === mode && !s.warmup && s.memory);
      if (!runs.length) return [];
      const peaks = runs.flatMap((s) => (s.memory?.peakBytes == null ? [] : [s.memory.peakBytes]));
      const dirty = runs.flatMap((s) => (s.memory?.peakDirtyBytes == null ? [] : [s.memory.peakDirtyBytes]));
      return [
        {
          caseId,
          mode,
          runs: runs.length,
          peakMedian: peaks.length ? median(peaks) : null,
          peakMax: peaks.length ? Math.max(...peaks) : null,
          dirtyMax: dirty.length ? Math.max(...dirty) : null,
          oomKills: runs.filter((s) => s.memory?.oomKilled).length,
        },
      ];
    }),
  );
}
