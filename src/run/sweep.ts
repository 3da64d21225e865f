// The flush sweep: writeback vs writethrough at several emulated flush latencies, each point a full bench run, within a time budget.
import { join } from 'node:path';
import type { ResolvedConfig } from '../config/resolve.ts';
import type { Ratio, Results, Stat } from '../report/schema.ts';
import type { BenchUi } from './bench.ts';

/** One latency of the sweep. */
export interface SweepPoint {
  /** Emulated flush latency, ms (0 = native, no interposer). */
  latencyMs: number;
  /** measured, skipped (budget), failed or interrupted. */
  state: 'measured' | 'skipped' | 'failed' | 'interrupted';
  /** Why it was skipped or failed. */
  note: string | null;
  /** The point's results folder, relative to the sweep folder. */
  dir: string | null;
  /** Estimated seconds before it ran (null for the first point). */
  estimatedSeconds: number | null;
  /** Seconds it took. */
  elapsedSeconds: number | null;
  writethrough: Stat | null;
  writeback: Stat | null;
  speedup: Ratio | null;
  /** Speedup predicted from flush count x latency: (wb + flushes x (probe + latency)) / wb. */
  predicted: number | null;
}

/** The sweep's own results file (sweep.json). */
export interface SweepResults {
  schemaVersion: 1;
  kind: 'sweep';
  tool: { name: string; version: string };
  startedAt: string;
  finishedAt: string | null;
  complete: boolean;
  budgetSeconds: number;
  runs: number;
  latenciesMs: number[];
  host: Record<string, unknown> | null;
  image: Record<string, unknown> | null;
  /** Flushes writethrough made (flush audit of the first point). */
  flushes: number | null;
  /** Native flush latency of the target (probe of the first point), ms. */
  nativeFlushMs: number | null;
  points: SweepPoint[];
}

/** Runs one bench into a folder; returns its results or null when it produced none. */
export type PointRunner = (config: ResolvedConfig) => Promise<{ exitCode: number; results: Results | null }>;

/** Estimated seconds of a point: runs x (writeback + writethrough with its flushes delayed), plus 20% and set-up. */
export function estimatePointSeconds(runs: number, writebackSeconds: number, writethroughNativeSeconds: number, flushes: number, latencyMs: number): number {
  return runs * (writebackSeconds + writethroughNativeSeconds + (flushes * latencyMs) / 1000) * 1.2 + 5;
}

/** Runs the sweep points in ascending latency; skips with a note those the remaining budget cannot fit. */
export async function runSweep(base: ResolvedConfig, latenciesMs: number[], budgetSeconds: number, runPoint: PointRunner, ui: BenchUi, signal: AbortSignal, save: (s: SweepResults) => void, tool: SweepResults['tool']): Promise<SweepResults> {
  const sweep: SweepResults = { schemaVersion: 1, kind: 'sweep', tool, startedAt: new Date().toISOString(), finishedAt: null, complete: false, budgetSeconds, runs: base.runs, latenciesMs, host: null, image: null, flushes: null, nativeFlushMs: null, points: [] };
  const started = Date.now();
  let wbSeconds: number | null = null;
  let wtNativeSeconds: number | null = null;
  for (const [index, latencyMs] of [...latenciesMs].sort((a, b) => a - b).entries()) {
    const point: SweepPoint = { latencyMs, state: 'skipped', note: null, dir: null, estimatedSeconds: null, elapsedSeconds: null, writethrough: null, writeback: null, speedup: null, predicted: null };
    sweep.points.push(point);
    if (signal.aborted) {
      point.state = 'interrupted';
      continue;
    }
    const left = budgetSeconds - (Date.now() - started) / 1000;
    if (index > 0 && wbSeconds !== null && wtNativeSeconds !== null && sweep.flushes !== null) {
      point.estimatedSeconds = Math.round(estimatePointSeconds(base.runs, wbSeconds, wtNativeSeconds, sweep.flushes, latencyMs));
      if (point.estimatedSeconds > left) {
        point.note = `estimated ${point.estimatedSeconds} s (${sweep.flushes} flushes x ${latencyMs} ms x ${base.runs} runs) would not fit the ${Math.max(0, Math.round(left))} s left of the ${budgetSeconds} s budget`;
        ui.note(`skipping ${latencyMs} ms: ${point.note}`);
        save(sweep);
        continue;
      }
    }
    ui.note(`sweep point ${latencyMs} ms (${index + 1} of ${latenciesMs.length})`);
    const pointStarted = Date.now();
    point.dir = `point-${latencyMs}ms`;
    const { results } = await runPoint({ ...base, emulateFlushLatencyMs: latencyMs > 0 ? latencyMs : null, outDir: join(base.outDir, point.dir), flushAudit: index === 0 && base.flushAudit, flushProbe: index === 0 && base.flushProbe, json: false });
    point.elapsedSeconds = Math.round((Date.now() - pointStarted) / 100) / 10;
    const modes = results?.summary.cases[0]?.modes ?? [];
    point.writethrough = modes.find((m) => m.mode === 'writethrough')?.real ?? null;
    point.writeback = modes.find((m) => m.mode === 'writeback')?.real ?? null;
    point.speedup = modes.find((m) => m.mode === 'writeback')?.speedup ?? null;
    point.state = signal.aborted ? 'interrupted' : point.speedup ? 'measured' : 'failed';
    if (point.state === 'failed') point.note = modes.find((m) => m.error)?.error ?? 'no result';
    if (results && index === 0) {
      sweep.host = results.host;
      sweep.image = results.image;
      const audit = results.flushAudit.find((a) => a.mode === 'writethrough' && a.ok);
      sweep.flushes = audit ? (audit.fdatasync ?? 0) + (audit.fsync ?? 0) : null;
      sweep.nativeFlushMs = results.flushProbe[0]?.small?.medianMs ?? null;
      wbSeconds = point.writeback?.median ?? null;
      wtNativeSeconds = point.writethrough?.median ?? null;
    }
    if (point.writeback && sweep.flushes !== null && wtNativeSeconds !== null) {
      point.predicted = (wtNativeSeconds + (sweep.flushes * latencyMs) / 1000) / point.writeback.median;
    }
    save(sweep);
  }
  sweep.complete = sweep.points.every((p) => p.state === 'measured' || p.state === 'skipped');
  sweep.finishedAt = new Date().toISOString();
  save(sweep);
  return sweep;
}
