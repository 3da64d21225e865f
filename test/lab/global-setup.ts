// Before any test runs, where the lab can run here: its storage scenarios (NFS, LVM, iSCSI; building the guest first
// on a new machine, about 4 minutes of debootstrap) start in the background at the lowest CPU and I/O priority, so
// they use the core the unit and integration tests leave idle; the lab test then runs the power cut (its timings need
// the host to itself) and waits for them. Nothing starts when the lab cannot run here or reads earlier results.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, openSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { TestProject } from 'vitest/node';

const ROOT = resolve(import.meta.dirname, '../..');

declare module 'vitest' {
  export interface ProvidedContext {
    /** Where the background storage scenarios write (empty when none were started). */
    labOut: string;
    /** Their process group, to give them full priority when the lab's own test starts (0 when none). */
    labPgid: number;
  }
}

/** The file the storage scenarios' exit code is written to when they end. */
export const CHAIN_EXIT = 'storage-scenarios.exit';

export default function setup(project: TestProject): (() => void) | undefined {
  project.provide('labOut', '');
  project.provide('labPgid', 0);
  const canRun = process.getuid?.() === 0 && spawnSync('sh', ['-c', 'command -v qemu-system-x86_64']).status === 0;
  if (!canRun || process.env.QCB_LAB_OUT) return undefined;
  const out = mkdtempSync(join(tmpdir(), 'qcb-lab-test-'));
  const log = openSync(join(out, 'storage-scenarios.log'), 'w');
  const lab = [process.execPath, '--import', 'tsx', join(ROOT, 'lab/lab.ts'), 'nfs', 'lvm', 'iscsi', '--out', out];
  const child: ChildProcess = spawn('nice', ['-n', '19', 'ionice', '-c', '3', ...lab], {
    cwd: ROOT,
    stdio: ['ignore', log, log],
    detached: true, // its own process group: reniced as one, and stopped as one if the tests end first
  });
  child.on('exit', (code, signal) => writeFileSync(join(out, CHAIN_EXIT), `${code ?? signal}\n`));
  project.provide('labOut', out);
  project.provide('labPgid', child.pid ?? 0);
  return () => {
    if (child.exitCode === null && child.pid) process.kill(-child.pid, 'SIGTERM');
  };
}
