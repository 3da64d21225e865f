// results.csv read back with an independent parser (csv-parse): unit-suffixed columns, host and run start on every row,
// text a spreadsheet would run as a formula guarded, and the CSVs of two hosts concatenate into one table.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { readResults } from '../../src/commands/results-file.ts';
import { renderCsv } from '../../src/report/csv.ts';
import { ROOT } from '../helpers/cli.ts';

const example = readResults(join(ROOT, 'results', 'example', 'results.json'));
const rowsOf = (text: string) => parse(text, { columns: true }) as Record<string, string>[];

describe('results.csv', () => {
  it('has a row per run with the units in the column names and the values of results.json', () => {
    const rows = rowsOf(renderCsv(example));
    expect(rows).toHaveLength(example.samples.length);
    expect(Object.keys(rows[0] as object).slice(0, 4)).toEqual(['host', 'run_started_at', 'case_id', 'mode']);
    for (const name of ['real_s', 'user_s', 'sys_s', 'sync_s', 'durable_s', 'dirty_after_kib', 'output_bytes'])
      expect(Object.keys(rows[0] as object)).toContain(name);
    example.samples.forEach((sample, i) => {
      expect(rows[i]?.host).toBe(example.host.hostname);
      expect(rows[i]?.run_started_at).toBe(example.startedAt);
      expect(Number(rows[i]?.real_s)).toBe(sample.real);
      expect(Number(rows[i]?.durable_s)).toBe(sample.durable);
    });
  });
  it('is what the committed example holds (npm run report wrote it for a results.json that had none)', () => {
    for (const name of ['example', 'example-emulated-2ms']) {
      const results = readResults(join(ROOT, 'results', name, 'results.json'));
      expect(readFileSync(join(ROOT, 'results', name, 'results.csv'), 'utf8')).toBe(renderCsv(results));
    }
  });
  it("prefixes text a spreadsheet would run as a formula with ', and keeps negative numbers as numbers", () => {
    const first = example.samples[0] as (typeof example.samples)[number];
    const hostile = {
      ...example,
      samples: [
        { ...first, stderrTail: "=cmd|' /C calc'!A0", error: '@SUM(1+1)' },
        { ...first, stderrTail: '+1', error: '-2+3' },
      ],
    };
    const rows = rowsOf(renderCsv(hostile));
    expect(rows.map((r) => [r.stderr_tail, r.error])).toEqual([
      ["'=cmd|' /C calc'!A0", "'@SUM(1+1)"],
      ["'+1", "'-2+3"],
    ]);
    expect(rows[0]?.real_s).toBe(String(first.real));
  });
  it('of two hosts concatenate (header once) into one table with a host column', () => {
    const other = { ...example, host: { ...example.host, hostname: 'node-b' } };
    const [a, b] = [renderCsv(example), renderCsv(other)];
    const joined = a + b.slice(b.indexOf('\n') + 1);
    const rows = rowsOf(joined);
    expect(rows).toHaveLength(2 * example.samples.length);
    expect([...new Set(rows.map((r) => r.host))]).toEqual([example.host.hostname, 'node-b']);
  });
});
