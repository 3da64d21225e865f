// report.md: the report document as GitHub-flavoured markdown, charts embedded by relative path.
import type { Block, ReportDocument } from './document-model.ts';

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function block(b: Block): string {
  switch (b.kind) {
    case 'heading':
      return `${'#'.repeat(b.level)} ${b.text}`;
    case 'para':
      return b.strong ? `**${b.text}**` : b.text;
    case 'table':
      return [
        `| ${b.head.map(cell).join(' | ')} |`,
        `|${b.head.map(() => '---').join('|')}|`,
        ...b.rows.map((r) => `| ${r.map(cell).join(' | ')} |`),
      ].join('\n');
    case 'chart':
      return `![${b.caption}](${b.file})`;
    case 'list':
      return b.items.map((i) => `- ${i}`).join('\n');
    case 'code':
      return `\`\`\`sh\n${b.text}\n\`\`\``;
  }
}

/** Renders a report document as markdown. */
export function renderMarkdown(doc: ReportDocument): string {
  return `# ${doc.title}\n\n${doc.blocks.map(block).join('\n\n')}\n`;
}
