// --durability-check in a bench run: each mode converted onto a power-cut file system, cut, and checked against the
// source (the mount is flush/power-cut-check.ts, the verdict analyze/durability.ts, the words report/durability-text.ts).
import { accessSync, constants, existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { cacheRoot } from '../config/paths.ts';
import type { ResolvedConfig } from '../config/resolve.ts';
import { type ConvertContext, cellSpec } from '../engine/convert-run.ts';
import { checkPowerCut, ensurePowerCutFs, rawReference } from '../flush/power-cut-check.ts';
import { EnvironmentError } from '../model/errors.ts';
import { caseModes } from '../model/plan.ts';
import { seededRandom } from '../model/prng.ts';
import type { ImageFacts, Results } from '../model/results.ts';
import { type BlockTarget, LOOP_FILE } from '../system/block-target.ts';
import type { RunState } from './bench-state.ts';

/**
 * --durability-check mounts a FUSE file system, and simulates a block-device target with a loop device over a file
 * on it: refused before anything is built or measured where it cannot (`devices` are the paths it needs, for tests).
 */
export function requirePowerCutCheck(
  config: Pick<ResolvedConfig, 'durabilityCheck' | 'targetDevices' | 'targetLoops'>,
  devices = { fuse: '/dev/fuse', loopControl: '/dev/loop-control' },
): void {
  if (!config.durabilityCheck) return;
  const without = 'or leave --durability-check out';
  if (process.getuid?.() !== 0) {
    throw new EnvironmentError(`--durability-check needs root (it mounts a FUSE file system): run as root ${without}`);
  }
  try {
    accessSync(devices.fuse, constants.R_OK | constants.W_OK);
  } catch {
    throw new EnvironmentError(`--durability-check needs /dev/fuse: load the fuse module (modprobe fuse) ${without}`);
  }
  const blockTargets = config.targetDevices.length + config.targetLoops.length > 0;
  if (blockTargets && !existsSync(devices.loopControl)) {
    throw new EnvironmentError(
      '--durability-check simulates a block-device target with a loop device, and this kernel has no ' +
        `/dev/loop-control: load the loop module (modprobe loop) ${without}`,
    );
  }
}

/**
 * --durability-check, after the timed runs: per case and mode not yet checked, the power-cut check (untimed), with the
 * mid-conversion cut at a seeded random point; checkpointed after each. A block-device target (a user's device or a
 * loop) is simulated by a loop device over a file on the power-cut file system; the user's device is not written.
 */
export async function checkDurability(state: RunState): Promise<void> {
  const { config, results, planCases, contexts, ui, signal, checkpoint } = state;
  if (!config.durabilityCheck) return;
  const binary = await powerCutFs(results);
  if (binary === null) return;
  const random = seededRandom(config.seed + 21);
  let reference: string | null = null;
  for (const c of planCases) {
    const ctx = contexts.get(c.id) as ConvertContext;
    const blockDevice = ctx.device !== null;
    for (const mode of caseModes(c, config.modes)) {
      const cutFraction = 0.2 + 0.6 * random(); // drawn for every mode, so a resumed run cuts where a fresh one would
      if (signal.aborted) return;
      if (results.durability.some((d) => d.caseId === c.id && d.mode === mode)) continue;
      const image = results.image;
      reference ??= await referenceOf(c.qemuImg, image, join(ctx.workDir, 'reference.raw'), results);
      if (reference === null) return;
      ui.note(`power-cut check (untimed): ${c.id} ${mode}`);
      const check = await checkPowerCut({
        qemuImg: c.qemuImg,
        caseId: c.id,
        specFor: (output) =>
          blockDevice
            ? cellSpec({ ...ctx, device: { ...(ctx.device as BlockTarget), path: output, loopFile: null } }, c, mode)
            : cellSpec({ ...ctx, workDir: dirname(output), device: null }, c, mode),
        mode,
        outputName: blockDevice ? LOOP_FILE : basename(cellSpec({ ...ctx, device: null }, c, mode).dst),
        blockDevice,
        reference,
        virtualSize: image.virtualSize,
        preCreate: c.options.targetIsZero || c.command?.existingTarget === true,
        binary,
        folder: join(ctx.workDir, 'power-cut'),
        timeoutSeconds: config.timeoutSeconds,
        cutFraction,
        signal,
      });
      if (signal.aborted) return;
      results.durability.push(check);
      checkpoint(results);
    }
  }
}

/** The source's guest data as raw for the byte counts, or null with the reason recorded. */
export async function referenceOf(qemuImg: string, image: ImageFacts, path: string, results: Results) {
  try {
    return await rawReference(qemuImg, image.path, image.format, path);
  } catch (error) {
    results.notMeasured.push({ code: 'durability-unavailable', error: (error as Error).message });
    return null;
  }
}

/** The power-cut file system's program, or null with the reason recorded (no /dev/fuse, cannot be built). */
export async function powerCutFs(results: Results): Promise<string | null> {
  try {
    if (!existsSync('/dev/fuse')) throw new Error('this host has no /dev/fuse; load the fuse module (modprobe fuse)');
    return await ensurePowerCutFs(cacheRoot());
  } catch (error) {
    results.notMeasured.push({ code: 'durability-unavailable', error: (error as Error).message.split('\n')[0] ?? '' });
    return null;
  }
}
