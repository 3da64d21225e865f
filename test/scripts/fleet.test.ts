// The Ansible fleet playbook against this machine (two inventory hosts, ansible_connection=local): fetches each results folder and writes one fleet report.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.ts';

describe('scripts/ansible/fleet.yml', () => {
  it('runs the bench on each host, checks the image is the same, and leaves a fleet report', async () => {
    const fleet = join(mkdtempSync(join(tmpdir(), 'qcb-fleet-')), 'fleet');
    rmSync('/tmp/qcb-fleet', { recursive: true, force: true });
    const r = await execa(
      'ansible-playbook',
      [
        '-i',
        join(ROOT, 'scripts/ansible/inventory.local.ini'),
        join(ROOT, 'scripts/ansible/fleet.yml'),
        '-e',
        `qcb_fleet_dir=${fleet}`,
      ],
      {
        cwd: ROOT,
        reject: false,
        env: {
          ANSIBLE_NOCOLOR: '1',
          ANSIBLE_HOST_KEY_CHECKING: 'False',
          QCB_CACHE_DIR: join(tmpdir(), 'qcb-fleet-cache'),
        },
        timeout: 900_000,
      },
    );
    expect(r.exitCode, `${r.stdout.slice(-3000)}\n${r.stderr.slice(-2000)}`).toBe(0);
    expect(readdirSync(fleet).sort()).toEqual(['node-a', 'node-b', 'report']);
    for (const host of ['node-a', 'node-b']) {
      const results = JSON.parse(readFileSync(join(fleet, host, 'results.json'), 'utf8'));
      expect(results.complete).toBe(true);
      expect(existsSync(join(fleet, host, 'report.md'))).toBe(true);
    }
    const report = readFileSync(join(fleet, 'report', 'compare.md'), 'utf8');
    expect(report).toMatch(/\| node-a \|/);
    expect(report).toMatch(/\| node-b \|/);
    expect(existsSync(join(fleet, 'report', 'compare.png'))).toBe(true);
  }, 900_000);
});
