// The plan's vocabulary: cases of the matrix and the cells (a mode of a case in a round) the engine runs.
import type { ProjectId } from './project-rules.ts';
import { effectiveMode } from './project-rules.ts';
import type { ConvertOptions } from './qemu-img-command.ts';

/** Where a case writes: a directory (an output file per mode), a block device the user gave, or a loop device. */
export type TargetKind = 'dir' | 'device' | 'loop';

/** One target of the matrix: a directory, a block device (overwritten), or a directory to hold a loop file. */
export interface Target {
  kind: TargetKind;
  /** The directory, the device, or the directory the loop device's sparse file is created in. */
  path: string;
}

/** One combination of the matrix dimensions. */
export interface PlanCase {
  /** Readable id, e.g. "default" or "fmt=qcow2,tgt=b". */
  id: string;
  qemuImg: string;
  /** The target's path: the directory, the block device, or the directory holding the loop file. */
  targetDir: string;
  /** How the case writes: an output file in a directory, onto a block device, or onto a loop device. */
  targetKind: TargetKind;
  outputFormat: string;
  srcCache: string | null;
  /** -m, -W, -n --target-is-zero, -r of this case. */
  options: ConvertOptions;
  /** Under --as-projects: the projects' own command this case runs instead of the matrix's, or null. */
  command: ProjectCaseCommand | null;
  /** Under --as-projects: whether the target and the source opened with O_DIRECT before the run, or null. */
  odirectProbe: { target: 'works' | 'refused'; source: 'works' | 'refused' } | null;
}

/** A command line projects run (--as-projects): who runs it, its arguments with placeholders, what goes around it. */
export interface ProjectCaseCommand {
  /** The projects whose rule gives exactly this command on this target. */
  projects: ProjectId[];
  /** qemu-img's arguments with {src}, {dst}, {srcFormat}, {outFormat}. */
  argv: string[];
  /** The output exists before the conversion (-n): pre-created like the project's storage layer does. */
  existingTarget: boolean;
  /** The project fsyncs the output afterwards (CDI): the time to durable's sync. */
  fsyncAfter: boolean;
  /** Words run before qemu-img (nice, ionice), applied to the measured run. */
  prefix: string[];
  /** Environment the project sets for qemu-img (MALLOC_ARENA_MAX), applied to the measured run. */
  env: Record<string, string>;
  /** What the project does around the command that the measured run does not, or null. */
  notApplied: string | null;
}

/** The modes a case runs: its command's one mode under --as-projects, else every mode of the run. */
export function caseModes(c: { command: ProjectCaseCommand | null }, modes: readonly string[]): readonly string[] {
  return c.command ? [effectiveMode(c.command.argv)] : modes;
}

/** One scheduled run: a mode of a case in a round. */
export interface Cell {
  caseId: string;
  mode: string;
  /** Round number, 1-based; warm-up rounds come first. */
  round: number;
  /** True in warm-up rounds (kept out of statistics). */
  warmup: boolean;
  /** Measured-run number of this case x mode (1-based), or the warm-up number. */
  run: number;
}

/** The matrix dimensions a plan is built from. */
export interface MatrixInput {
  qemuImgs: readonly string[];
  targets: readonly Target[];
  outputFormats: readonly string[];
  srcCaches: readonly (string | null)[];
  /** -m values (null: qemu-img's default). */
  coroutines: readonly (number | null)[];
  /** -W off and/or on. */
  outOfOrder: readonly boolean[];
  /** -r values (null: no limit). */
  rateLimits: readonly (string | null)[];
  /** -n --target-is-zero for every case. */
  targetIsZero: boolean;
}
