// report.html: the report document as one self-contained page (charts inline as data URLs), readable offline.
import type { Block, ReportDocument } from './document-model.ts';
import type { OutputFile } from './file-writer.ts';

/** Escapes text for HTML. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function inline(text: string): string {
  return escapeHtml(text).replace(/`([^`]+)`/g, '<code>$1</code>');
}

function row(cells: readonly string[], tag: 'th' | 'td'): string {
  return `<tr>${cells.map((c) => `<${tag}>${escapeHtml(c)}</${tag}>`).join('')}</tr>`;
}

function block(b: Block, charts: ReadonlyMap<string, Buffer>): string {
  switch (b.kind) {
    case 'heading':
      return `<h${b.level}>${escapeHtml(b.text)}</h${b.level}>`;
    case 'para':
      return b.strong ? `<p class="strong">${inline(b.text)}</p>` : `<p>${inline(b.text)}</p>`;
    case 'table':
      return (
        `<table><thead>${row(b.head, 'th')}</thead><tbody>${b.rows.map((r) => row(r, 'td')).join('')}</tbody>` +
        '</table>'
      );
    case 'chart': {
      const png = charts.get(b.file);
      return png
        ? `<figure><img alt="${escapeHtml(b.caption)}" width="1200" height="600" ` +
            `src="data:image/png;base64,${png.toString('base64')}">` +
            `<figcaption>${escapeHtml(b.caption)}</figcaption></figure>`
        : `<p>(chart ${escapeHtml(b.file)} not available)</p>`;
    }
    case 'list':
      return `<ul>${b.items.map((i) => `<li>${inline(i)}</li>`).join('')}</ul>`;
    case 'code':
      return `<pre><code>${escapeHtml(b.text)}</code></pre>`;
  }
}

const STYLE = `body{font:15px/1.5 system-ui,sans-serif;max-width:1240px;margin:2em auto;padding:0 1em;color:#111}
table{border-collapse:collapse;margin:1em 0}
th,td{border:1px solid #ccc;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#f3f3f3}img{max-width:100%;height:auto;border:1px solid #ddd}figure{margin:1em 0}
figcaption{color:#555;font-size:13px}pre{background:#f6f6f6;padding:1em;overflow-x:auto}
.strong{font-weight:bold;color:#a33}`;

/** Renders a report document as a self-contained HTML page; `charts` supplies the PNGs by file name. */
export function renderHtml(doc: ReportDocument, charts: readonly OutputFile[]): string {
  const byName = new Map(charts.map((c) => [c.name, Buffer.isBuffer(c.data) ? c.data : Buffer.from(c.data)]));
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(doc.title)}</title><style>${STYLE}</style></head>
<body><h1>${escapeHtml(doc.title)}</h1>
${doc.blocks.map((b) => block(b, byName)).join('\n')}
</body></html>
`;
}
