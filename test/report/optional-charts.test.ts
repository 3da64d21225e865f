// compare and sweep where the chart library cannot load or draw: every text file is written, saying why there is no
// chart, as report does (was: a static canvas import made compare and sweep exit 70 with an empty --out).

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareRuns } from '../../src/analyze/comparison.ts';
import { readResults } from '../../src/commands/results-file.ts';
import { SweepResultsSchema } from '../../src/model/results.ts';
import { renderComparison } from '../../src/report/compare-report.ts';
import { renderSweep } from '../../src/report/sweep-report.ts';
import { ROOT } from '../helpers/cli.ts';

const NO_CAIRO = 'libcairo.so.2: cannot open shared object file: No such file or directory';
const failingDraw = async (): Promise<Buffer> => {
  throw new Error(`${NO_CAIRO}\n    at dlopen`);
};

describe('without the chart library', () => {
  it('compare writes compare.md/.txt/.html/.json, no PNG, and says why', async () => {
    const inputs = ['example', 'example-memory'].map((name) => {
      const path = join(ROOT, 'results', name, 'results.json');
      return { path, label: name, results: readResults(path) };
    });
    const files = await renderComparison(compareRuns(inputs), undefined, failingDraw);
    expect(files.map((f) => f.name)).toEqual(['compare.md', 'compare.txt', 'compare.html', 'compare.json']);
    const md = String(files[0]?.data);
    expect(md).toContain(`**Charts skipped: ${NO_CAIRO}; run \`npm run compare\` where charts work to draw them.**`);
  });
  it('sweep writes sweep.json/.md/.txt, no PNG, and says why', async () => {
    const sweep = SweepResultsSchema.parse(
      JSON.parse(readFileSync(join(ROOT, 'results/example-sweep/sweep.json'), 'utf8')),
    );
    const files = await renderSweep(sweep, failingDraw);
    expect(files.map((f) => f.name)).toEqual(['sweep.json', 'sweep.md', 'sweep.txt']);
    expect(String(files[1]?.data)).toContain(`Charts skipped: ${NO_CAIRO};`);
  });
});
