// What the lab's runners share: its errors (exit codes as the tool's), a work folder removed on every way out (Ctrl-C,
// SIGTERM, SIGHUP), the host folder handed to the guest over 9p, and the record written beside each scenario's results.
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { GuestImage } from './guest-image.ts';
import type { Accelerator, GuestRun } from './guest-run.ts';
import type { Scenario } from './scenarios.ts';

export const GUEST_DIR = join(import.meta.dirname, 'guest');

/** Exit codes as the tool's: 2 bad arguments, 3 the environment lacks something, 130 interrupted. */
export class LabError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

/** Size of the built-in image every scenario converts: 64 MiB virtual, 8 MiB of data (flags in the scripts). */
export const LAB_IMAGE = { virtualSize: 64 * 1024 * 1024, dataSize: 8 * 1024 * 1024 };

/** What every scenario is run with. */
export interface ScenarioInputs {
  image: GuestImage;
  accel: Accelerator;
  bundle: string;
  /** The built-in image and its content hash, for the guest's cache. */
  sourceImage: string[];
  out: string;
}

/** What the lab writes beside each scenario's results (lab.json). */
export interface LabRecord {
  scenario: string;
  description: string;
  accelerator: Accelerator;
  note: string;
  guestKernel: string | null;
  guestRecipe: string;
  startedAt: string;
  seconds: number;
  exitCode: number | null;
  failure: string | null;
}

/**
 * Runs `body` in a fresh work folder that goes on every way out, even when a wrapper (npm, tsx) ends this process
 * before the finally runs; a signal aborts `signal`. The handlers stay registered (on, not once): tsx exits at once on
 * a signal no other listener is left for.
 */
export async function withWorkFolder<T>(name: string, body: (work: string, signal: AbortSignal) => Promise<T>) {
  const work = mkdtempSync(join(tmpdir(), `qcb-lab-${name}-`));
  const controller = new AbortController();
  const onSignal = () => controller.abort();
  const onExit = () => rmSync(work, { recursive: true, force: true });
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('SIGHUP', onSignal);
  process.once('exit', onExit);
  try {
    return await body(work, controller.signal);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    process.off('SIGHUP', onSignal);
    process.off('exit', onExit);
    onExit();
  }
}

/** The folder the guest mounts at /lab: the bundle, the built-in image, lib.sh and the scenarios, an empty out/. */
export function prepareShare(work: string, o: ScenarioInputs): string {
  const share = join(work, 'share');
  mkdirSync(join(share, 'out'), { recursive: true });
  cpSync(o.bundle, join(share, 'bundle.tar.gz'));
  mkdirSync(join(share, 'images'));
  for (const file of o.sourceImage) cpSync(file, join(share, 'images', basename(file)));
  cpSync(join(GUEST_DIR, 'lib.sh'), join(share, 'lib.sh'));
  cpSync(join(GUEST_DIR, 'scenarios'), join(share, 'scenarios'), { recursive: true });
  return share;
}

/** The scenario's record from its (last) boot. */
export function labRecord(s: Scenario, o: ScenarioInputs, run: GuestRun, startedAt: string, seconds: number) {
  const record: LabRecord = {
    scenario: s.name,
    description: s.description,
    accelerator: run.accelerator,
    note:
      run.accelerator === 'tcg'
        ? 'measured in a TCG guest: times are not those of hardware; the commands, flush counts and durability are'
        : 'measured in a KVM guest on this host',
    guestKernel: /LAB: init up, kernel (\S+)/.exec(run.console)?.[1] ?? null,
    guestRecipe: o.image.recipe,
    startedAt,
    seconds: Math.round(seconds * 10) / 10,
    exitCode: run.exitCode,
    failure: run.failure,
  };
  return record;
}

/** Writes lab.json into `dest`. */
export function writeRecord(dest: string, record: LabRecord): void {
  writeFileSync(join(dest, 'lab.json'), `${JSON.stringify(record, null, 2)}\n`);
}
