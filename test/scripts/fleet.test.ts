// The Ansible fleet playbook against this machine (two inventory hosts, ansible_connection=local): fetches each results folder and writes one fleet report.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { ensureDefaultImage } from '../../src/image/builtin-image.ts';
import { bundleEnv, ROOT } from '../helpers/cli.ts';

/**
 * Gives a host's tool folder the checkout's node_modules, hard-linked, as a host where setup.sh ran `npm ci` for this
 * lock file (its .package-lock.json a copy dated now, so setup.sh finds them current). Where hard links cannot be made
 * (another file system), nothing is left and the host runs `npm ci` itself.
 */
function seedDependencies(toolDir: string): void {
  const seeded = join(toolDir, 'node_modules');
  mkdirSync(toolDir, { recursive: true });
  try {
    execFileSync('cp', ['-al', join(ROOT, 'node_modules'), seeded], { stdio: 'ignore' });
    rmSync(join(seeded, '.package-lock.json'));
    copyFileSync(join(ROOT, 'node_modules', '.package-lock.json'), join(seeded, '.package-lock.json'));
  } catch {
    rmSync(seeded, { recursive: true, force: true });
  }
}

describe('scripts/ansible/fleet.yml', () => {
  it('runs the bench on a setup host and a bundle host, checks they converted the same guest data, and leaves a fleet report', async () => {
    const fleet = join(mkdtempSync(join(tmpdir(), 'qcb-fleet-')), 'fleet');
    const cache = mkdtempSync(join(tmpdir(), 'qcb-fleet-cache-'));
    // The controller has built the image once (as any bench there would); node-b gets it pushed.
    const params = { virtualSize: 64 * 1024 ** 2, dataSize: 8 * 1024 ** 2, clusterSize: 65536, seed: 1818847 };
    await ensureDefaultImage('qemu-img', params, join(cache, 'images'));
    const hosts = mkdtempSync(join(tmpdir(), 'qcb-fleet-hosts-')); // the two "hosts'" tool folders, this test's own
    // node-a is a host that has run setup.sh before: its npm dependencies are in place (the controller's, hard-linked),
    // so setup.sh checks its packages, builds dist/ and the helpers, and skips `npm ci`, whose canvas compile took
    // ~40 of the test's 65 s alone and ~90 s beside the other tests. Both README lines and CI run setup.sh's `npm ci`.
    seedDependencies(join(hosts, 'node-a'));
    const r = await execa(
      'ansible-playbook',
      [
        '-i',
        join(ROOT, 'scripts/ansible/inventory.local.ini'),
        join(ROOT, 'scripts/ansible/fleet.yml'),
        '-e',
        `qcb_fleet_dir=${fleet}`,
        '-e',
        `qcb_local_root=${hosts}`,
      ],
      {
        cwd: ROOT,
        reject: false,
        env: {
          ANSIBLE_NOCOLOR: '1',
          ANSIBLE_HOST_KEY_CHECKING: 'False',
          QCB_CACHE_DIR: cache,
          ...bundleEnv(), // the controller's bundle build copies this run's compiled CLI
        },
        timeout: 900_000,
      },
    );
    expect(r.exitCode, `${r.stdout.slice(-3000)}\n${r.stderr.slice(-2000)}`).toBe(0);
    expect(readdirSync(fleet).sort()).toEqual(['node-a', 'node-b', 'report']);
    const contents = [];
    for (const host of ['node-a', 'node-b']) {
      const results = JSON.parse(readFileSync(join(fleet, host, 'results.json'), 'utf8'));
      expect(results.complete).toBe(true);
      expect(existsSync(join(fleet, host, 'report.md'))).toBe(true);
      contents.push(results.image.content.id);
    }
    expect(contents[0]).toMatch(/^builtin-g1:[0-9a-f]{64}$/);
    expect(contents[1]).toBe(contents[0]);
    // node-b ran the bundle: its tool folder holds no checkout, and it built no image (the controller's was pushed).
    expect(existsSync(join(hosts, 'node-b/qemu-cache-bench/qemu-cache-bench'))).toBe(true);
    expect(existsSync(join(hosts, 'node-b/package.json'))).toBe(false);
    expect(JSON.parse(readFileSync(join(fleet, 'node-b', 'results.json'), 'utf8')).image.buildSeconds).toBe(0);
    const report = readFileSync(join(fleet, 'report', 'compare.md'), 'utf8');
    expect(report).toMatch(/\| node-a \|/);
    expect(report).toMatch(/\| node-b \|/);
    expect(existsSync(join(fleet, 'report', 'compare.png'))).toBe(true);
    rmSync(hosts, { recursive: true, force: true });
  }, 900_000);
});
