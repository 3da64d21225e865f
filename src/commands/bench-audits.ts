// The unmeasured facts of a bench run: the flush meter library, the flush-latency probe of each target and the flush
// audit (strace or the counter) when asked or when the meter could not count, with its cache.
import { join } from 'node:path';
import { meterMedians } from '../analyze/meter.ts';
import { cacheRoot } from '../config/paths.ts';
import type { ResolvedConfig } from '../config/resolve.ts';
import { type ConvertContext, cellSpec, freshTarget } from '../engine/convert-run.ts';
import { auditWithCounter, auditWithStrace } from '../flush/audit.ts';
import { auditKey, binarySha256, keyInputs, readCachedAudit, writeCachedAudit } from '../flush/audit-cache.ts';
import { ensureInterposer } from '../flush/interposer.ts';
import { probeFlushLatency } from '../flush/probe.ts';
import type { NotMeasured } from '../model/findings.ts';
import { caseModes } from '../model/plan.ts';
import { flushesOf, type Results, type Sample } from '../model/results.ts';
import type { RunState } from './bench-state.ts';
import { targetKey } from './bench-targets.ts';

/** The flush meter's library, or null with the reason noted when it cannot be had (no compiler, no prebuilt). */
export async function meterLibrary(notMeasured: NotMeasured[]): Promise<string | null> {
  try {
    return await ensureInterposer(cacheRoot());
  } catch (error) {
    notMeasured.push({ code: 'flush-meter-unavailable', error: (error as Error).message.split('\n')[0] ?? '' });
    return null;
  }
}

/** Probes and audits (new runs only), then the measured rounds, checkpointing after every sample. */
/**
 * A successful run in which the loaded meter wrote no exit line: qemu-img dropped LD_PRELOAD, so its flushes were not
 * measured. Counted in notMeasured (flush-meter-not-loaded), said on the terminal the first time.
 */
export function noteMeterNotLoaded(
  results: Results,
  sample: Sample,
  ctx: ConvertContext | undefined,
  note: (text: string) => void,
): void {
  if (sample.state !== 'ok' || sample.warmup || sample.flushes !== null || !ctx?.meter) return;
  const entry = results.notMeasured.find((n) => n.code === 'flush-meter-not-loaded');
  if (entry && entry.code === 'flush-meter-not-loaded') {
    entry.runs++;
    return;
  }
  results.notMeasured.push({ code: 'flush-meter-not-loaded', runs: 1 });
  note(
    'the flush meter did not load into qemu-img (a wrapper script, a setuid or static build drops LD_PRELOAD): ' +
      'flushes in the timed runs are not measured',
  );
}

/** Records what this run cannot measure, so the report can say so. */
export function recordNotMeasured(results: Results, config: ResolvedConfig): void {
  const missing = results.notMeasured;
  if (!config.dropCaches) missing.push({ code: 'cold-cache-off' });
  else if (!results.host.root) missing.push({ code: 'cold-cache-not-root' });
  if (!config.flushProbe) missing.push({ code: 'flush-probe-skipped' });
}

/**
 * Before the measured runs: the flush audits the cache holds (same qemu-img build, image, mode and options), and the
 * probes when writethrough's write size is known from them. What the cache lacks waits until after the measured runs
 * ({@link deferredProbesAndAudits}), so a first run on a host spends its budget on measured runs: the flush meter
 * counts the flushes of every timed run, and the audit is a one-time cross-check.
 */
export async function cachedAuditsAndProbes(state: RunState): Promise<void> {
  if (auditWanted(state)) await auditAll(state, 'cached');
  const sized = state.planCases.every((c) => meanWriteBytes(state.results, c.id) !== null);
  if (state.config.flushProbe && sized) await probeTargets(state);
}

/**
 * After the measured runs: the probes not run yet (writethrough's write size from the flush meter when no audit has
 * it), then the audits the cache lacked, counted and cached, as long as they fit in what is left of the --budget.
 */
export async function deferredProbesAndAudits(state: RunState): Promise<void> {
  if (state.config.flushProbe && !state.results.flushProbe.length) await probeTargets(state);
  if (auditWanted(state)) await auditAll(state, 'uncached');
}

export const METER_CANNOT_COUNT = new Set(['flush-meter-off', 'flush-meter-unavailable', 'flush-meter-not-loaded']);

/**
 * The strace audit runs when asked (--flush-audit) or where the flush meter cannot count the timed runs' flushes (off,
 * not buildable, or not loaded into this qemu-img): the meter's counts are the source everywhere else.
 */
export function auditWanted(state: RunState): boolean {
  return state.config.flushAudit || state.results.notMeasured.some((n) => METER_CANNOT_COUNT.has(n.code));
}

/**
 * Mean bytes per write request of writethrough in a case: from its audit (strace: writes; counter: flushes), else
 * from the flush meter of its timed runs (the median bytes written over the median flush count).
 */
export function meanWriteBytes(results: Results, caseId: string): number | null {
  const a = results.flushAudit.find((x) => x.caseId === caseId && x.mode === 'writethrough' && x.ok);
  const requests = a?.source === 'strace' ? a.writes : flushesOf(a);
  if (a?.outputBytes && requests) return a.outputBytes / requests;
  const metered = meterMedians(results, caseId, 'writethrough');
  return metered && metered.calls > 0 && metered.writeBytes > 0 ? metered.writeBytes / metered.calls : null;
}

export async function probeTargets(state: RunState): Promise<void> {
  const { config, results, planCases, contexts, ui, signal } = state;
  const seen = new Set<string>();
  for (const c of planCases) {
    const key = targetKey(c.targetKind, c.targetDir);
    if (seen.has(key) || signal.aborted) continue;
    seen.add(key);
    const ctx = contexts.get(c.id) as ConvertContext;
    const file = ctx.device?.path ?? join(ctx.workDir, 'flush-probe.tmp');
    ui.note(`probing flush latency of ${file}`);
    const mean = meanWriteBytes(results, c.id);
    results.flushProbe.push(await probeFlushLatency(c.id, c.targetDir, file, config.emulateFlushLatencyMs, mean));
  }
}

/** Where audits are cached. */
export function auditCacheDir(): string {
  return join(cacheRoot(), 'flush-audits');
}

/** The LD_PRELOAD counter library, or null (with the reason recorded once) when it cannot be had. */
export async function counterLibrary(results: Results): Promise<string | null> {
  try {
    return await ensureInterposer(cacheRoot());
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    results.notMeasured.push({ code: 'flush-counter-unavailable', error: why });
    return null;
  }
}

/** Seconds an audit of `mode` is expected to take: its measured median under strace's overhead (x1.5), plus 1 s. */
export function auditEstimate(results: Results, caseId: string, mode: string): number {
  const m = results.summary.cases.find((c) => c.caseId === caseId)?.modes.find((x) => x.mode === mode);
  return (m?.real?.median ?? 0) * 1.5 + 1;
}

/**
 * The flush audit per case x mode: `cached` takes what the cache holds; `uncached` counts the rest (under strace, or
 * the counter without it) and caches it, skipping, with a note, those that would pass the --budget.
 */
export async function auditAll(state: RunState, which: 'cached' | 'uncached'): Promise<void> {
  const { config, results, planCases, contexts, ui, signal } = state;
  const budget = config.adaptive?.budgetSeconds ?? null;
  const deferred: string[] = [];
  let counter: string | null | undefined;
  for (const c of planCases) {
    // Cells audited already (read from the cache before the measured runs) are left alone in the second pass.
    const modes = caseModes(c, config.modes).filter(
      (mode) => !results.flushAudit.some((a) => a.caseId === c.id && a.mode === mode),
    );
    if (!modes.length) continue;
    const version = config.qemuImgs.find((q) => q.path === c.qemuImg)?.version ?? 'unknown';
    const build = { version, sha256: binarySha256(c.qemuImg) };
    for (const mode of modes) {
      if (signal.aborted) return;
      const ctx = contexts.get(c.id) as ConvertContext;
      const spec = cellSpec(ctx, c, mode);
      const key = auditKey(keyInputs(build, results.image.sha256, spec));
      const cached = readCachedAudit(auditCacheDir(), key);
      if (cached) {
        results.flushAudit.push({ ...cached, caseId: c.id, cacheKey: key, fromCache: true });
        continue;
      }
      if (which === 'cached' || counter === null) continue;
      const left = budget === null ? Number.POSITIVE_INFINITY : budget - (Date.now() - state.benchStarted) / 1000;
      if (auditEstimate(results, c.id, mode) > left) {
        deferred.push(`${c.id} ${mode}`);
        continue;
      }
      ui.note(`flush audit (untimed, counted once and cached): ${c.id} ${mode}`);
      const prepare = async () => void (await freshTarget(ctx, c, spec));
      const job = {
        qemuImg: c.qemuImg,
        spec,
        caseId: c.id,
        scratch: join(ctx.workDir, 'audit.log'),
        timeoutSeconds: config.timeoutSeconds,
        signal,
        prepare,
        allocatedFile: ctx.device?.loopFile ?? undefined,
      };
      let audit = await auditWithStrace(job);
      if (audit.failure?.code === 'strace-missing') {
        counter ??= await counterLibrary(results);
        if (counter === null) continue;
        audit = await auditWithCounter(job, counter);
      }
      writeCachedAudit(auditCacheDir(), key, audit);
      results.flushAudit.push({ ...audit, cacheKey: audit.ok ? key : null });
    }
  }
  if (deferred.length) results.notMeasured.push({ code: 'flush-audit-deferred', cells: deferred });
}
