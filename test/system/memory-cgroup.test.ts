// Memory cgroups on a fake cgroup tree: which interface is found, what a run's cgroup is given, what is read back.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EnvironmentError } from '../../src/model/errors.ts';
import {
  createRunCgroup,
  dirtyBytes,
  findMemoryCgroupHost,
  inCgroup,
  keyed,
  ownV1Path,
  removeDeadCgroups,
  runMemory,
  validateMemoryLimit,
} from '../../src/system/memory-cgroup.ts';

function fakeRoot(): string {
  return mkdtempSync(join(tmpdir(), 'qcb-cg-'));
}

describe('findMemoryCgroupHost', () => {
  it('prefers a v2 hierarchy whose controllers include memory (at the root or under unified/)', () => {
    const root = fakeRoot();
    mkdirSync(join(root, 'unified'));
    writeFileSync(join(root, 'unified', 'cgroup.controllers'), 'cpu io memory pids\n');
    expect(findMemoryCgroupHost(root)).toEqual({ version: 'v2', parent: join(root, 'unified') });
  });
  it('falls back to v1 memory when v2 has no memory controller (a hybrid host like this one)', () => {
    const root = fakeRoot();
    mkdirSync(join(root, 'unified'));
    writeFileSync(join(root, 'unified', 'cgroup.controllers'), '');
    mkdirSync(join(root, 'memory'));
    writeFileSync(join(root, 'memory', 'memory.limit_in_bytes'), '9223372036854771712\n');
    expect(findMemoryCgroupHost(root)?.version).toBe('v1');
  });
  it('finds nothing without either', () => {
    expect(findMemoryCgroupHost(fakeRoot())).toBeNull();
  });
});

describe('validateMemoryLimit', () => {
  it('needs root', () => {
    expect(() => validateMemoryLimit(false)).toThrow(
      new EnvironmentError('--memory-limit creates a memory cgroup, which needs root; run as root or drop it'),
    );
  });
});

describe('parsing cgroup files', () => {
  it('reads flat keyed values and this process path of a v1 controller', () => {
    const stat = 'cache 100\ndirty 8192\nwriteback 4096\ntotal_dirty 86016\n';
    expect([keyed(stat, 'dirty'), keyed(stat, 'writeback'), keyed(stat, 'missing')]).toEqual([8192, 4096, null]);
    const proc = '9:name=systemd:/\n4:memory:/process_api/31\n1:cpu,cpuacct:/x\n0::/\n';
    expect([ownV1Path(proc, 'memory'), ownV1Path(proc, 'cpuacct'), ownV1Path(proc, 'pids')]).toEqual([
      '/process_api/31',
      '/x',
      null,
    ]);
  });
});

describe('a run cgroup (fake v2 parent)', () => {
  it('gets its limit, wraps the command, and reads peak, dirty + writeback and OOM kills back', () => {
    const parent = fakeRoot();
    writeFileSync(join(parent, 'cgroup.subtree_control'), 'memory');
    const cg = createRunCgroup({ version: 'v2', parent }, 600 * 1024 ** 2);
    expect(readFileSync(join(cg.dir, 'memory.max'), 'utf8')).toBe(String(600 * 1024 ** 2));
    expect(inCgroup(cg, 'qemu-img', ['convert', 'a', 'b'])).toEqual({
      file: 'sh',
      args: [
        '-c',
        'echo $$ > "$1" && shift && exec "$@"',
        'qcb-cgroup',
        join(cg.dir, 'cgroup.procs'),
        'qemu-img',
        'convert',
        'a',
        'b',
      ],
    });
    writeFileSync(join(cg.dir, 'memory.stat'), 'anon 1\nfile_dirty 3000\nfile_writeback 1000\n');
    expect(dirtyBytes(cg)).toBe(4000);
    writeFileSync(join(cg.dir, 'memory.peak'), '629145600\n');
    writeFileSync(join(cg.dir, 'memory.events'), 'low 0\nhigh 0\nmax 12\noom 1\noom_kill 1\n');
    expect(runMemory(cg, 4000)).toEqual({
      limitBytes: 600 * 1024 ** 2,
      peakBytes: 629145600,
      peakDirtyBytes: 4000,
      oomKilled: true,
      cgroup: 'v2',
    });
  });
  it('removes only the empty cgroups of processes that are gone', () => {
    const parent = fakeRoot();
    mkdirSync(join(parent, 'qcb-999999999-1-1'));
    mkdirSync(join(parent, `qcb-${process.pid}-0-1`));
    mkdirSync(join(parent, 'other'));
    expect(removeDeadCgroups({ version: 'v1', parent })).toBe(1);
  });
});
