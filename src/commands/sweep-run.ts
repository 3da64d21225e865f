// The flush sweep: writeback vs writethrough at several emulated flush latencies, each point a full bench run
// within a time budget. A measured 0 ms point comes first (added when absent): every prediction is made from it.
import { join } from 'node:path';
import { flushCount, writethroughFlushes } from '../analyze/meter.ts';
import type { ResolvedConfig } from '../config/resolve.ts';
import type { Ending } from '../model/errors.ts';
import { probeFigure, type Results, type SweepPoint, type SweepResults } from '../model/results.ts';
import { sweepReasonText } from '../report/sweep-report.ts';
import type { BenchUi } from './terminal-port.ts';

/** Runs one bench into a folder; returns its results or null when it produced none. */
export type PointRunner = (config: ResolvedConfig) => Promise<{ ending: Ending; results: Results | null }>;

/** What the sweep loop needs besides the points. */
export interface SweepContext {
  runPoint: PointRunner;
  ui: BenchUi;
  signal: AbortSignal;
  save: (s: SweepResults) => void;
  tool: SweepResults['tool'];
}

/** The 0 ms (native) point's medians and flush counts, from which every other point is predicted. */
export interface NativePoint {
  writethroughSeconds: number;
  writebackSeconds: number;
  /** Flushes writethrough makes. */
  flushes: number;
  /** Flushes writeback makes (one at the end). */
  writebackFlushes: number;
}

/** Estimated seconds of a point: runs x (writeback + writethrough with its flushes delayed), plus 20% and set-up. */
export function estimatePointSeconds(runs: number, native: NativePoint, latencyMs: number): number {
  return runs * (native.writebackSeconds + native.writethroughSeconds + (native.flushes * latencyMs) / 1000) * 1.2 + 5;
}

/**
 * Predicted speedup at `latencyMs` from the native point alone (never from the point's own measurement):
 * (writethrough at 0 ms + flushes x latency) / (writeback at 0 ms + writeback's flushes x latency).
 */
export function predictSpeedup(native: NativePoint, latencyMs: number): number {
  const seconds = latencyMs / 1000;
  const writethrough = native.writethroughSeconds + native.flushes * seconds;
  return writethrough / (native.writebackSeconds + native.writebackFlushes * seconds);
}

/** The latencies in ascending order, with 0 ms first even when not asked for (predictions need it). */
export function sweepLatencies(latenciesMs: readonly number[]): number[] {
  return [...new Set([0, ...latenciesMs])].sort((a, b) => a - b);
}

function emptyPoint(latencyMs: number): SweepPoint {
  return {
    latencyMs,
    state: 'skipped',
    reason: null,
    dir: null,
    estimatedSeconds: null,
    elapsedSeconds: null,
    writethrough: null,
    writeback: null,
    speedup: null,
    predicted: null,
  };
}

/** Runs the sweep points in ascending latency; skips with a note those the remaining budget cannot fit. */
export async function runSweep(
  base: ResolvedConfig,
  latenciesMs: number[],
  budgetSeconds: number,
  context: SweepContext,
): Promise<SweepResults> {
  const latencies = sweepLatencies(latenciesMs);
  const sweep: SweepResults = {
    schemaVersion: 2,
    kind: 'sweep',
    tool: context.tool,
    startedAt: new Date().toISOString(),
    finishedAt: null,
    complete: false,
    budgetSeconds,
    runs: base.runs,
    latenciesMs: latencies,
    host: null,
    image: null,
    flushes: null,
    nativeFlushMs: null,
    points: [],
  };
  const started = Date.now();
  let native: NativePoint | null = null;
  for (const [index, latencyMs] of latencies.entries()) {
    const point = emptyPoint(latencyMs);
    sweep.points.push(point);
    if (context.signal.aborted) {
      point.state = 'interrupted';
      continue;
    }
    const leftSeconds = budgetSeconds - (Date.now() - started) / 1000;
    if (native && !fitsBudget(point, native, base.runs, leftSeconds, budgetSeconds)) {
      context.ui.note(`skipping ${latencyMs} ms: ${point.reason ? sweepReasonText(point.reason, latencyMs) : ''}`);
      context.save(sweep);
      continue;
    }
    context.ui.note(`sweep point ${latencyMs} ms (${index + 1} of ${latencies.length})`);
    const results = await measurePoint(point, base, index === 0, context);
    if (results && index === 0) native = recordNative(sweep, point, results);
    if (native && latencyMs > 0) point.predicted = predictSpeedup(native, latencyMs);
    context.save(sweep);
  }
  sweep.complete = sweep.points.every((p) => p.state === 'measured' || p.state === 'skipped');
  sweep.finishedAt = new Date().toISOString();
  context.save(sweep);
  return sweep;
}

/** Sets the point's estimate; false (with the reason) when it would not fit the time left. */
function fitsBudget(point: SweepPoint, native: NativePoint, runs: number, left: number, budget: number): boolean {
  point.estimatedSeconds = Math.round(estimatePointSeconds(runs, native, point.latencyMs));
  if (point.estimatedSeconds <= left) return true;
  point.reason = {
    code: 'over-budget',
    estimatedSeconds: point.estimatedSeconds,
    flushes: native.flushes,
    runs,
    leftSeconds: Math.max(0, Math.round(left)),
    budgetSeconds: budget,
  };
  return false;
}

async function measurePoint(point: SweepPoint, base: ResolvedConfig, first: boolean, context: SweepContext) {
  const pointStarted = Date.now();
  point.dir = `point-${point.latencyMs}ms`;
  const { results } = await context.runPoint({
    ...base,
    emulateFlushLatencyMs: point.latencyMs > 0 ? point.latencyMs : null,
    outDir: join(base.outDir, point.dir),
    outDirUnique: false,
    flushAudit: first && base.flushAudit,
    flushProbe: first && base.flushProbe,
    json: false,
  });
  point.elapsedSeconds = Math.round((Date.now() - pointStarted) / 100) / 10;
  const modes = results?.summary.cases[0]?.modes ?? [];
  point.writethrough = modes.find((m) => m.mode === 'writethrough')?.real ?? null;
  point.writeback = modes.find((m) => m.mode === 'writeback')?.real ?? null;
  point.speedup = modes.find((m) => m.mode === 'writeback')?.speedup ?? null;
  point.state = context.signal.aborted ? 'interrupted' : point.speedup ? 'measured' : 'failed';
  if (point.state === 'failed')
    point.reason = { code: 'failed', error: modes.find((m) => m.error)?.error ?? 'no result' };
  return results;
}

/** Takes host, image, flush counts and native medians from the 0 ms point. */
function recordNative(sweep: SweepResults, point: SweepPoint, results: Results): NativePoint | null {
  sweep.host = results.host;
  sweep.image = results.image;
  const caseId = results.cases[0]?.id ?? '';
  sweep.flushes = writethroughFlushes(results, caseId);
  sweep.nativeFlushMs = probeFigure(results.flushProbe[0])?.medianMs ?? null;
  const writebackFlushes = flushCount(results, caseId, 'writeback') ?? 1;
  if (!point.writethrough || !point.writeback || sweep.flushes === null) return null;
  const { flushes } = sweep;
  return {
    writethroughSeconds: point.writethrough.median,
    writebackSeconds: point.writeback.median,
    flushes,
    writebackFlushes,
  };
}
