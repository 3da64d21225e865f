// A bench run's targets: the projects' cases per target (--as-projects), the work folders, loop devices and power-cut
// mounts prepared and locked before measuring, and released afterwards.
import { mkdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { cacheRoot } from '../config/paths.ts';
import type { ResolvedConfig } from '../config/resolve.ts';
import { deviceStorageFacts, storageFacts } from '../host/storage-facts.ts';
import type { PlanCase, Target } from '../model/plan.ts';
import type { ProjectFacts, ProjectId, StatedStorage } from '../model/project-rules.ts';
import type { ImageFacts } from '../model/results.ts';
import { formatBytes } from '../model/units.ts';
import { projectCases } from '../plan/project-cases.ts';
import { attachLoop, type BlockTarget, blockDeviceSize, detachLoop, releaseDeadLoops } from '../system/block-target.ts';
import { acquireLock } from '../system/lock.ts';
import { findMemoryCgroupHost, type MemoryCgroupHost, removeDeadCgroups } from '../system/memory-cgroup.ts';
import { unmountDeadPowerCuts, unmountPowerCutsUnder } from '../system/power-cut-mount.ts';
import { createWorkDir, opensWithODirect, removeDeadWorkDirs, removeWorkDir } from '../system/target.ts';
import type { BenchUi } from './terminal-port.ts';

/**
 * --as-projects: every target case becomes the cases of the projects' commands there, from the target's facts (kind,
 * device, file system, and whether the target and the source open with O_DIRECT, tried now) and what
 * --project-storage stated.
 */
export function expandProjects(
  projects: readonly ProjectId[],
  stated: StatedStorage,
  base: PlanCase[],
  image: ImageFacts,
  prepared: PreparedTargets,
) {
  const source = opensWithODirect(image.path);
  const expanded = base.map((c) => {
    const key = targetKey(c.targetKind, c.targetDir);
    const device = prepared.devices.get(key)?.path ?? null;
    const target = opensWithODirect(device ?? (prepared.workDirs.get(key) as string));
    const storage = caseStorage(c);
    const facts: ProjectFacts = {
      target: c.targetKind === 'dir' ? 'dir' : 'block',
      device,
      odirect: target,
      sourceOdirect: source,
      fsType: storage.fsType,
      writebackOomKilled: null,
      srcFormat: image.format,
      outFormat: c.outputFormat,
      stated,
    };
    return projectCases(c, facts, projects, { target, source });
  });
  return { cases: expanded.flatMap((e) => e.cases), skipped: expanded.flatMap((e) => e.skipped) };
}

/** The storage facts of a case's target: a block device's own, or those of the file system holding the folder. */
export function caseStorage(c: PlanCase) {
  return c.targetKind === 'device' ? deviceStorageFacts(c.targetDir) : storageFacts(c.targetDir);
}

/** The target axis: directories, block devices, loop folders, in that order. */
export function configTargets(config: ResolvedConfig): Target[] {
  return [
    ...config.targetDirs.map((path) => ({ kind: 'dir' as const, path })),
    ...config.targetDevices.map((path) => ({ kind: 'device' as const, path })),
    ...config.targetLoops.map((path) => ({ kind: 'loop' as const, path })),
  ];
}

/** A target's key in the maps below (the same folder can be a directory target and hold a loop file). */
export function targetKey(kind: string, path: string): string {
  return `${kind}:${path}`;
}

/** What the run set up on its targets, so that all of it is released however the run ends. */
export interface PreparedTargets {
  workDirs: Map<string, string>;
  devices: Map<string, BlockTarget>;
  releases: (() => void)[];
  memory: MemoryCgroupHost | null;
}

export function emptyTargets(): PreparedTargets {
  return { workDirs: new Map(), devices: new Map(), releases: [], memory: null };
}

/**
 * Locks each target and makes the harness's work folder: in the directory, in the loop folder (with the loop file
 * and its device), or for a block device under the cache root. Leftovers of runs that died are removed first.
 */
export async function prepareTargets(config: ResolvedConfig, size: number, ui: BenchUi, into: PreparedTargets) {
  const released = await releaseDeadLoops();
  if (released.length) ui.note(`detached ${released.join(', ')}: loop devices of runs that died`);
  if (config.memoryLimitBytes !== null) {
    into.memory = findMemoryCgroupHost();
    const removed = into.memory ? removeDeadCgroups(into.memory) : 0;
    if (removed) ui.note(`removed ${removed} memory cgroup${removed > 1 ? 's' : ''} of runs that died`);
  }
  for (const target of configTargets(config)) {
    const dir = target.kind === 'device' ? join(cacheRoot(), 'devices', basename(target.path)) : target.path;
    mkdirSync(dir, { recursive: true });
    into.releases.push(acquireLock(dir, ui.note));
    for (const point of await unmountDeadPowerCuts(dir)) ui.note(`unmounted ${point}: left mounted by a run that died`);
    reportFreed(dir, removeDeadWorkDirs(dir), ui);
    const key = targetKey(target.kind, target.path);
    const workDir = createWorkDir(dir);
    into.workDirs.set(key, workDir);
    if (target.kind === 'loop') {
      const loop = await attachLoop(workDir, size);
      into.devices.set(key, loop);
      ui.note(`attached ${loop.path} over ${loop.loopFile} (direct I/O ${loop.loopDirectIo ? 'on' : 'off'})`);
    } else if (target.kind === 'device') {
      const sizeBytes = blockDeviceSize(target.path) ?? size;
      into.devices.set(key, { path: target.path, sizeBytes, loopFile: null, loopDirectIo: null });
    }
  }
}

/** Detaches the loop devices, removes the work folders (with the loop files) and releases the locks. */
export async function releaseTargets(prepared: PreparedTargets, ui: BenchUi): Promise<void> {
  for (const device of prepared.devices.values()) {
    if (device.loopFile && !(await detachLoop(device.path))) {
      ui.note(`could not detach ${device.path}; the next run detaches it, or run losetup -d ${device.path}`);
    }
  }
  for (const dir of prepared.workDirs.values()) {
    await unmountPowerCutsUnder(dir);
    removeWorkDir(dir);
  }
  for (const release of prepared.releases) release();
}

export function reportFreed(dir: string, freed: { count: number; bytes: number; killed: string[] }, ui: BenchUi): void {
  if (freed.killed.length) {
    ui.note(`killed ${freed.killed.join(', ')}: still converting in ${dir} for a run that died, not measured beside`);
  }
  if (freed.count === 0) return;
  const what = `${freed.count} work folder${freed.count > 1 ? 's' : ''} of runs that died`;
  ui.note(`removed ${what} from ${dir}: ${formatBytes(freed.bytes)} freed`);
}
