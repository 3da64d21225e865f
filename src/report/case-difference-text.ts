// Words for what changed between the cases of a matrix (two builds, two targets, two option sets): one headline per
// pair of cases, each mode's time ratio with its interval (pure; the figures come from analyze/case-differences.ts).
import type { CaseDifference, CaseDimension } from '../model/findings.ts';
import type { Results } from '../model/results.ts';
import { intervalText, times } from '../model/units.ts';
import { hostKindText, imageText, storageKindText, whereText } from './storage-text.ts';
import { verdictLayers } from './verdict-text.ts';

const NOUN: Record<CaseDimension, string> = {
  'qemu-img': 'qemu-img',
  target: 'target',
  'output format': 'output format',
  'source cache': 'source cache (-T)',
  options: 'convert options',
};

/** One mode's ratio in a few words: "writeback 0.76x (0.70-0.82x, 10.0.13 faster)". */
function modeText(d: CaseDifference): string {
  const r = d.ratio;
  if (r.ciLow === null || r.ciHigh === null) return `${d.mode} ${times(r.ratio)} (no interval)`;
  const judged =
    r.ciHigh < 1 ? `${d.value} faster` : r.ciLow > 1 ? `${d.value} slower` : 'inconclusive: the interval includes 1';
  return `${d.mode} ${times(r.ratio)} (${intervalText(r)}, ${judged})`;
}

/** A case's value with what the reader needs beside it: a target's storage kind. */
function labelled(results: Results, caseId: string, d: CaseDifference, value: string): string {
  if (d.dimension !== 'target') return value;
  const c = results.cases.find((x) => x.id === caseId);
  return c ? `${value} (${storageKindText(c.storage)})` : value;
}

/**
 * One headline per pair of cases that differ in one dimension: "qemu-img 10.0.13 against 7.2.22 here (2-vCPU VM, ...),
 * time ratio per mode (95% interval): writethrough 0.97x (0.90-1.05x, inconclusive: ...); writeback ...".
 */
export function caseDifferenceHeadlines(results: Results): string[] {
  const pairs = new Map<string, CaseDifference[]>();
  for (const d of results.caseDifferences) {
    const key = JSON.stringify([d.dimension, d.baselineCaseId, d.caseId]);
    pairs.set(key, [...(pairs.get(key) ?? []), d]);
  }
  return [...pairs.values()].flatMap((ds) => {
    const [d] = ds;
    if (!d) return [];
    const value = labelled(results, d.caseId, d, d.value);
    const baseline = labelled(results, d.baselineCaseId, d, d.baselineValue);
    const where =
      d.dimension === 'target'
        ? `${hostKindText(results.host)}; ${imageText(results)}`
        : whereText(results, d.baselineCaseId);
    return [
      `${NOUN[d.dimension]} ${value} against ${baseline} here (${where}), ` +
        `time ratio per mode (95% interval): ${ds.map(modeText).join('; ')}.`,
    ];
  });
}

/**
 * A matrix's headlines: each case's verdict headline (once when the cases agree, else prefixed "[case]"), then what
 * changed between the cases; the bullets stay in the report.
 */
export function matrixHeadlines(results: Results): string[] {
  const headlines = results.verdicts.map((v) => ({ caseId: v.caseId, text: verdictLayers(results, v).headline }));
  const same = new Set(headlines.map((h) => h.text)).size === 1;
  return [
    ...(same ? headlines.slice(0, 1).map((h) => h.text) : headlines.map((h) => `[${h.caseId}] ${h.text}`)),
    ...caseDifferenceHeadlines(results),
  ];
}
