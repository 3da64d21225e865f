// report.txt: the report document as plain text with ASCII tables, for trackers that do not render markdown.
import type { Block, ReportDocument } from './document-model.ts';
import { asciiTable } from './table.ts';
import { barLines } from './text-bars.ts';
import { wrapLines } from './word-break.ts';

const WIDTH = 100;

/** Wraps text at `width` columns on spaces; a word wider than that is cut ({@link wrapLines}). */
export function wrap(text: string, width = WIDTH): string {
  return wrapLines(text.replace(/\s+/g, ' ').trim(), width).join('\n');
}

function block(b: Block): string {
  switch (b.kind) {
    case 'heading':
      return `${b.text}\n${(b.level === 1 ? '=' : b.level === 2 ? '=' : '-').repeat(b.text.length)}`;
    case 'para':
      return wrap(b.strong ? `*** ${b.text} ***` : b.text);
    case 'table':
      return asciiTable(b.head, b.rows, false, WIDTH);
    case 'chart':
      return wrap(`[chart: ${b.file} - ${b.caption}]`);
    case 'list':
      return b.items
        .map((item) =>
          wrap(item, WIDTH - 2)
            .split('\n')
            .map((line, k) => `${k ? '  ' : '- '}${line}`)
            .join('\n'),
        )
        .join('\n');
    case 'bars':
      return barLines(b.title, b.rows, false)
        .map((l) => `${CODE_INDENT}${l}`)
        .join('\n');
    case 'code':
      return b.text
        .split('\n')
        .flatMap((line) => shellLines(line, WIDTH - CODE_INDENT.length))
        .map((l) => `${CODE_INDENT}${l}`)
        .join('\n');
  }
}

const CODE_INDENT = '    ';

/** A shell command line cut between words (never inside quotes) into lines of at most `width` columns, `\\` ended. */
export function shellLines(line: string, width: number): string[] {
  if (line.length <= width) return [line];
  const words = line.match(/(?:'[^']*'|[^\s'])+/g) ?? [line];
  const lines: string[] = [];
  let current = '';
  for (const word of words) {
    const indent = lines.length ? '  ' : '';
    if (current && indent.length + current.length + 1 + word.length + 2 > width) {
      lines.push(`${indent}${current} \\`);
      current = word;
    } else current = current ? `${current} ${word}` : word;
  }
  lines.push(`${lines.length ? '  ' : ''}${current}`);
  return lines;
}

/** Replaces the non-ASCII signs the reports use, so report.txt is plain ASCII; anything else unknown becomes `?`. */
export function toAscii(text: string): string {
  return text
    .replace(/±/g, '+/-')
    .replace(/×/g, 'x')
    .replace(/[–—]/g, '-')
    .replace(/…/g, '...')
    .replace(/≥/g, '>=')
    .replace(/≤/g, '<=')
    .replace(/µ/g, 'u')
    .replace(/[‘’]/g, "'")
    .replace(/[“”]/g, '"')
    .replace(/[^\t\n\r -~]/g, '?');
}

/** The document with every text in ASCII, so tables are laid out with the characters they will be printed with. */
function asciiDocument(doc: ReportDocument): ReportDocument {
  const ascii = (b: Block): Block => {
    switch (b.kind) {
      case 'table':
        return { ...b, head: b.head.map(toAscii), rows: b.rows.map((r) => r.map(toAscii)) };
      case 'list':
        return { ...b, items: b.items.map(toAscii) };
      case 'chart':
        return { ...b, caption: toAscii(b.caption) };
      case 'bars':
        return {
          ...b,
          title: toAscii(b.title),
          rows: b.rows.map((r) => ({ ...r, label: toAscii(r.label), text: toAscii(r.text) })),
        };
      default:
        return { ...b, text: toAscii(b.text) };
    }
  };
  return { title: toAscii(doc.title), blocks: doc.blocks.map(ascii) };
}

/** Renders a report document as plain ASCII text (no colour codes), no line over 100 columns. */
export function renderText(doc: ReportDocument): string {
  const ascii = asciiDocument(doc);
  const title = wrap(ascii.title);
  const rule = '#'.repeat(Math.max(...title.split('\n').map((l) => l.length)));
  return `${title}\n${rule}\n\n${ascii.blocks.map(block).join('\n\n')}\n`;
}
