// The document every report is built as (headings, paragraphs, tables, charts, lists, code), shown by md/text/HTML.

/** One block of a report. */
export type Block =
  | { kind: 'heading'; level: 1 | 2 | 3; text: string }
  | { kind: 'para'; text: string; strong?: boolean }
  | { kind: 'table'; head: string[]; rows: string[][] }
  | { kind: 'chart'; file: string; caption: string }
  | { kind: 'list'; items: string[] }
  | { kind: 'code'; text: string }
  | { kind: 'bars'; title: string; rows: Bar[] };

/** One bar of a text chart: its label, its length as a value, and the figure written at its end. */
export interface Bar {
  label: string;
  value: number;
  text: string;
}

/** A report: a title and its blocks. */
export interface ReportDocument {
  title: string;
  blocks: Block[];
}
