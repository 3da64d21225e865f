// compare of two real runs (one with emulated flush latency): which modes changed, by how much, and the emulation flagged.
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareRuns } from '../../src/analyze/comparison.ts';
import { loadResults } from '../../src/commands/results-file.ts';
import { type CompareWarning, ComparisonSchema } from '../../src/model/comparison.ts';
import type { Results } from '../../src/model/results.ts';
import { compareDocument, compareWarningText, whereLine } from '../../src/report/compare-report.ts';
import { runCli } from '../helpers/cli.ts';

const fixtures = join(import.meta.dirname, '../fixtures/results');

describe('compareRuns', () => {
  it('aligns modes, computes changes against the first input, and flags unfair differences', () => {
    const a = { label: 'native', path: 'a', results: loadResults(join(fixtures, 'not-reproduced.json')) };
    const b = { label: 'emulated', path: 'b', results: loadResults(join(fixtures, 'reproduced-emulated.json')) };
    const c = compareRuns([a, b]);
    expect(c.rows.map((r) => r.mode)).toEqual(['writethrough', 'writeback', 'none', 'unsafe']);
    expect(c.differences.map((d) => d.fact)).toContain('emulated flush latency');
    expect(c.differences.find((d) => d.fact === 'emulated flush latency')?.values).toEqual(['none', '4 ms']);
    expect(c.warnings.map(compareWarningText).join('\n')).toMatch(
      /different emulated flush latency: native: none, emulated: 4 ms/,
    );
    expect(c.warnings).toContainEqual({
      code: 'fact-differs',
      fact: 'emulated flush latency',
      values: [
        { label: 'native', value: 'none' },
        { label: 'emulated', value: '4 ms' },
      ],
    });
    const wt = (r: typeof a.results) =>
      r.samples.filter((s) => s.mode === 'writethrough' && s.state === 'ok' && !s.warmup).map((s) => s.real);
    const gm = (v: number[]) => Math.exp(v.reduce((x, y) => x + Math.log(y), 0) / v.length);
    expect(c.rows[0]?.cells[1]?.change?.ratio).toBeCloseTo(gm(wt(b.results)) / gm(wt(a.results)), 10);
  });
});

/** A copy of a fixture whose writeback runs take `times` and whose host facts are changed by `host`. */
function variant(times: number[], host: Partial<Results['host']> = {}): Results {
  const r = structuredClone(loadResults(join(fixtures, 'not-reproduced.json')));
  r.host = { ...r.host, ...host };
  const others = r.samples.filter((s) => s.mode !== 'writeback');
  const template = r.samples.find((s) => s.mode === 'writeback') as Results['samples'][number];
  r.samples = [
    ...others,
    ...times.map((real, i) => ({ ...template, run: i + 1, round: i + 1, real, state: 'ok' as const, warmup: false })),
  ];
  return r;
}

describe('significance and fairness in compare', () => {
  // Expected values from SciPy 1.17: r = stats.ttest_ind(np.log(b), np.log(a), equal_var=False);
  // np.exp(r.confidence_interval(0.95)), r.pvalue; stats.mannwhitneyu(b, a).pvalue
  it('does not call [4,5,6] against [1,2,3] clear: the Welch interval 0.81-9.12x includes 1 (p = 0.076)', () => {
    const c = compareRuns([
      { label: 'a', path: 'a', results: variant([1, 2, 3]) },
      { label: 'b', path: 'b', results: variant([4, 5, 6]) },
    ]);
    const cell = c.rows.find((r) => r.mode === 'writeback')?.cells[1];
    expect(cell?.change?.ciLow).toBeCloseTo(0.80771963, 7);
    expect(cell?.p).toBeCloseTo(0.07559735281707748, 10);
    expect(cell?.significant).toBe(false);
    expect(cell?.rankP).toBe(0.1);
    expect(c.kind).toBe('same-setup');
    expect(compareDocument(c).blocks[0]).toEqual({
      kind: 'para',
      strong: true,
      text:
        'Inconclusive between b and a under writethrough, writeback, none, unsafe: the 95% interval of the time ' +
        'ratio includes 1 in every mode, so neither is shown to be faster.',
    });
  });
  it('4 against 4 runs that do not vary: no interval, and the headline says why (not "too few runs")', () => {
    const c = compareRuns([
      { label: 'a', path: 'a', results: variant([5, 5, 5, 5]) },
      { label: 'b', path: 'b', results: variant([4, 4, 4, 4]) },
    ]);
    const cell = c.rows.find((r) => r.mode === 'writeback')?.cells[1];
    expect([cell?.change?.ratio, cell?.change?.ciLow, cell?.significant]).toEqual([0.8, null, false]);
    const lines = compareDocument(c).blocks.flatMap((b) => (b.kind === 'para' && b.strong ? [b.text] : []));
    expect(lines).toContain(
      'No interval under writeback: every run on each side took the same time, so there is no spread to judge the ' +
        'ratio by (the table gives it).',
    );
    expect(lines.join('\n')).not.toMatch(/Too few runs/);
  });
  it('a slower input is named in one direction with its point estimate', () => {
    const c = compareRuns([
      { label: 'a', path: 'a', results: variant([4, 4.2, 4.4]) },
      { label: 'b', path: 'b', results: variant([10, 10.5, 11]) },
    ]);
    // SciPy: exp(mean log b - mean log a) = 2.5000, Welch interval on logs 2.2440-2.7852
    expect(compareDocument(c).blocks[0]).toMatchObject({
      text: 'b is 2.50x slower than a under writeback (95% interval 2.24-2.79x, Welch p < 0.001)',
    });
  });
  it('4 disjoint runs a side: clear by Welch (p = 0.033), the rank test p = 2/70 beside it', () => {
    const c = compareRuns([
      { label: 'a', path: 'a', results: variant([1, 2, 3, 4]) },
      { label: 'b', path: 'b', results: variant([5, 6, 7, 8]) },
    ]);
    const cell = c.rows.find((r) => r.mode === 'writeback')?.cells[1];
    expect(cell?.p).toBeCloseTo(0.03257156522154911, 10);
    expect(cell?.significant).toBe(true);
    expect(cell?.rankP).toBeCloseTo(2 / 70, 12);
    expect(cell?.rankExact).toBe(true);
  });
  for (const [runs, times, words] of [
    [
      3,
      [4, 4.2, 4.4],
      // SciPy: 1 / exp(mean log fast - mean log slow) = 2.5000; Welch interval on logs 2.2440-2.7852
      'fast converts 2.50x faster than slow under writeback (95% interval 2.24-2.79x, Welch p < 0.001)',
    ],
    [
      4,
      [4, 4.2, 4.4, 4.1],
      // SciPy: 2.5146; Welch interval on logs 2.2865-2.7655
      'fast converts 2.51x faster than slow under writeback (95% interval 2.29-2.77x, Welch p < 0.001)',
    ],
  ] as const) {
    it(`the headline names the faster input and by how much (${runs} runs against 3, interval excluding 1)`, () => {
      const c = compareRuns([
        { label: 'slow', path: 'a', results: variant([10, 10.5, 11]) },
        { label: 'fast', path: 'b', results: variant([...times]) },
      ]);
      const doc = compareDocument(c);
      expect(doc.blocks[0]).toEqual({ kind: 'para', strong: true, text: words });
      expect(doc.blocks[1]).toMatchObject({
        kind: 'para',
        strong: true,
        text: expect.stringMatching(/^Inconclusive between fast and slow under writethrough, none, unsafe: /),
      });
      expect(doc.blocks[2]).toEqual({ kind: 'para', strong: true, text: whereLine(c) });
      expect(doc.blocks[3]).toEqual({
        kind: 'para',
        text: 'The inputs were made on the same setup: a repeat of the same measurement.',
      });
      // the cell the headline rests on is the one the table marks
      expect(c.rows.find((r) => r.mode === 'writeback')?.cells[1]?.significant).toBe(true);
    });
  }
  it('names a comparison of two hosts a host comparison and lists every fact that differs', () => {
    const c = compareRuns([
      { label: 'vm', path: 'a', results: variant([1, 2, 3]) },
      {
        label: 'big',
        path: 'b',
        results: variant([1, 2, 3], {
          hostname: 'big',
          cpuCount: 16,
          cpuModel: 'AMD EPYC',
          distro: 'Ubuntu 24.04 LTS',
        }),
      },
    ]);
    expect(c.kind).toBe('host-comparison');
    expect(c.differences.map((d) => d.fact)).toEqual(['hostname', 'CPU model', 'CPU count', 'distribution']);
    expect(c.differences.find((d) => d.fact === 'CPU count')?.values).toEqual(['2', '16']);
    expect(c.warnings[0]).toEqual({ code: 'different-hosts' });
    expect(compareWarningText({ code: 'different-hosts' })).toMatch(/host comparison, not an A\/B test/);
  });
});

describe('where each input was measured', () => {
  it("names each input's host kind, storage, native flush (or the emulation) and image, from its results.json", () => {
    // not-reproduced: 2 CPUs, virtualMachine true, ext4 on vda, probe median 0.091648 ms, built-in 4 GiB image;
    // reproduced-emulated: the same VM with --emulate-flush-latency 4 and a 1 GiB image.
    const inputs = ['not-reproduced', 'reproduced-emulated'].map((label) => {
      const path = join(fixtures, `${label}.json`);
      return { path, label, results: loadResults(path) };
    });
    expect(whereLine(compareRuns(inputs))).toBe(
      'Measured on: not-reproduced (2-vCPU VM, ext4 on disk vda, flush 0.09 ms; built-in 4.0 GiB image); ' +
        'reproduced-emulated (2-vCPU VM, ext4 on disk vda, EMULATED flush latency 4 ms; built-in 1.0 GiB image).',
    );
  });
});

describe('npm run compare', () => {
  it('writes compare.md, compare.txt and a grouped bar chart', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'qcb-cmp-')), 'cmp');
    const r = await runCli([
      'compare',
      join(fixtures, 'not-reproduced.json'),
      join(fixtures, 'reproduced-emulated.json'),
      '--out',
      out,
    ]);
    expect(r.code, r.stderr).toBe(0);
    const md = readFileSync(join(out, 'compare.md'), 'utf8');
    expect(md).toMatch(/Read this first: what differs between the inputs/);
    expect(md).toMatch(/\| emulated flush latency \| none \| 4 ms \|/);
    expect(md).toMatch(/EMULATED/);
    expect(md.split('\n')[2]).toMatch(
      /^\*\*(.* converts .* than .*|.* is .* slower than .*|Inconclusive between .*)\*\*$/,
    );
    expect(existsSync(join(out, 'compare.png'))).toBe(true);
    expect(existsSync(join(out, 'compare.txt'))).toBe(true);
  });
  it('one input (a fleet of one host): a one-row summary, exit 0; none: one line, exit 2', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'qcb-cmp-')), 'one');
    const r = await runCli(['compare', join(fixtures, 'not-reproduced.json'), '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const md = readFileSync(join(out, 'compare.md'), 'utf8');
    expect(md.split('\n')[2]).toMatch(/^\*\*One input \(.+\): nothing to compare; its medians are below\.\*\*$/);
    expect(md).toMatch(/\| writeback \| 5\.\d\d s \|/);
    const none = await runCli(['compare']);
    expect(none.code).toBe(2);
    expect(none.stderr.trim()).toMatch(/^qemu-cache-bench: error: compare needs results.json files/);
  });
});

describe('image identity by content', () => {
  it('compares hosts whose image files differ but hold the same guest data, with a note and not as a difference', () => {
    const a = variant([1, 2, 3]);
    const b = variant([1, 2, 3]);
    a.image = { ...a.image, content: { id: 'builtin-g1:abc', method: 'm' } };
    b.image = { ...b.image, sha256: 'f'.repeat(64), content: { id: 'builtin-g1:abc', method: 'm' } };
    const c = compareRuns([
      { label: 'debian', path: 'a', results: a },
      { label: 'ubuntu', path: 'b', results: b },
    ]);
    expect(c.kind).toBe('same-setup');
    expect(compareWarningText(c.warnings.at(-1) as CompareWarning)).toMatch(
      /^note: the image files differ \(sha256 debian: 439f2343c427, ubuntu: ffffffffffff\) but hold the same guest data/,
    );
    b.image = { ...b.image, content: { id: 'builtin-g1:def', method: 'm' } };
    const d = compareRuns([
      { label: 'debian', path: 'a', results: a },
      { label: 'ubuntu', path: 'b', results: b },
    ]);
    expect(d.differences).toEqual([{ fact: 'image content', values: ['builtin-g1:abc', 'builtin-g1:def'] }]);
    expect(d.kind).toBe('ab-test');
  });
  it('sees no content difference between a schema-1 input (no content taken) and one of the same image file', () => {
    const old = variant([1, 2, 3]);
    const now = variant([1, 2, 3]);
    old.image = { ...old.image, content: null };
    now.image = { ...now.image, content: { id: 'builtin-g1:abc', method: 'm' } };
    const c = compareRuns([
      { label: 'old', path: 'a', results: old },
      { label: 'new', path: 'b', results: now },
    ]);
    expect(c.differences).toEqual([]);
    expect(c.warnings.filter((w) => w.code === 'fact-differs' && w.fact === 'image content')).toEqual([]);
  });
});

describe('compare of a file with itself', () => {
  it('is refused in one line, exit 2, nothing created (was: "a repeat of the same measurement")', async () => {
    const work = mkdtempSync(join(tmpdir(), 'qcb-cmp-self-'));
    const file = join(fixtures, 'not-reproduced.json');
    const out = join(work, 'out');
    const r = await runCli(['compare', file, `${fixtures}/../results/./not-reproduced.json`, '--out', out]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([
      `qemu-cache-bench: error: ${fixtures}/../results/./not-reproduced.json is named twice: compare needs different ` +
        'runs (the same file says nothing new)',
    ]);
    expect(existsSync(out)).toBe(false);
  });
});

describe('compare.json', () => {
  it('is versioned data: a schema version, the kind and every warning as a code with its facts', async () => {
    const work = mkdtempSync(join(tmpdir(), 'qcb-cmp-json-'));
    const a = join(fixtures, 'not-reproduced.json');
    const b = join(fixtures, 'reproduced-emulated.json');
    const r = await runCli(['compare', a, b, '--out', join(work, 'out'), '-q']);
    expect(r.code, r.stderr).toBe(0);
    const json = JSON.parse(readFileSync(join(work, 'out', 'compare.json'), 'utf8'));
    expect(json.schemaVersion).toBe(1);
    expect(['same-setup', 'ab-test', 'host-comparison', 'several-changes']).toContain(json.kind);
    expect(json.warnings.length).toBeGreaterThan(0);
    for (const w of json.warnings) expect(Object.keys(w)).toContain('code');
    expect(JSON.stringify(json.warnings)).not.toMatch(/different |an incomplete run|note: /);
    // the zod schema in src/model/comparison.ts (and so docs/results.schema.json) holds the whole file
    expect(ComparisonSchema.strict().safeParse(json).success).toBe(true);
    expect(ComparisonSchema.safeParse({ ...json, warnings: [{ code: 'unheard-of' }] }).success).toBe(false);
  });
});
