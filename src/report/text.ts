// report.txt: the report document as plain text with ASCII tables, for trackers that do not render markdown.
import type { Block, ReportDocument } from './document-model.ts';
import { asciiTable } from './table.ts';

const WIDTH = 100;

/** Wraps text at `width` columns on spaces. */
export function wrap(text: string, width = WIDTH): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines.join('\n');
}

function block(b: Block): string {
  switch (b.kind) {
    case 'heading':
      return `${b.text}\n${(b.level === 1 ? '=' : b.level === 2 ? '=' : '-').repeat(b.text.length)}`;
    case 'para':
      return wrap(b.strong ? `*** ${b.text} ***` : b.text);
    case 'table':
      return asciiTable(b.head, b.rows);
    case 'chart':
      return `[chart: ${b.file} - ${b.caption}]`;
    case 'list':
      return b.items.map((i) => wrap(`- ${i}`).replace(/\n/g, '\n  ')).join('\n');
    case 'code':
      return b.text
        .split('\n')
        .map((l) => `    ${l}`)
        .join('\n');
  }
}

/** Replaces the few non-ASCII signs the renderers use, so report.txt is plain ASCII. */
export function toAscii(text: string): string {
  return text.replace(/±/g, '+/-').replace(/×/g, 'x').replace(/[–—]/g, '-');
}

/** Renders a report document as plain ASCII text (no colour codes). */
export function renderText(doc: ReportDocument): string {
  return toAscii(
    `${doc.title}\n${'#'.repeat(Math.min(doc.title.length, WIDTH))}\n\n${doc.blocks.map(block).join('\n\n')}\n`,
  );
}
