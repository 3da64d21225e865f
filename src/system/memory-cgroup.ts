// Memory-limited runs (--memory-limit): a memory cgroup per conversion (v2 where its memory controller is on, else
// v1), the wrapper that puts qemu-img into it before exec, the peak memory, peak dirty + writeback, OOM kills.
import { existsSync, mkdirSync, readdirSync, rmdirSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { EnvironmentError } from '../model/errors.ts';
import type { Sample } from '../model/results.ts';
import { ownerAlive, processStartTime } from './owner.ts';
import { readText } from './read-text.ts';

/** Where this host's memory cgroups can be made: the interface and the parent folder. */
export interface MemoryCgroupHost {
  version: 'v1' | 'v2';
  parent: string;
}

/** One conversion's cgroup. */
export interface RunCgroup extends MemoryCgroupHost {
  dir: string;
  limitBytes: number;
}

/** The memory figures of one run, as samples record them. */
export type RunMemory = NonNullable<Sample['memory']>;

/** Prefix of the cgroups the harness creates (and alone removes). */
export const CGROUP_PREFIX = 'qcb-';

/** A "key value" line's value from a flat-keyed cgroup file (memory.stat, memory.events, memory.oom_control). */
export function keyed(text: string | null, key: string): number | null {
  const match = text === null ? null : new RegExp(`^${key} (\\d+)$`, 'm').exec(text);
  return match?.[1] === undefined ? null : Number(match[1]);
}

/** This process's path in the v1 hierarchy of `controller`, from /proc/self/cgroup text. */
export function ownV1Path(procCgroup: string, controller: string): string | null {
  for (const line of procCgroup.split('\n')) {
    const [, controllers, path] = line.split(':');
    if (controllers?.split(',').includes(controller) && path !== undefined) return path;
  }
  return null;
}

/** Finds where memory cgroups can be made: a v2 hierarchy with the memory controller, else the v1 memory one. */
export function findMemoryCgroupHost(root = '/sys/fs/cgroup'): MemoryCgroupHost | null {
  for (const v2 of [root, join(root, 'unified')]) {
    const controllers = readText(join(v2, 'cgroup.controllers'));
    if (controllers?.split(/\s+/).includes('memory')) return { version: 'v2', parent: v2 };
  }
  const v1 = join(root, 'memory');
  if (!existsSync(join(v1, 'memory.limit_in_bytes'))) return null;
  const own = ownV1Path(readText('/proc/self/cgroup') ?? '', 'memory');
  const nested = own ? join(v1, own) : v1;
  return { version: 'v1', parent: existsSync(join(nested, 'memory.limit_in_bytes')) ? nested : v1 };
}

/** The host's memory cgroups, or a one-line EnvironmentError saying why --memory-limit cannot be used. */
export function validateMemoryLimit(isRoot: boolean): MemoryCgroupHost {
  if (!isRoot)
    throw new EnvironmentError('--memory-limit creates a memory cgroup, which needs root; run as root or drop it');
  const host = findMemoryCgroupHost();
  if (!host) {
    throw new EnvironmentError(
      '--memory-limit: no memory cgroup controller is mounted (neither cgroup v2 with memory nor v1 memory); drop it',
    );
  }
  return host;
}

/** The files of each interface. */
const FILES = {
  v1: { limit: 'memory.limit_in_bytes', peak: 'memory.max_usage_in_bytes', oom: 'memory.oom_control' },
  v2: { limit: 'memory.max', peak: 'memory.peak', oom: 'memory.events' },
} as const;
const DIRTY_KEYS = { v1: ['dirty', 'writeback'], v2: ['file_dirty', 'file_writeback'] } as const;

let created = 0;

/** Creates a cgroup with `limitBytes` for one conversion, named after this process so a dead run's can be found. */
export function createRunCgroup(host: MemoryCgroupHost, limitBytes: number): RunCgroup {
  if (host.version === 'v2') {
    const control = readText(join(host.parent, 'cgroup.subtree_control')) ?? '';
    if (!control.split(/\s+/).includes('memory')) writeFileSync(join(host.parent, 'cgroup.subtree_control'), '+memory');
  }
  const name = `${CGROUP_PREFIX}${process.pid}-${processStartTime(process.pid) ?? 0}-${++created}`;
  const dir = join(host.parent, name);
  mkdirSync(dir);
  writeFileSync(join(dir, FILES[host.version].limit), String(limitBytes));
  noSwapBeyond(dir, host.version, limitBytes);
  return { ...host, dir, limitBytes };
}

/** Keeps swap from stretching the limit where the kernel accounts swap (memsw in v1, memory.swap.max in v2). */
function noSwapBeyond(dir: string, version: 'v1' | 'v2', limitBytes: number): void {
  const [file, value] = version === 'v2' ? ['memory.swap.max', '0'] : ['memory.memsw.limit_in_bytes', `${limitBytes}`];
  try {
    writeFileSync(join(dir, file), value, { flag: 'r+' });
  } catch {
    /* no swap accounting on this kernel: nothing to limit */
  }
}

/** `file args` wrapped so the process joins the cgroup before it execs (nothing it does is charged elsewhere). */
export function inCgroup(cg: RunCgroup, file: string, args: readonly string[]): { file: string; args: string[] } {
  const script = 'echo $$ > "$1" && shift && exec "$@"';
  return { file: 'sh', args: ['-c', script, 'qcb-cgroup', join(cg.dir, 'cgroup.procs'), file, ...args] };
}

/** The cgroup's dirty + writeback page cache now, bytes, or null when unreadable. */
export function dirtyBytes(cg: RunCgroup): number | null {
  const stat = readText(join(cg.dir, 'memory.stat'));
  const [dirty, writeback] = DIRTY_KEYS[cg.version].map((k) => keyed(stat, k));
  return dirty == null || writeback == null ? null : dirty + writeback;
}

/** Samples dirty + writeback every `everyMs` until stopped; stop() returns the peak seen. */
export function sampleDirty(cg: RunCgroup, everyMs = 50): { stop(): number | null } {
  let peak: number | null = null;
  const take = () => {
    const now = dirtyBytes(cg);
    if (now !== null) peak = Math.max(peak ?? 0, now);
  };
  take();
  const timer = setInterval(take, everyMs);
  return {
    stop() {
      clearInterval(timer);
      take();
      return peak;
    },
  };
}

/** The run's figures once qemu-img has exited: peak memory, and whether the OOM killer killed a process here. */
export function runMemory(cg: RunCgroup, peakDirtyBytes: number | null): RunMemory {
  const files = FILES[cg.version];
  const peakText = readText(join(cg.dir, files.peak));
  const oomKills = keyed(readText(join(cg.dir, files.oom)), 'oom_kill') ?? 0;
  return {
    limitBytes: cg.limitBytes,
    peakBytes: peakText === null ? null : Number(peakText.trim()),
    peakDirtyBytes,
    oomKilled: oomKills > 0,
    cgroup: cg.version,
  };
}

/** Removes a run's cgroup (retrying briefly while the kernel finishes with the exited process); true when gone. */
export async function removeRunCgroup(cg: RunCgroup): Promise<boolean> {
  for (let attempt = 0; attempt < 20; attempt++) {
    try {
      rmdirSync(cg.dir);
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return true;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return false;
}

/** Removes the empty cgroups left by runs that died (their creator no longer runs); returns how many. */
export function removeDeadCgroups(host: MemoryCgroupHost): number {
  let removed = 0;
  let names: string[];
  try {
    names = readdirSync(host.parent).filter((n) => n.startsWith(CGROUP_PREFIX));
  } catch {
    return 0;
  }
  for (const name of names) {
    const [pid, startTime] = name.slice(CGROUP_PREFIX.length).split('-').map(Number);
    if (!pid || ownerAlive({ pid, startTime: startTime || null, host: hostname() })) continue;
    try {
      rmdirSync(join(host.parent, name));
      removed++;
    } catch {
      /* a process still runs in it (an orphaned qemu-img): left alone */
    }
  }
  return removed;
}
