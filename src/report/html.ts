// report.html: the report document as one self-contained page (charts inline as data URLs), readable offline.
import type { Block, ReportDocument } from './document-model.ts';
import type { OutputFile } from './file-writer.ts';
import { barLines } from './text-bars.ts';

/** Escapes text for HTML. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function inline(text: string): string {
  return escapeHtml(text).replace(/`([^`]+)`/g, '<code>$1</code>');
}

/** A cell this short ("3.05 s", "2.07x (1.92-2.24x)") never wraps: a number stays beside its unit. */
const UNBROKEN_CELL = 24;

function row(cells: readonly string[], tag: 'th' | 'td'): string {
  const open = (c: string) => (tag === 'td' && c.length <= UNBROKEN_CELL ? '<td class="n">' : `<${tag}>`);
  return `<tr>${cells.map((c) => `${open(c)}${escapeHtml(c)}</${tag}>`).join('')}</tr>`;
}

/** Anchor names for the headings, unique within the page ("verdict", "results-m-8", "results-m-8-2"). */
function headingIds(blocks: readonly Block[]): Map<Block, string> {
  const ids = new Map<Block, string>();
  const taken = new Set<string>(['contents']);
  for (const b of blocks) {
    if (b.kind !== 'heading') continue;
    const slug =
      b.text
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, '-')
        .replace(/^-|-$/g, '') || 'section';
    let id = slug;
    for (let n = 2; taken.has(id); n++) id = `${slug}-${n}`;
    taken.add(id);
    ids.set(b, id);
  }
  return ids;
}

/** The table of contents: a link to every heading, indented by level. */
function contents(blocks: readonly Block[], ids: ReadonlyMap<Block, string>): string {
  const items = blocks.flatMap((b) =>
    b.kind === 'heading' ? [`<li class="l${b.level}"><a href="#${ids.get(b)}">${escapeHtml(b.text)}</a></li>`] : [],
  );
  return items.length ? `<nav id="contents"><p>Contents</p><ul>${items.join('')}</ul></nav>` : '';
}

function block(b: Block, charts: ReadonlyMap<string, Buffer>, ids: ReadonlyMap<Block, string>): string {
  switch (b.kind) {
    case 'heading': {
      const id = ids.get(b) ?? '';
      return `<h${b.level} id="${id}">${escapeHtml(b.text)} <a class="anchor" href="#${id}">#</a></h${b.level}>`;
    }
    case 'para':
      return b.strong ? `<p class="strong">${inline(b.text)}</p>` : `<p>${inline(b.text)}</p>`;
    case 'table':
      return (
        `<div class="scroll"><table><thead>${row(b.head, 'th')}</thead>` +
        `<tbody>${b.rows.map((r) => row(r, 'td')).join('')}</tbody></table></div>`
      );
    case 'chart': {
      const png = charts.get(b.file);
      return png
        ? `<figure><div class="scroll"><img alt="${escapeHtml(b.caption)}" width="1200" height="600" ` +
            `src="data:image/png;base64,${png.toString('base64')}"></div>` +
            `<figcaption>${escapeHtml(b.caption)}</figcaption></figure>`
        : `<p>(chart ${escapeHtml(b.file)} not available)</p>`;
    }
    case 'list':
      return `<ul>${b.items.map((i) => `<li>${inline(i)}</li>`).join('')}</ul>`;
    case 'code':
      return `<pre><code>${escapeHtml(b.text)}</code></pre>`;
    case 'bars':
      return `<pre class="bars">${escapeHtml(barLines(b.title, b.rows, true).join('\n'))}</pre>`;
  }
}

/**
 * The page's style. Tables and code scroll inside their own box, so the page never scrolls sideways; a chart scales to
 * the page's width, every bar on screen on a phone (its smallest text, CHART_TEXT_PX of 1200, is 10 px from 600 px on).
 */
const STYLE = `body{font:15px/1.5 system-ui,sans-serif;max-width:1240px;margin:1em auto;padding:0 12px;color:#111}
p,li{overflow-wrap:anywhere}
.scroll{overflow-x:auto;max-width:100%;margin:1em 0}
table{border-collapse:collapse}
th,td{border:1px solid #ccc;padding:4px 8px;text-align:left;vertical-align:top}
td.n{white-space:nowrap}
td:not(.n){min-width:14em}
th{background:#f3f3f3}
img{width:100%;height:auto;border:1px solid #ddd;box-sizing:border-box}
figure{margin:1em 0}
figcaption{color:#555;font-size:13px}
pre{background:#f6f6f6;padding:1em;overflow-x:auto;max-width:100%;box-sizing:border-box}
.strong{font-weight:bold;color:#a33}
pre.bars{font-size:13px;line-height:1.3}
nav#contents{background:#fafafa;border:1px solid #e3e3e3;padding:.5em 1em;margin:1em 0}
nav#contents p{margin:0;font-weight:bold}
nav#contents ul{margin:.3em 0;padding-left:1.2em}
nav#contents li.l3{margin-left:1.2em;font-size:14px}
a.anchor{color:#bbb;text-decoration:none;font-size:.8em}
@media (max-width:600px){body{font-size:14px}h1{font-size:1.4em}}`;

/** Renders a report document as a self-contained HTML page; `charts` supplies the PNGs by file name. */
export function renderHtml(doc: ReportDocument, charts: readonly OutputFile[]): string {
  const byName = new Map(charts.map((c) => [c.name, Buffer.isBuffer(c.data) ? c.data : Buffer.from(c.data)]));
  const ids = headingIds(doc.blocks);
  // The headline and its bullets come before the contents, so the first screen holds the answer.
  const headings = doc.blocks.flatMap((b, i) => (b.kind === 'heading' ? [i] : []));
  const split = headings[1] ?? doc.blocks.length;
  const render = (blocks: readonly Block[]) => blocks.map((b) => block(b, byName, ids)).join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(doc.title)}</title><style>${STYLE}</style></head>
<body><h1>${escapeHtml(doc.title)}</h1>
${render(doc.blocks.slice(0, split))}
${contents(doc.blocks, ids)}
${render(doc.blocks.slice(split))}
</body></html>
`;
}
