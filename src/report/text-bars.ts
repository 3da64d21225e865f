// Text charts: bars drawn with characters, so a chart survives where images do not (issue comments, mailing lists).
import type { Bar } from './document-model.ts';

/** Longest bar, in characters, when the lines have room for it. */
const BAR_CHARS = 40;
/** Widest a chart's line may get (report.txt indents it by 4 within 100 columns). */
const LINE_WIDTH = 96;
/** Unicode eighth blocks, from one eighth to a full block. */
const EIGHTHS = ['▏', '▎', '▍', '▌', '▋', '▊', '▉', '█'];

/** A bar of `value / max` of BAR_CHARS characters: Unicode blocks to an eighth, or ASCII `#` to a whole character. */
export function barOf(value: number, max: number, unicode: boolean, chars = BAR_CHARS): string {
  const share = max > 0 && Number.isFinite(value) ? Math.max(0, Math.min(1, value / max)) : 0;
  if (!unicode) return '#'.repeat(Math.round(share * chars));
  const eighths = Math.round(share * chars * 8);
  const full = Math.floor(eighths / 8);
  const rest = eighths % 8;
  return '█'.repeat(full) + (rest ? (EIGHTHS[rest - 1] as string) : '');
}

/** The chart as lines: its title, then one line per bar (label, bar, figure), bars padded so figures align. */
export function barLines(title: string, rows: readonly Bar[], unicode: boolean): string[] {
  const max = Math.max(0, ...rows.map((r) => r.value));
  const labelWidth = Math.max(0, ...rows.map((r) => r.label.length));
  const textWidth = Math.max(0, ...rows.map((r) => r.text.length));
  const chars = Math.max(10, Math.min(BAR_CHARS, LINE_WIDTH - labelWidth - 4 - textWidth));
  const lines = rows.map((r) => {
    const bar = barOf(r.value, max, unicode, chars);
    const pad = ' '.repeat(Math.max(0, chars - [...bar].length));
    return `${r.label.padEnd(labelWidth)} | ${bar}${pad} ${r.text}`.trimEnd();
  });
  return [title, ...lines];
}
