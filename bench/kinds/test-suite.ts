// Experiment kind "test-suite": the test suite without the storage lab (`vitest run` with the experiment's projects),
// its wall time against the target, and the files that took longest.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { z } from 'zod';

const ROOT = join(import.meta.dirname, '..', '..');

/** The part of vitest's JSON report this reads. */
const ReportSchema = z.object({
  numPassedTests: z.number(),
  numFailedTests: z.number(),
  numPendingTests: z.number(),
  testResults: z.array(z.object({ name: z.string(), startTime: z.number(), endTime: z.number() })),
});

/** Runs the experiment; returns the exit code. */
export async function run(name: string, e: { projects: string[]; targetSeconds: number; slowest: number }) {
  const report = join(mkdtempSync(join(tmpdir(), 'qcb-suite-')), 'report.json');
  const projects = e.projects.flatMap((p) => ['--project', p]);
  const started = process.hrtime.bigint();
  await execa('npx', ['vitest', 'run', ...projects, '--reporter=json', `--outputFile=${report}`], {
    cwd: ROOT,
    reject: false,
  });
  const wall = Number(process.hrtime.bigint() - started) / 1e9;
  const r = ReportSchema.parse(JSON.parse(readFileSync(report, 'utf8')));
  const files = r.testResults
    .map((f) => ({ name: f.name.slice(ROOT.length + 1), seconds: (f.endTime - f.startTime) / 1000 }))
    .sort((a, b) => b.seconds - a.seconds);
  for (const f of files.slice(0, e.slowest)) console.log(`${f.seconds.toFixed(1).padStart(7)} s  ${f.name}`);
  console.log(`${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests} skipped`);
  const met = wall <= e.targetSeconds && r.numFailedTests === 0;
  console.log(`target at most ${e.targetSeconds} s with no failure: ${met ? 'met' : 'MISSED'}`);
  console.log(`${name} ${wall.toFixed(0)} s`);
  return met ? 0 : 1;
}
