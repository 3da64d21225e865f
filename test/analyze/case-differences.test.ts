// What changed between the cases of a matrix: two qemu-img builds and two option sets, each mode's time ratio and its
// Welch interval against values computed by R (t.test on log times), and the headline's words.
import { describe, expect, it } from 'vitest';
import { caseDifferences } from '../../src/analyze/case-differences.ts';
import { findingsOf } from '../../src/analyze/findings.ts';
import { summarize } from '../../src/analyze/summary.ts';
import { readResults } from '../../src/commands/results-file.ts';
import type { Results, Sample } from '../../src/model/results.ts';
import { caseDifferenceHeadlines } from '../../src/report/case-difference-text.ts';

const example = readResults('results/example/results.json');

/** Times per case and mode (seconds): qemu=1 is Debian's 7.2.22, qemu=2 a 10.0.13 build at another path. */
const TIMES: Record<string, Record<string, number[]>> = {
  'qemu=1': { writethrough: [13.2, 13.9, 12.8, 13.5], writeback: [6.5, 6.7, 6.4, 6.9] },
  'qemu=2': { writethrough: [13.0, 14.1, 13.3, 12.9], writeback: [5.1, 5.3, 5.0, 5.4] },
};

function twoBuilds(): Results {
  const [base] = example.cases;
  if (!base) throw new Error('example has no case');
  const template = example.samples.find((s) => s.state === 'ok' && !s.warmup) as Sample;
  const samples = Object.entries(TIMES).flatMap(([caseId, modes]) =>
    Object.entries(modes).flatMap(([mode, reals]) =>
      reals.map((real, i) => ({ ...template, caseId, mode, run: i + 1, round: i + 1, real, durable: real })),
    ),
  );
  const cases = [
    { ...base, id: 'qemu=1' },
    { ...base, id: 'qemu=2', qemuImg: '/opt/trixie/qemu-img', qemuImgVersion: '10.0.13' },
  ];
  const results = {
    ...example,
    cases,
    samples,
    summary: summarize(samples, ['qemu=1', 'qemu=2'], ['writethrough', 'writeback'], 'writethrough'),
    flushProbe: example.flushProbe.map((p) => ({ ...p, caseId: 'qemu=1' })),
  };
  return { ...results, ...findingsOf(results) };
}

describe('caseDifferences', () => {
  it('two builds: each mode of 10.0.13 against 7.2.22, as R computes it', () => {
    // R: r <- t.test(log(b), log(a)); c(exp(r$estimate[1] - r$estimate[2]), exp(r$conf.int), r$p.value)
    const got = caseDifferences(twoBuilds()).map((d) => [
      d.dimension,
      d.baselineCaseId,
      d.caseId,
      d.baselineValue,
      d.value,
      d.mode,
    ]);
    expect(got).toEqual([
      ['qemu-img', 'qemu=1', 'qemu=2', '7.2.22', '10.0.13', 'writethrough'],
      ['qemu-img', 'qemu=1', 'qemu=2', '7.2.22', '10.0.13', 'writeback'],
    ]);
    const ratios = caseDifferences(twoBuilds()).map((d) => d.ratio);
    const R = [
      [R_WT.ratio, R_WT.low, R_WT.high, R_WT.p],
      [R_WB.ratio, R_WB.low, R_WB.high, R_WB.p],
    ];
    ratios.forEach((r, i) => {
      const [ratio, low, high, p] = R[i] as number[];
      expect(r.ratio).toBeCloseTo(ratio as number, 9);
      expect(r.ciLow).toBeCloseTo(low as number, 9);
      expect(r.ciHigh).toBeCloseTo(high as number, 9);
      expect(r.p).toBeCloseTo(p as number, 8); // jStat's t distribution agrees with R's to ~1e-9
    });
  });

  it('the headline names the builds, where, and each mode with its interval and judgement', () => {
    expect(caseDifferenceHeadlines(twoBuilds())).toEqual([
      'qemu-img 10.0.13 against 7.2.22 here (2-vCPU VM, ext4 on disk vda, flush 0.42 ms; built-in 4.0 GiB image), ' +
        'time ratio per mode (95% interval): writethrough 1.00x (0.93-1.07x, inconclusive: the interval includes 1); ' +
        'writeback 0.78x (0.74-0.83x, 10.0.13 faster).',
    ]);
  });

  it('two builds of one version are told apart by their paths', () => {
    const r = twoBuilds();
    const same = { ...r, cases: r.cases.map((c) => ({ ...c, qemuImgVersion: '7.2.22' })) };
    const [d] = caseDifferences(same);
    expect([d?.baselineValue, d?.value]).toEqual([`7.2.22 (${r.cases[0]?.qemuImg})`, '7.2.22 (/opt/trixie/qemu-img)']);
  });

  it('option sets (example-loop, -m 1 and -m 8): named by what varied, ratios as R computes them', () => {
    const loop = readResults('results/example-loop/results.json');
    const got = caseDifferences(loop).map((d) => [d.dimension, d.baselineValue, d.value, d.mode, d.ratio.ratio]);
    expect(got.map((g) => g.slice(0, 4))).toEqual([
      ['options', 'm=1', 'm=8', 'writeback'],
      ['options', 'm=1', 'm=8', 'none'],
    ]);
    expect(got[0]?.[4]).toBeCloseTo(LOOP_WB_RATIO, 9);
    expect(got[1]?.[4]).toBeCloseTo(LOOP_NONE_RATIO, 9);
  });

  it('nothing for one case, and nothing under --as-projects', () => {
    expect(caseDifferences(example)).toEqual([]);
    const r = twoBuilds();
    const projects = { ...r, cases: r.cases.map((c) => ({ ...c, command: example.cases[0]?.command ?? null })) };
    expect(caseDifferences({ ...projects, cases: projects.cases.map((c) => ({ ...c, command: COMMAND })) })).toEqual(
      [],
    );
  });
});

const COMMAND = {
  projects: ['nova' as const],
  argv: ['convert', '-t', 'none', '-O', 'raw', '{src}', '{dst}'],
  existingTarget: false,
  fsyncAfter: false,
  prefix: [],
  env: {},
  notApplied: null,
};

// Rscript: f <- function(b, a) { r <- t.test(log(b), log(a)); c(exp(diff(rev(r$estimate))), exp(r$conf.int), r$p.value) }
const R_WT = { ratio: 0.99797080544, low: 0.934716453063, high: 1.065505721278, p: 0.941727449163 };
const R_WB = { ratio: 0.784870753684, low: 0.739681464799, high: 0.832820787467, p: 5.88239604691e-5 };
const LOOP_WB_RATIO = 0.697634795338;
const LOOP_NONE_RATIO = 0.579174730835;
