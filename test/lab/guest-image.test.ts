// The lab's guest is built once however many processes ask: the tests start a build in the background
// (test/lab/global-setup.ts) and the lab's own run waits for it instead of building (or deleting) it again.
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { IS_ROOT, ROOT } from '../helpers/cli.ts';

const HAS_QEMU_SYSTEM = (await execa('sh', ['-c', 'command -v qemu-system-x86_64'], { reject: false })).exitCode === 0;
const WHY = IS_ROOT ? '(needs qemu-system-x86_64: setup.sh --test-tools)' : '(needs root: the lab checks for it)';

describe.skipIf(!(IS_ROOT && HAS_QEMU_SYSTEM))(`two lab processes asking for the guest at once ${WHY}`, () => {
  it('build it once: the second waits for the first, both end with the guest ready, nothing left in /dev/shm', async () => {
    const work = mkdtempSync(join(tmpdir(), 'qcb-lab-build-'));
    const env = {
      QCB_LAB_CACHE_DIR: join(work, 'cache'),
      QCB_LAB_DEBOOTSTRAP: join(ROOT, 'test/fixtures/lab/fake-debootstrap.sh'), // takes 3 s, records each call
      QCB_FAKE_CALLS: join(work, 'calls'),
    };
    const prepare = () =>
      execa('node', ['--import', 'tsx', join(ROOT, 'lab/lab.ts'), 'prepare'], { cwd: ROOT, env, all: true });
    const first = prepare();
    while (!existsSync(env.QCB_FAKE_CALLS)) await new Promise((r) => setTimeout(r, 100)); // the first is building
    const [a, b] = await Promise.all([first, prepare()]);
    expect([a.exitCode, b.exitCode]).toEqual([0, 0]);
    expect(String(b.all)).toMatch(new RegExp(`^lab: waiting for the guest build of process ${first.pid}$`, 'm'));
    expect(readFileSync(env.QCB_FAKE_CALLS, 'utf8').trim().split('\n')).toHaveLength(1);
    const [guest] = readdirSync(env.QCB_LAB_CACHE_DIR);
    expect(readdirSync(join(env.QCB_LAB_CACHE_DIR, guest ?? '')).sort()).toEqual([
      'complete',
      'initrd.img',
      'root.img',
      'vmlinuz',
    ]);
    expect(readdirSync('/dev/shm').filter((f) => f.startsWith('qcb-lab-root-'))).toEqual([]);
  }, 120_000);
  it('stopped while building (the tests ended first): exit 143, one line, no half-built guest, lock or RAM root', async () => {
    const work = mkdtempSync(join(tmpdir(), 'qcb-lab-build-'));
    const env = {
      QCB_LAB_CACHE_DIR: join(work, 'cache'),
      QCB_LAB_DEBOOTSTRAP: join(ROOT, 'test/fixtures/lab/fake-debootstrap.sh'),
      QCB_FAKE_CALLS: join(work, 'calls'),
    };
    const child = execa('node', ['--import', 'tsx', join(ROOT, 'lab/lab.ts'), 'prepare'], {
      cwd: ROOT,
      env,
      all: true,
      reject: false,
    });
    while (!existsSync(env.QCB_FAKE_CALLS)) await new Promise((r) => setTimeout(r, 100));
    child.kill('SIGTERM');
    const r = await child;
    expect(r.exitCode).toBe(143);
    expect(String(r.all).trim().split('\n').at(-1)).toBe('lab: stopped: the half-built guest was removed');
    expect(readdirSync(env.QCB_LAB_CACHE_DIR)).toEqual([]);
    expect(readdirSync('/dev/shm').filter((f) => f.startsWith('qcb-lab-root-'))).toEqual([]);
  }, 120_000);
});
