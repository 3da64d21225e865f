// The verdict: the measured writeback-vs-writethrough speedup against the published 2019 figure, with the likely
// reasons when it differs.
import { ASSUMED_2019_FLUSHES, IMPLIED_2019_FLUSH_MS, REFERENCE_2019 } from '../model/reference.ts';
import { flushesOf, type Ratio, type Results } from '../model/results.ts';
import { ratioInterval, sizeWords, times } from '../model/units.ts';

/** What the run says about the 2019 claim, for one case. */
export interface Verdict {
  caseId: string;
  /** 'reproduced' (>= 10x), 'smaller' (clearly faster, < 10x), 'none' (CI includes 1), 'not-measured'. */
  outcome: 'reproduced' | 'smaller' | 'none' | 'not-measured';
  /** writeback speedup over writethrough, or null. */
  speedup: Ratio | null;
  /** One paragraph for the report's top. */
  text: string;
  /** Likely reasons when the figure differs from 14x, from the recorded facts. */
  reasons: string[];
}

const PENALTY_2019_SECONDS = (REFERENCE_2019.writethroughSeconds - REFERENCE_2019.writebackSeconds).toFixed(0);
const ASSUMED_FLUSHES_TEXT = ASSUMED_2019_FLUSHES.toLocaleString('en-US');

/** The threshold at which the effect counts as the same order as the published 14x. */
export const REPRODUCED_AT = 10;

/** Builds the verdict of each case from the saved results (pure). */
export function verdicts(results: Results): Verdict[] {
  const ref = REFERENCE_2019;
  const emulated = results.config.emulateFlushLatencyMs;
  return results.summary.cases.map(({ caseId, modes }) => {
    const wt = modes.find((m) => m.mode === 'writethrough');
    const wb = modes.find((m) => m.mode === 'writeback');
    const refText = `The ${ref.year} Nova measurement (bug ${ref.bug}; qemu-img ${ref.qemuImg}, ${ref.storage}) found ${ref.ratio.toFixed(1)}x (${ref.writethroughSeconds} s vs ${ref.writebackSeconds} s).`;
    if (!wt?.real || !wb?.real) {
      return {
        caseId,
        outcome: 'not-measured',
        speedup: null,
        reasons: [],
        text: `writethrough and writeback were not both measured in this run, so the 2019 claim cannot be checked. ${refText}`,
      };
    }
    const speedup =
      wb.mode === results.summary.baseline
        ? null
        : results.summary.baseline === 'writethrough'
          ? wb.speedup
          : {
              ratio: wt.real.median / wb.real.median,
              ciLow: NaN,
              ciHigh: NaN,
              method: 'ratio of medians (no CI: baseline is not writethrough)',
            };
    const r = speedup as Ratio;
    const ciText = Number.isFinite(r.ciLow) ? ` (95% CI ${ratioInterval(r)})` : '';
    const outcome: Verdict['outcome'] =
      r.ciLow <= 1 && r.ciHigh >= 1 ? 'none' : r.ratio >= REPRODUCED_AT ? 'reproduced' : 'smaller';
    const label = emulated !== null ? ` with an EMULATED flush latency of ${emulated} ms` : '';
    const what = `${formatImage(results)} to ${caseOutputFormat(results, caseId)}`;
    const head =
      outcome === 'none'
        ? `On this host${label}, writeback converted ${what} no measurably faster than writethrough: ${times(r.ratio)}${ciText}, a CI that includes 1.`
        : `On this host${label}, writeback converted ${what} ${times(r.ratio)}${ciText} faster than writethrough (medians ${wt.real.median.toFixed(2)} s vs ${wb.real.median.toFixed(2)} s).`;
    const judged =
      outcome === 'reproduced' ? 'The claim reproduces here.' : 'The ~14x claim does not reproduce on this host.';
    const reasons = outcome === 'reproduced' ? [] : likelyReasons(results, caseId);
    return {
      caseId,
      outcome,
      speedup: r,
      reasons,
      text: `${head} ${refText} ${judged}${reasons.length ? ` Likely reasons: ${reasons.join('; ')}.` : ''}`,
    };
  });
}

function formatImage(results: Results): string {
  return `the ${sizeWords(results.image.virtualSize)} ${results.image.format} image`;
}

function caseOutputFormat(results: Results, caseId: string): string {
  return results.cases.find((c) => c.id === caseId)?.outputFormat ?? 'raw';
}

/** Reasons the effect may be smaller than 14x, each from a recorded fact. */
export function likelyReasons(results: Results, caseId: string): string[] {
  const reasons: string[] = [];
  const c = results.cases.find((x) => x.id === caseId);
  const fsType = c?.storage.fsType ?? null;
  const probe =
    results.flushProbe.find((p) => p.targetDir === c?.targetDir) ?? results.flushProbe.find((p) => p.caseId === caseId);
  const audit = results.flushAudit.find((a) => a.caseId === caseId && a.mode === 'writethrough' && a.ok);
  const modes = results.summary.cases.find((x) => x.caseId === caseId)?.modes ?? [];
  const wt = modes.find((m) => m.mode === 'writethrough');
  const wb = modes.find((m) => m.mode === 'writeback');
  const emulated = results.config.emulateFlushLatencyMs;
  const flushes = flushesOf(audit);
  const native = probe?.small?.medianMs ?? null;
  const perFlush = native === null && emulated === null ? null : (native ?? 0) + (emulated ?? 0);
  if (fsType === 'tmpfs' || fsType === 'ramfs') reasons.push(`the target is ${fsType}, where a flush does nothing`);
  if (perFlush !== null && perFlush < 5) {
    const what =
      emulated !== null
        ? `each flush took about ${perFlush.toFixed(2)} ms (${emulated} ms emulated + ${(native ?? 0).toFixed(2)} ms native)`
        : `this storage completes a flush in ${perFlush.toFixed(2)} ms (median fdatasync after a 4 KiB write)`;
    const extra =
      flushes !== null
        ? `, so ${flushes} flushes add about ${((flushes * perFlush) / 1000).toFixed(1)} s to writethrough`
        : '';
    reasons.push(
      `${what}${extra}; the 2019 figure implies about ${IMPLIED_2019_FLUSH_MS.toFixed(1)} ms per flush (${PENALTY_2019_SECONDS} s of extra time over roughly ${ASSUMED_FLUSHES_TEXT} flushes)`,
    );
  }
  if (flushes !== null && wt?.real && wb?.real && flushes > 0) {
    const needed = (perFlush ?? 0) + ((REFERENCE_2019.ratio * wb.real.median - wt.real.median) / flushes) * 1000;
    if (needed > (perFlush ?? 0))
      reasons.push(
        `reaching ${REFERENCE_2019.ratio.toFixed(0)}x with this image would take about ${needed.toFixed(1)} ms per flush on this host`,
      );
  }
  if (wb?.real && wb.user && wb.sys && wb.user.median + wb.sys.median >= 0.8 * wb.real.median) {
    reasons.push(
      `writeback is CPU-bound here (user ${wb.user.median.toFixed(2)} s + sys ${wb.sys.median.toFixed(2)} s of ${wb.real.median.toFixed(2)} s wall, mostly decompressing the image), which no cache mode changes`,
    );
  }
  if (!probe?.small && emulated === null)
    reasons.push('the flush latency of the target was not measured (probe skipped)');
  if (results.samples.some((s) => s.caseId === caseId && s.cacheDrop === 'none'))
    reasons.push('the page cache was not dropped before runs, so reads may have come from memory');
  if (flushes !== null && flushes < 2000)
    reasons.push(
      `the image made only ${flushes} flushes under writethrough; a cloud image makes about ${ASSUMED_FLUSHES_TEXT}`,
    );
  if (wb?.speedup && (wb.speedup.ciHigh - wb.speedup.ciLow) / wb.speedup.ratio > 0.5)
    reasons.push('the runs vary widely (wide CI); more --runs would sharpen the figure');
  return reasons;
}
