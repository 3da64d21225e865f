// The report's "Where the time goes" section: the flush meter's counts and latencies per mode, the flush audit,
// and the writethrough penalty against the probe's prediction (pure).
import { meterMedians } from '../analyze/meter.ts';
import { type PenaltyPrediction, penaltyPredictions } from '../analyze/prediction.ts';
import { CACHE_MODE_MEANING, type CacheMode } from '../model/cache-modes.ts';
import type { Results } from '../model/results.ts';
import { formatBytes, kibText, millis, secs } from '../model/units.ts';
import type { Block } from './document-model.ts';
import { auditFailureText } from './finding-text.ts';

/** Where this run's flush counts came from. */
export function auditSource(results: Results): string {
  const cached = results.flushAudit.filter((a) => a.fromCache);
  const keys = [...new Set(cached.map((a) => a.cacheKey))].join(', ');
  const counted = results.flushAudit.filter((a) => a.ok && !a.fromCache).length;
  const parts = [];
  if (cached.length) parts.push(`${cached.length} taken from the cache (keys ${keys})`);
  if (counted) parts.push(`${counted} counted`);
  return parts.length ? `In this run: ${parts.join(', ')}.` : '';
}

/** The flush meter's table: per case and mode, measured in the timed runs themselves. */
export function meterBlocks(results: Results): Block[] {
  const rows = results.summary.cases.flatMap((c) =>
    c.modes.flatMap((m) => {
      const f = meterMedians(results, c.caseId, m.mode);
      if (!f) return [];
      const seen = f.calls > 0 || f.writeCalls > 0;
      const share = f.real > 0 ? ` (${((100 * f.wait) / f.real).toFixed(0)}% of wall)` : '';
      return [
        [
          ...(results.cases.length > 1 ? [c.caseId] : []),
          m.mode,
          secs(f.real),
          seen ? `${secs(f.wait)}${share}` : 'the meter saw nothing',
          seen ? String(f.calls) : '-',
          f.calls > 0 ? `${f.medianMs.toFixed(3)} / ${f.p99Ms.toFixed(3)} ms` : '-',
          seen ? String(f.writeCalls) : '-',
          seen ? formatBytes(f.unflushed) : '-',
        ],
      ];
    }),
  );
  if (!rows.length) return [];
  return [
    {
      kind: 'para',
      text:
        'Measured in the timed runs (the flush meter, an LD_PRELOAD library loaded into each conversion): the time ' +
        'qemu-img spent inside fsync/fdatasync, how many it made, their latency, its writes, and the bytes no ' +
        'completed flush covered when it exited. Medians over the runs of each mode.',
    },
    {
      kind: 'table',
      head: [
        ...(results.cases.length > 1 ? ['case'] : []),
        'mode',
        'wall (median)',
        'waiting for flushes',
        'flushes',
        'flush latency median / p99',
        'writes',
        'unflushed at exit',
      ],
      rows,
    },
  ];
}

export function flushBlocks(results: Results): Block[] {
  const blocks: Block[] = [
    { kind: 'heading', level: 2, text: 'Why the modes differ: flushes' },
    ...meterBlocks(results),
  ];
  if (results.flushAudit.length) {
    blocks.push({
      kind: 'para',
      text:
        'Flush audit: the system calls qemu-img makes on the output file, counted in one untimed conversion per mode ' +
        'under strace -f (or, without strace, the LD_PRELOAD flush counter: flushes only), and cached by what ' +
        `determines them (qemu-img build, image sha256, mode, formats, source cache). ${auditSource(results)}`,
    });
    blocks.push({
      kind: 'table',
      head: ['case', 'mode', 'what the mode does', 'writes', 'fdatasync', 'fsync', 'sync_file_range', 'open flags'],
      rows: results.flushAudit.map((a) => [
        a.caseId,
        a.mode,
        CACHE_MODE_MEANING[a.mode as CacheMode] ?? '',
        a.ok ? String(a.writes) : `- (${auditFailureText(a.failure, a.source)})`,
        num(a.fdatasync),
        num(a.fsync),
        num(a.syncFileRange),
        a.openFlags.join(' ') || '-',
      ]),
    });
  } else blocks.push({ kind: 'para', text: 'No flush audit was made in this run.' });
  if (results.flushProbe.length) {
    blocks.push({
      kind: 'para',
      text: 'Flush latency of the target storage, measured before the runs: write then fdatasync, repeated.',
    });
    blocks.push({
      kind: 'table',
      head: ['target', 'tool', 'qemu-shaped: median', '4 KiB: median', '4 KiB: p99', '2 MiB: median', '2 MiB: p99'],
      rows: results.flushProbe.map((p) => [
        p.targetDir,
        p.tool,
        p.shaped ? `${millis(p.shaped.medianMs)} (${kibText(p.shaped.bytes)})` : 'not measured',
        millis(p.small?.medianMs),
        millis(p.small?.p99Ms),
        millis(p.large?.medianMs),
        millis(p.large?.p99Ms),
      ]),
    });
    blocks.push({
      kind: 'para',
      text:
        "Predicted writethrough penalty = flush count x flush latency (the probe's median fdatasync after writes of " +
        "qemu-img's mean write size, extending a fresh file; the 4 KiB probe when that size is unknown; plus the " +
        'emulated delay if any), beside the measured one (median writethrough - median writeback):',
    });
    const predictions = penaltyPredictions(results);
    blocks.push({
      kind: 'table',
      head: [
        'case',
        'flushes (writethrough)',
        'probe latency per flush',
        'predicted extra',
        'measured extra',
        'predicted / measured',
        'measured cost per flush',
      ],
      rows: penaltyRows(predictions),
    });
    const missed = unexplained(predictions);
    if (missed.length) blocks.push({ kind: 'list', items: missed });
  }
  return blocks;
}

export function penaltyRows(predictions: readonly PenaltyPrediction[]): string[][] {
  return predictions.map((p) => [
    p.caseId,
    p.flushes === null ? 'not measured' : String(p.flushes),
    p.latencyMs === null ? 'not measured' : `${p.latencyMs.toFixed(3)} ms (${kibText(p.probeBytes)} writes)`,
    secs(p.predictedSeconds),
    secs(p.measuredSeconds),
    p.ratio === null ? '-' : p.ratio.toFixed(2),
    p.measuredPerFlushMs === null ? '-' : `${p.measuredPerFlushMs.toFixed(3)} ms`,
  ]);
}

/** Where the probe does not explain the measured penalty, a sentence per case saying so. */
export function unexplained(predictions: readonly PenaltyPrediction[]): string[] {
  return predictions
    .filter((p) => p.explained === false)
    .map((p) => {
      const figures =
        `${p.caseId}: the probe predicted ${secs(p.predictedSeconds)} but writethrough measured ` +
        `${secs(p.measuredSeconds)} more than writeback (${p.measuredPerFlushMs?.toFixed(3)} ms per flush measured ` +
        `against the probe's ${p.latencyMs?.toFixed(3)} ms): the probe does not explain the difference`;
      const beyond =
        '; the rest is what writethrough costs beyond the flush itself on this host (e.g. qemu-img waiting on ' +
        'each flush instead of overlapping reads and writes)';
      return `${figures}${(p.ratio ?? 1) < 1 ? beyond : ''}.`;
    });
}

export function num(value: number | null): string {
  return value === null ? '-' : String(value);
}
