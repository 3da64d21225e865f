// --as-projects with real qemu-img: each distinct command line the projects would run on a target is measured once per
// round, every run's argv is its project's rule applied to the facts the run recorded, and CDI's time to durable holds
// the sync after its writeback conversion. On a directory and (as root) on a loop device.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadResults } from '../../src/commands/results-file.ts';
import { fillArgv, PROJECT_IDS, type ProjectFacts, projectRule } from '../../src/model/project-rules.ts';
import type { Results } from '../../src/model/results.ts';
import { IS_ROOT, runCli } from '../helpers/cli.ts';

const work = mkdtempSync(join(tmpdir(), 'qcb-projects-'));
const env = { QCB_CACHE_DIR: join(work, 'cache') };
const small = ['--image-size', '64M', '--image-data', '8M', '--runs', '1', '--no-flush-probe'];

afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Runs the bench --as-projects onto `target` and returns its results. */
async function benchAsProjects(target: string[], name: string): Promise<Results> {
  const out = join(work, name);
  const r = await runCli(['bench', '--as-projects', ...small, ...target, '--out', out, '--quiet'], { env });
  expect(r.code, r.stderr).toBe(0);
  return loadResults(join(out, 'results.json'));
}

/** Every project ran exactly its rule's command on the facts the run recorded; returns the projects run. */
function expectRulesRun(results: Results): string[] {
  const ran: string[] = [];
  for (const c of results.cases) {
    const command = c.command;
    expect(command).not.toBeNull();
    const probe = c.odirectProbe as NonNullable<typeof c.odirectProbe>;
    const facts: ProjectFacts = {
      target: c.targetKind === 'dir' ? 'dir' : 'block',
      device: c.device?.path ?? null,
      odirect: probe.target,
      sourceOdirect: probe.source,
      fsType: c.storage.fsType,
      writebackOomKilled: null,
      srcFormat: results.image.format,
      outFormat: c.outputFormat,
    };
    const samples = results.samples.filter((s) => s.caseId === c.id);
    expect(samples).toHaveLength(1); // one round: each distinct command once
    const sample = samples[0] as (typeof samples)[number];
    expect(sample.state, sample.error ?? '').toBe('ok');
    for (const project of command?.projects ?? []) {
      const pick = projectRule(project).pick(facts);
      expect(pick.state).toBe('command');
      if (pick.state !== 'command') continue;
      const files = { src: results.image.path, dst: sample.argv?.at(-1) as string, ...facts };
      expect(sample.argv).toEqual(fillArgv(pick.command.argv, files));
      ran.push(project);
    }
  }
  const argvs = results.cases.map((c) => JSON.stringify(c.command?.argv));
  expect(new Set(argvs).size).toBe(argvs.length); // projects with the same command share one case
  return ran;
}

describe('--as-projects (real qemu-img)', () => {
  it('on a directory: every project that writes files runs its own command line once', async () => {
    const dir = mkdtempSync(join(work, 'dir-'));
    const results = await benchAsProjects(['--target-dir', dir], 'out-dir');
    const ran = expectRulesRun(results);
    // Ironic writes block devices only; the others all run here (Incus once the source's O_DIRECT is known).
    expect(ran.sort()).toEqual(PROJECT_IDS.filter((p) => p !== 'ironic').sort());
    expect(results.notMeasured).toContainEqual({
      code: 'project-not-run',
      project: 'ironic',
      target: dir,
      state: 'not-applicable',
    });
    const cdi = results.samples.find((s) => s.caseId.includes('cdi'));
    expect(cdi?.mode).toBe('writeback');
    expect(cdi?.sync).toBeGreaterThan(0); // CDI's fsync after writeback: the sync of the time to durable
    expect(cdi?.durable).toBeCloseTo((cdi?.real ?? 0) + (cdi?.sync ?? 0), 5);
    const projects = results.projectRuns.flatMap((r) => r.projects);
    expect(projects.sort()).toEqual(ran.sort());
    expect(results.projectRuns.filter((r) => !r.margin && r.durableAtReturn)).toHaveLength(1); // one fastest
    expect(readdirSync(dir)).toEqual([]);
  }, 300_000);

  it.skipIf(!IS_ROOT)(
    'on a loop device: Ironic, Cinder with -t none, vdsm with -n -W under nice/ionice, Nova without -f (needs root: losetup)',
    async () => {
      const dir = mkdtempSync(join(work, 'loop-'));
      const results = await benchAsProjects(['--target-loop', dir], 'out-loop');
      const ran = expectRulesRun(results);
      expect(ran).toContain('ironic');
      const argvOf = (project: string) =>
        results.samples.find((s) =>
          results.cases.find((c) => c.id === s.caseId)?.command?.projects.includes(project as never),
        )?.argv;
      // ironic_python_agent qemu_img.py 108-128: -O, -t, -S, -f, -W in that order
      expect(argvOf('ironic')?.slice(0, 10)).toEqual([
        'convert',
        '-O',
        'host_device',
        '-t',
        'directsync',
        '-S',
        '0',
        '-f',
        'qcow2',
        '-W',
      ]);
      // Nova's LVM backend: convert_image_unsafe, no -f; CloudStack onto a plain block pool: no -t
      expect(argvOf('nova')?.slice(0, 5)).toEqual(['convert', '-t', 'none', '-O', 'raw']);
      expect(argvOf('nova')).not.toContain('-f');
      expect(argvOf('cloudstack')).not.toContain('-t');
      const vdsm = results.cases.find((c) => c.command?.projects.includes('vdsm'));
      expect(vdsm?.command?.prefix).toEqual(['nice', '-n', '19', 'ionice', '-c', '3']);
      // qemu_img.py: ProcessLimits(address_space=image_convert_memory_limit MiB): qemu-img ran under a 2 GiB limit
      const ironic = results.cases.find((c) => c.command?.projects.includes('ironic'));
      expect(ironic?.command?.prefix).toEqual(['prlimit', '--as=2147483648']);
      expect(results.samples.filter((s) => s.caseId === ironic?.id && !s.warmup).map((s) => s.state)).toEqual(['ok']);
      expect(argvOf('cinder')?.slice(0, 4)).toEqual(['convert', '-O', 'raw', '-t']);
      expect(argvOf('vdsm')).toContain('-W');
      expect(readdirSync(dir)).toEqual([]);
    },
    300_000,
  );
});
