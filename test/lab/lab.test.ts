// The storage lab end to end: a real kernel in a guest (TCG here), the offline bundle run on NFSv3/NFSv4.2 (sync and
// async exports), a thick and a thin LV and an iSCSI LUN, and a real power cut of the whole guest on ext4 and XFS.
// Facts, commands, flush counts and durability are checked per scenario against what the guest itself reports
// (mountinfo, etab, lvs, sysfs, strace, the recovered disk).
// QCB_LAB_OUT=DIR reads the results of an earlier `npm run lab -- all --out DIR` instead of running the lab.

import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Results } from '../../src/model/results.ts';
import { parseResults } from '../../src/model/results.ts';
import { mountsOfType } from '../../src/system/power-cut-mount.ts';
import { IS_ROOT, ROOT } from '../helpers/cli.ts';

const HAS_QEMU_SYSTEM = (await execa('sh', ['-c', 'command -v qemu-system-x86_64'], { reject: false })).exitCode === 0;
const CAN_RUN_LAB = IS_ROOT && HAS_QEMU_SYSTEM;
const NEEDS_LAB = IS_ROOT ? '(needs qemu-system-x86_64: setup.sh --test-tools)' : '(needs root: debootstrap, 9p)';

function lab(args: string[], env: Record<string, string> = {}) {
  return execa('node', ['--import', 'tsx', join(ROOT, 'lab/lab.ts'), ...args], {
    cwd: ROOT,
    reject: false,
    env,
    all: true,
    timeout: 100 * 60_000,
  });
}

const out = process.env.QCB_LAB_OUT ?? mkdtempSync(join(tmpdir(), 'qcb-lab-test-'));
let labRun: { exitCode?: number; all?: string } = {};

beforeAll(async () => {
  if (!CAN_RUN_LAB || process.env.QCB_LAB_OUT) return;
  labRun = await lab(['all', '--out', out]);
}, 100 * 60_000);

function results(scenario: string, run: 'bench' | 'projects' | 'durability'): Results {
  return parseResults(JSON.parse(readFileSync(join(out, scenario, run, 'results.json'), 'utf8')));
}
function guestFile(scenario: string, name: string): string {
  return readFileSync(join(out, scenario, name), 'utf8');
}
/** The count of one kind of leftover the guest listed after the runs ("mounts: 0"). */
function leftover(scenario: string, what: string): number {
  const m = new RegExp(`^${what}: (\\d+)$`, 'm').exec(guestFile(scenario, 'leftovers.txt'));
  return Number(m?.[1] ?? Number.NaN);
}
/** writethrough's flushes per run as the flush meter counted them in the timed runs of a case. */
function meterFlushes(r: Results, caseId: string): number[] {
  return r.samples
    .filter((s) => s.caseId === caseId && s.mode === 'writethrough' && s.state === 'ok')
    .map((s) => s.flushes?.calls ?? Number.NaN);
}
function durability(r: Results, caseId: string, mode: string) {
  return r.durability.find((d) => d.caseId === caseId && d.mode === mode);
}

describe.skipIf(!CAN_RUN_LAB)(`the lab ${NEEDS_LAB}`, () => {
  it('ran every scenario in a guest that said its exit code, and every bench in it exited 0', () => {
    for (const scenario of ['nfs', 'lvm', 'iscsi', 'power-cut']) {
      const record = JSON.parse(guestFile(scenario, 'lab.json'));
      expect(record.exitCode, `${scenario}: ${record.failure} ${labRun.all ?? ''}`).toBe(0);
      expect(record.guestKernel).toMatch(/^6\.1\./);
      if (scenario === 'power-cut') continue;
      const codes = guestFile(scenario, 'exit-codes.txt').trim().split('\n');
      expect(codes.map((l) => l.split(' ')[0])).toEqual(scenario === 'nfs' ? ['0', '0', '0'] : ['0', '0']);
    }
  });

  describe('nfs', () => {
    const cases = () => results('nfs', 'bench').cases;
    it('names each target as the guest mounted it: nfs (vers=3) and nfs4 (vers=4.2), server, export, sync/async', () => {
      const mounts = guestFile('nfs', 'nfs-mounts.txt');
      const facts = cases().map((c) => [c.targetDir, c.storage.fsType, c.storage.nfs?.version, c.storage.nfs?.export]);
      expect(facts).toEqual([
        ['/mnt/nfs3-sync', 'nfs', '3', '/srv/nfs/v3-sync'],
        ['/mnt/nfs3-async', 'nfs', '3', '/srv/nfs/v3-async'],
        ['/mnt/nfs42-sync', 'nfs4', '4.2', '/srv/nfs/v42-sync'],
        ['/mnt/nfs42-async', 'nfs4', '4.2', '/srv/nfs/v42-async'],
      ]);
      for (const c of cases()) {
        expect(mounts).toContain(` ${c.targetDir} `);
        expect(c.storage.nfs?.server).toBe('127.0.0.1');
        expect(c.storage.nfs?.exportSync).toBe(c.targetDir.endsWith('-sync') ? 'sync' : 'async');
      }
      expect(guestFile('nfs', 'etab.txt')).toMatch(/^\/srv\/nfs\/v3-async\s+127\.0\.0\.1\(rw,async,/m);
    });
    it("the meter's writethrough flush count equals strace's in the guest (NFSv4.2, sync export)", () => {
      const r = results('nfs', 'bench');
      const c = r.cases.find((x) => x.targetDir === '/mnt/nfs42-sync');
      const strace = Number(guestFile('nfs', 'strace-writethrough-nfs42-sync.txt').trim());
      expect(strace).toBeGreaterThan(50);
      expect(meterFlushes(r, c?.id ?? '')).toEqual([strace, strace]);
    });
    it('the power-cut check with its backing folder on NFSv3 (sync export): writeback intact, unsafe lost', () => {
      const r = results('nfs', 'durability');
      const c = r.cases[0];
      expect(c?.targetDir).toBe('/mnt/nfs3-sync');
      const id = c?.id ?? '';
      expect([durability(r, id, 'writeback')?.atReturn, durability(r, id, 'unsafe')?.atReturn]).toEqual([
        'intact',
        'lost',
      ]);
    });
    it('the report says where: NFS version, server and export in the headline', () => {
      const report = readFileSync(join(out, 'nfs', 'bench', 'report.md'), 'utf8');
      expect(report).toMatch(/here \(2-CPU TCG guest, NFSv3 127\.0\.0\.1:\/srv\/nfs\/v3-sync \(sync export\), flush /);
    });
    it('nothing of the tool is left: no mount of its own, no FUSE mount, no loop, no process, targets empty', () => {
      for (const what of ['mounts', 'fuse mounts', 'loops', 'power-cut-fs processes', 'qemu-img processes']) {
        expect(leftover('nfs', what), what).toBe(0);
      }
      expect(
        guestFile('nfs', 'targets-after.txt')
          .replace(/^\/mnt\/\S+:$/gm, '')
          .trim(),
      ).toBe('');
    });
  });

  describe('lvm', () => {
    it('names the thick and the thin LV (dm, VG, LV, thin pool) as lvs reports them', () => {
      const lvs = JSON.parse(guestFile('lvm', 'lvs.json')).report[0].lv as Record<string, string>[];
      const thin = lvs.find((l) => l.lv_name === 'thin');
      expect(thin?.pool_lv).toBe('pool');
      const facts = results('lvm', 'bench').cases.map((c) => [c.targetDir, c.storage.dm?.lvm, c.storage.transport]);
      expect(facts).toEqual([
        ['/dev/vg0/thick', { vg: 'vg0', lv: 'thick', thinPool: null }, 'dm'],
        ['/dev/vg0/thin', { vg: 'vg0', lv: 'thin', thinPool: 'pool' }, 'dm'],
      ]);
    });
    it("the meter's writethrough flush count equals strace's onto the thick LV", () => {
      const r = results('lvm', 'bench');
      const strace = Number(guestFile('lvm', 'strace-writethrough-thick.txt').trim());
      expect(strace).toBeGreaterThan(50);
      expect(meterFlushes(r, r.cases[0]?.id ?? '')).toEqual([strace, strace]);
    });
    it('the harness created no LV and left no loop or mount', () => {
      expect(guestFile('lvm', 'lvs-after.txt').trim().split(/\s+/).sort()).toEqual(['pool', 'thick', 'thin']);
      for (const what of ['mounts', 'fuse mounts', 'loops', 'power-cut-fs processes']) {
        expect(leftover('lvm', what), what).toBe(0);
      }
    });
  });

  describe('power-cut', () => {
    type Row = {
      fs: string;
      mode: string;
      cut: string;
      real: string | null;
      simulated: string | null;
      differingBytes: number | null;
      agree: boolean | null;
      note: string | null;
      realCut: string | null;
      recovery: string;
      error: string | null;
    };
    const rows = () => JSON.parse(guestFile('power-cut', 'power-cut.json')) as Row[];
    const row = (fs: string, mode: string, cut: string) =>
      rows().find((r) => r.fs === fs && r.mode === mode && r.cut === cut);
    /** A row's case, its error and the last console lines of its boot and of the next (which recovered it). */
    const story = (r: Row | undefined) => {
      if (!r) return 'no such row';
      const k = rows()
        .filter((x) => x.fs === r.fs)
        .findIndex((x) => x.mode === r.mode && x.cut === r.cut);
      const tail = (i: number) => {
        const file = join(out, 'power-cut', r.fs, 'boots', `boot-${String(i).padStart(2, '0')}.log`);
        return existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n').slice(-5).join(' / ') : 'no console';
      };
      return `${r.fs} ${r.mode} ${r.cut}: ${r.error ?? 'no error'}; its boot: ${tail(k)}; the next: ${tail(k + 1)}`;
    };
    it('a real cut when qemu-img returned: writethrough, writeback and none intact, unsafe lost, on ext4 and XFS', () => {
      for (const fs of ['ext4', 'xfs']) {
        const cases = ['writethrough', 'writeback', 'none', 'unsafe'].map((m) => row(fs, m, 'at-return'));
        const failed = cases.filter((r) => r?.real === null).map(story);
        expect(
          cases.map((r) => r?.real),
          [fs, ...failed].join('; '),
        ).toEqual(['intact', 'intact', 'intact', 'lost']);
        expect(row(fs, 'unsafe', 'at-return')?.differingBytes, fs).toBeGreaterThan(0);
      }
    });
    it('a real cut mid-conversion leaves an output that differs from the source, in every mode cut mid-way', () => {
      const mid = rows().filter((r) => r.cut === 'mid' && r.realCut === 'cut');
      const lost = mid.filter((r) => r.real === 'lost');
      expect(lost.length).toBeGreaterThanOrEqual(6);
      for (const r of lost) expect((r.differingBytes ?? 0) > 0, `${r.fs} ${r.mode}`).toBe(true);
      // A cut that fell after the conversion's last flush (before qemu-img exited) leaves it intact, and nothing else.
      for (const r of mid.filter((x) => x.real !== 'lost')) expect([r.real, r.differingBytes]).toEqual(['intact', 0]);
    });
    it('the simulation (--durability-check in the same guest, same file systems) agrees in every case compared', () => {
      expect(rows()).toHaveLength(16);
      for (const r of rows()) {
        const what = r.real === null ? story(r) : `${r.fs} ${r.mode} ${r.cut}`;
        if (r.cut === 'at-return') expect([r.simulated, r.agree], what).toEqual([r.real, true]);
        // Mid-way cuts fall at different moments: a pair where one came after the last flush (intact) is not compared.
        else if (r.agree === null) expect([r.real, r.simulated].sort(), what).toEqual(['intact', 'lost']);
        else expect([r.simulated, r.agree], what).toEqual([r.real, true]);
      }
    });
    it('the disk was recovered as a boot would: ext4 by fsck -p, XFS by log replay on mount', () => {
      for (const r of rows()) {
        if (r.fs === 'ext4') expect(r.recovery, story(r)).toMatch(/fsck\.ext4 -p: exit [01]\b/);
        else expect(r.recovery, story(r)).toMatch(/XFS \(vdb\): (Ending recovery|Ending clean mount)/);
      }
    });
    it('nothing left: no qemu-system, no power-cut mount on the host; no mount, loop or process in the guest', async () => {
      const qemu = await execa('pgrep', ['-f', 'qemu-system-x86_64'], { reject: false });
      expect(qemu.stdout).toBe('');
      expect(mountsOfType('fuse.qcb-power-cut')).toEqual([]);
      expect(readdirSync(tmpdir()).filter((f) => f.startsWith('qcb-lab-power-cut-'))).toEqual([]);
      for (const lane of ['power-cut/ext4', 'power-cut/xfs']) {
        for (const what of ['mounts', 'fuse mounts', 'loops', 'power-cut-fs processes', 'qemu-img processes']) {
          expect(leftover(lane, what), `${lane} ${what}`).toBe(0);
        }
      }
    });
  });

  describe('iscsi', () => {
    it('names the transport (iscsi), the target and portal, and the write cache the guest reports', () => {
      const c = results('iscsi', 'bench').cases[0];
      expect(c?.targetDir).toBe(guestFile('iscsi', 'lun.txt').trim());
      expect(c?.storage.transport).toBe('iscsi');
      expect(c?.storage.iscsi).toEqual({ target: 'iqn.2026-12.lab.qcb:lun0', portal: '127.0.0.1:3260' });
      expect(c?.storage.writeCache).toBe(guestFile('iscsi', 'write-cache.txt').trim());
    });
    it("the meter's writethrough flush count equals strace's onto the LUN", () => {
      const r = results('iscsi', 'bench');
      const strace = Number(guestFile('iscsi', 'strace-writethrough-lun.txt').trim());
      expect(strace).toBeGreaterThan(50);
      expect(meterFlushes(r, r.cases[0]?.id ?? '')).toEqual([strace, strace]);
    });
    it('nothing of the tool left after the runs on the LUN', () => {
      for (const what of ['mounts', 'fuse mounts', 'loops', 'power-cut-fs processes']) {
        expect(leftover('iscsi', what), what).toBe(0);
      }
    });
  });
});

describe.skipIf(!CAN_RUN_LAB)(`the lab's edges ${NEEDS_LAB}`, () => {
  it('refuses in one line with exit 3 where qemu-system cannot be had, creating nothing', async () => {
    const where = mkdtempSync(join(tmpdir(), 'qcb-lab-refuse-'));
    const r = await lab(['nfs', '--out', join(where, 'out')], { QCB_LAB_QEMU_SYSTEM: 'qemu-system-missing' });
    expect(r.exitCode).toBe(3);
    expect(String(r.all).trim().split('\n')).toEqual([
      'lab: the lab cannot run here: missing qemu-system-missing (apt-get install qemu-system-x86); ' +
        'bash scripts/setup.sh --test-tools',
    ]);
    expect(readdirSync(where)).toEqual([]);
  });
  it('refuses where the guest is not built and debootstrap cannot be had', async () => {
    const cache = mkdtempSync(join(tmpdir(), 'qcb-lab-cache-'));
    const r = await lab(['nfs'], { QCB_LAB_CACHE_DIR: cache, QCB_LAB_DEBOOTSTRAP: 'debootstrap-missing' });
    expect(r.exitCode).toBe(3);
    expect(String(r.all).trim()).toMatch(/^lab: the lab cannot run here: missing debootstrap-missing /);
  });
  it('Ctrl-C during a scenario ends the guest: exit 130, no qemu-system left, no work folder', async () => {
    const child = execa('node', ['--import', 'tsx', join(ROOT, 'lab/lab.ts'), 'lvm', '--out', join(out, 'ctrl-c')], {
      cwd: ROOT,
      reject: false,
      all: true,
    });
    let seen = '';
    await new Promise<void>((resolve) => {
      child.all?.on('data', (d: Buffer) => {
        seen += d.toString();
        if (seen.includes('init up')) resolve();
      });
    });
    child.kill('SIGINT');
    const r = await child;
    expect(r.exitCode).toBe(130);
    expect(String(r.all)).toMatch(/lab: interrupted: the guest was stopped/);
    const qemu = await execa('pgrep', ['-f', 'qemu-system-x86_64'], { reject: false });
    expect(qemu.stdout).toBe('');
    expect(readdirSync(tmpdir()).filter((f) => f.startsWith('qcb-lab-lvm-'))).toEqual([]);
    expect(existsSync(join(out, 'ctrl-c', 'lvm', 'lab.json'))).toBe(true);
  }, 300_000);
});
