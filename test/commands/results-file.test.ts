// Reading results files of every schema: the committed examples (schema 1 and 2) load, are brought up to date, and
// render exactly the report text committed beside them; schema 2's sentences come back as their codes.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readResults } from '../../src/commands/results-file.ts';
import { PROJECT_IDS } from '../../src/model/project-rules.ts';
import { SCHEMA_VERSION } from '../../src/model/results.ts';
import { renderReports } from '../../src/report/registry.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const noCharts = async () => ({ renderBenchCharts: async () => [] });

describe('committed examples, and the files they were before they were rewritten in the current schema', () => {
  // test/fixtures/results/legacy/NAME.json: results/NAME/results.json as committed in its old schema (the samples the
  // same); read and upgraded, each renders the committed report of its example, as its rewritten file does.
  for (const [example, schema] of [
    ['example', 2],
    ['example-loop', 2],
    ['example-memory', 2],
    ['example-emulated-2ms', 1],
    ['example-durability', 3],
  ] as const) {
    const legacy = join(ROOT, 'test', 'fixtures', 'results', 'legacy', `${example}.json`);
    const sources = schema === SCHEMA_VERSION ? [] : [[legacy, schema] as const];
    for (const [file, version] of [
      [join(ROOT, 'results', example, 'results.json'), SCHEMA_VERSION] as const,
      ...sources,
    ]) {
      it(`${file.slice(ROOT.length + 1)} (schema ${version}) renders the committed report.md and report.txt`, async () => {
        expect(JSON.parse(readFileSync(file, 'utf8')).schemaVersion).toBe(version);
        const results = readResults(file);
        expect(results.schemaVersion).toBe(SCHEMA_VERSION);
        const files = await renderReports(results, noCharts);
        for (const name of ['report.md', 'report.txt']) {
          const rendered = String(files.find((f) => f.name === name)?.data);
          const committed = readFileSync(join(ROOT, 'results', example, name), 'utf8');
          // Charts are left out here: the committed report links them, so compare without the chart lines.
          const withoutCharts = (text: string) =>
            text
              .split('\n')
              .filter((l) => !/charts\/|^Charts skipped/.test(l))
              .join('\n');
          expect(withoutCharts(rendered), name).toBe(withoutCharts(committed));
        }
      });
    }
  }
  it("brings schema 2's sentences back as codes and recomputes the findings", () => {
    const results = readResults(join(ROOT, 'test', 'fixtures', 'results', 'legacy', 'example.json'));
    expect(results.notMeasured).toEqual([]);
    expect(results.sampling).toMatchObject({
      stoppedBy: 'budget',
      target: 'speedup',
      spentSeconds: 167,
      roundSeconds: 40,
      rounds: 4,
    });
    expect(results.verdicts[0]).toMatchObject({ caseId: 'default', outcome: 'smaller' });
    expect(results.verdicts[0]?.reasons.map((r) => r.code)).toContain('fast-flushes');
    expect(results.recommendations[0]?.projects.map((p) => p.project)).toEqual([...PROJECT_IDS]);
    for (const s of results.samples) expect(s).not.toHaveProperty('ok');
  });
});
