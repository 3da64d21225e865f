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

/** File name of a chart for a case, e.g. charts/real.png or charts/tgt=shm-real.png. */
export function chartFile(caseId: string, key: string): string {
  return `charts/${caseId === 'default' ? '' : `${caseId.replace(/[^\w=.-]+/g, '_')}-`}${key}.png`;
}

/** The charts a run has: no speedup chart without a baseline. */
export function benchCharts(baseline: string | null): readonly (typeof BENCH_CHARTS)[number][] {
  return baseline === null ? BENCH_CHARTS.filter((c) => c.key !== 'speedup') : BENCH_CHARTS;
}
