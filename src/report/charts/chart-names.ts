// The bench charts' names and captions, apart from the drawing code so documents can link them without loading canvas.
import { REFERENCE_2019 } from '../../model/reference.ts';

/** The charts of a bench report: file stem and the alt text / caption. */
export const BENCH_CHARTS = [
  { key: 'real', caption: 'Conversion time per mode: median bar, min-max whiskers, each run a dot' },
  { key: 'breakdown', caption: 'Wall time beside CPU time (user + sys) per mode; CPU time can exceed wall time' },
  {
    key: 'speedup',
    caption:
      `Speedup against the baseline with 95% interval whiskers; dashed line: the 2019 figure ` +
      `(${REFERENCE_2019.ratio.toFixed(1)}x)`,
  },
  { key: 'durable', caption: 'Convert time beside time to durable (convert + sync of the output) per mode' },
] as const;

/** Longest case id kept whole in a file name; a longer one is cut and made unique by a hash of the whole id. */
const FILE_ID_MAX = 64;

/** FNV-1a 32-bit hash of `text` in hex: a short, stable tag for an id too long for a file name. */
function fnv1a(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h.toString(16).padStart(8, '0');
}

/** A case id as a file-name part: unsafe characters as `_`, ids over 64 characters cut and tagged with a hash. */
export function fileSafeId(caseId: string): string {
  const safe = caseId.replace(/[^\w=.-]+/g, '_');
  return safe.length <= FILE_ID_MAX ? safe : `${safe.slice(0, FILE_ID_MAX - 9)}-${fnv1a(caseId)}`;
}

/** File name of a chart for a case, e.g. charts/real.png or charts/tgt=shm-real.png. */
export function chartFile(caseId: string, key: string): string {
  return `charts/${caseId === 'default' ? '' : `${fileSafeId(caseId)}-`}${key}.png`;
}

/** The charts a run has: no speedup chart without a baseline. */
export function benchCharts(baseline: string | null): readonly (typeof BENCH_CHARTS)[number][] {
  return baseline === null ? BENCH_CHARTS.filter((c) => c.key !== 'speedup') : BENCH_CHARTS;
}
