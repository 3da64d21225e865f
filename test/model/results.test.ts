// The results loader: valid files load; random, truncated and oversized input always gives a one-line UsageError.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RATIO_METHOD } from '../../src/analyze/stats.ts';
import { loadResults, MAX_RESULTS_BYTES, upgradeResults } from '../../src/commands/results-file.ts';
import { UsageError } from '../../src/model/errors.ts';
import { seededRandom } from '../../src/model/prng.ts';
import { parseResults, SCHEMA_VERSION, type Stat, SweepResultsSchema } from '../../src/model/results.ts';
import { ci } from '../../src/model/units.ts';
import { ROOT } from '../helpers/cli.ts';

const fixture = join(import.meta.dirname, '../fixtures/results/not-reproduced.json');
const dir = mkdtempSync(join(tmpdir(), 'qcb-schema-'));

function onlyUsageErrors(f: () => unknown): void {
  try {
    f();
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).not.toMatch(/\n/);
  }
}

describe('loadResults', () => {
  it('loads a real results file of schema 1, and upgrades its summary to the current statistics', () => {
    const r = loadResults(fixture);
    expect(r.schemaVersion).toBe(1);
    expect(r.summary.cases[0]?.modes[1]?.speedup?.method).toMatch(/bootstrap of medians/);
    const upgraded = upgradeResults(r);
    expect(upgraded.schemaVersion).toBe(SCHEMA_VERSION);
    expect(upgraded.summary.cases[0]?.modes[1]?.speedup?.method).toBe(RATIO_METHOD);
    expect(r.samples.length).toBeGreaterThan(0);
  });

  it('names the first problem of an invalid file', () => {
    const data = JSON.parse(readFileSync(fixture, 'utf8'));
    delete data.samples[0].real;
    expect(() => parseResults(data, 'x.json')).toThrow(/x.json is not a valid results file: samples.0.real/);
  });

  it('refuses missing files, directories and oversized files with one line', () => {
    expect(() => loadResults(join(dir, 'none.json'))).toThrow(/cannot read .*none.json: ENOENT/);
    expect(() => loadResults(dir)).toThrow(/is a directory/);
    const big = join(dir, 'big.json');
    writeFileSync(big, '');
    truncateSync(big, MAX_RESULTS_BYTES + 1);
    expect(() => loadResults(big)).toThrow(/too large for a results file/);
  });

  it('fuzz: truncations, byte flips and random JSON never escape as anything but a UsageError', () => {
    const text = readFileSync(fixture, 'utf8');
    const random = seededRandom(99);
    const file = join(dir, 'fuzz.json');
    const started = process.cpuUsage(); // CPU time: a busy machine does not move it
    for (let i = 0; i < 300; i++) {
      const kind = i % 3;
      let body: string;
      if (kind === 0) body = text.slice(0, Math.floor(random() * text.length));
      else if (kind === 1) {
        const chars = [...text.slice(0, 20000)];
        for (let k = 0; k < 5; k++)
          chars[Math.floor(random() * chars.length)] = String.fromCharCode(32 + Math.floor(random() * 90));
        body = chars.join('');
      } else body = JSON.stringify(randomValue(random, 0));
      writeFileSync(file, body);
      onlyUsageErrors(() => loadResults(file));
    }
    const cpu = process.cpuUsage(started); // a guard against runaway work, not a speed target
    expect((cpu.user + cpu.system) / 1e6).toBeLessThan(60);
  });
});

function randomValue(random: () => number, depth: number): unknown {
  const r = random();
  if (depth > 3 || r < 0.3) return [null, true, 1, -1.5, 'x', '', 1e308][Math.floor(random() * 7)];
  if (r < 0.6) return Array.from({ length: Math.floor(random() * 4) }, () => randomValue(random, depth + 1));
  const keys = ['schemaVersion', 'samples', 'config', 'summary', 'image', 'host', 'complete', 'cases', 'zzz'];
  return Object.fromEntries(
    keys
      .filter(() => random() < 0.5)
      .map((k) => [k, k === 'schemaVersion' && random() < 0.5 ? 1 : randomValue(random, depth + 1)]),
  );
}

describe('impossible times are refused where samples enter', () => {
  it('a negative or missing time names the run', () => {
    const data = JSON.parse(readFileSync(fixture, 'utf8'));
    const run = data.samples[2];
    data.samples[2].real = -1;
    expect(() => parseResults(data, 'x.json')).toThrow(
      `x.json is not a valid results file: samples.2.real (${run.mode} run ${run.run}): Too small: expected number to be >=0; re-run the bench or pass another file`,
    );
    data.samples[2].real = null; // what JSON makes of NaN and Infinity
    expect(() => parseResults(data, 'x.json')).toThrow(
      /samples\.2\.real \(\w+ run \d+\): Invalid input: expected number/,
    );
  });
  it('a successful run of 0 s is refused (it made the verdict say a mode was not measured); a failed one may be 0', () => {
    const data = JSON.parse(readFileSync(fixture, 'utf8'));
    const run = data.samples[2];
    expect(run.state).toBe('ok');
    data.samples[2].real = 0;
    expect(() => parseResults(data, 'x.json')).toThrow(
      `x.json is not a valid results file: samples.2.real (${run.mode} run ${run.run}): a successful run takes more than 0 s of real time; re-run the bench or pass another file`,
    );
    data.samples[2].state = 'failed';
    data.samples[2].failure = 'error';
    expect(parseResults(data, 'x.json').samples[2]?.real).toBe(0);
  });
});

describe('the 95% interval of a mean time, where the runs cannot give one', () => {
  const stat = (over: Partial<Stat>): Stat => ({
    n: 4,
    mean: 6.25,
    median: 6.25,
    sd: 0,
    min: 6.25,
    max: 6.25,
    ciLow: 6.25,
    ciHigh: 6.25,
    ...over,
  });
  it('identical runs: no interval of width 0, it says they were equal (was "6.25-6.25 s")', () => {
    expect(ci(stat({}))).toBe('- (all 4 runs equal)');
  });
  it('a lower bound below 0 s is not printed (was "-0.301-10.1 s"); a sound one is', () => {
    // Two runs of 1 s and 9 s: mean 5, sd 5.657, t(0.975, 1) = 12.706: 5 +- 50.8 s.
    expect(ci(stat({ n: 2, mean: 5, sd: 5.657, ciLow: -45.8, ciHigh: 55.8 }))).toBe(
      '- (too few runs: 2 with ±113% spread)',
    );
    expect(ci(stat({ n: 4, mean: 6.25, sd: 0.1, ciLow: 6.09, ciHigh: 6.41 }))).toBe('6.09-6.41 s');
  });
});

describe('the committed examples', () => {
  it('are every one in the current schema (npx tsx scripts/upgrade-examples.ts rewrites older ones)', () => {
    const files = readdirSync(join(ROOT, 'results'), { recursive: true, encoding: 'utf8' }).filter(
      (f) => f === 'results.json' || f.endsWith('/results.json'),
    );
    expect(files.length).toBeGreaterThanOrEqual(20);
    for (const f of files) {
      const version = JSON.parse(readFileSync(join(ROOT, 'results', f), 'utf8')).schemaVersion;
      expect(version, f).toBe(SCHEMA_VERSION);
    }
  });
  it('include every example folder here and in results/README.md: each is tracked by git, not only present here', () => {
    const readme = readFileSync(join(ROOT, 'results', 'README.md'), 'utf8');
    const described = [...readme.matchAll(/`(example[\w-]*)\/`/g)].map((m) => m[1] as string);
    const present = readdirSync(join(ROOT, 'results')).filter((name) => name.startsWith('example'));
    expect(described.sort()).toEqual(present.sort()); // each folder described once, none described that is absent
    const named = present;
    const tracked = execFileSync('git', ['ls-files', 'results'], { cwd: ROOT, encoding: 'utf8' });
    const folders = new Set(tracked.split('\n').map((line) => line.split('/')[1]));
    expect(named.filter((name) => !folders.has(name))).toEqual([]);
  });
  it("and the sweep's sweep.json is its current schema: a point's reason a code, never English", () => {
    const sweep = JSON.parse(readFileSync(join(ROOT, 'results', 'example-sweep', 'sweep.json'), 'utf8'));
    expect(SweepResultsSchema.parse(sweep).schemaVersion).toBe(2);
  });
});
