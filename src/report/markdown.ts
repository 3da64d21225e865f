// report.md: the report document as GitHub-flavoured markdown, charts embedded by relative path.
import type { Block, ReportDocument } from './document-model.ts';
import { barLines } from './text-bars.ts';

/**
 * Text as markdown that renders as text: outside code spans, a `<` that could open an HTML tag (from an image name,
 * say) becomes `&lt;`, so `<img onerror=...>` shows as written instead of becoming markup.
 */
function text(raw: string): string {
  return raw
    .split(/(`[^`]*`)/)
    .map((part) => (part.startsWith('`') ? part : part.replace(/<(?=[!/?a-zA-Z])/g, '&lt;')))
    .join('');
}

function cell(raw: string): string {
  return text(raw).replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function block(b: Block): string {
  switch (b.kind) {
    case 'heading':
      return `${'#'.repeat(b.level)} ${text(b.text)}`;
    case 'para':
      return b.strong ? `**${text(b.text)}**` : text(b.text);
    case 'table':
      return [
        `| ${b.head.map(cell).join(' | ')} |`,
        `|${b.head.map(() => '---').join('|')}|`,
        ...b.rows.map((r) => `| ${r.map(cell).join(' | ')} |`),
      ].join('\n');
    case 'chart':
      return `![${text(b.caption)}](${b.file})`;
    case 'list':
      return b.items.map((i) => `- ${text(i)}`).join('\n');
    case 'code':
      return `\`\`\`sh\n${b.text}\n\`\`\``;
    case 'bars':
      return `\`\`\`text\n${barLines(b.title, b.rows, true).join('\n')}\n\`\`\``;
  }
}

/** Renders a report document as markdown. */
export function renderMarkdown(doc: ReportDocument): string {
  return `# ${text(doc.title)}\n\n${doc.blocks.map(block).join('\n\n')}\n`;
}
