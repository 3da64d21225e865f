// Whether a mode's output is durable when qemu-img returns: measured by the power-cut check when the run has one,
// else by what the mode is documented to do (pure).
import { type DurabilityCheck, measuredRuns, type Results } from '../model/results.ts';

/** Modes whose data is on stable storage when qemu-img returns (writeback through its final flush), by definition. */
export const DURABLE_MODES = ['writethrough', 'writeback', 'none', 'directsync'];

/** Durable when qemu-img returns, and the basis: a power cut at return (measured) or the mode's name. */
export interface DurableAtReturn {
  durable: boolean;
  basis: 'power-cut' | 'mode';
}

/** The power-cut check of a case and mode that completed, or undefined. */
export function powerCutOf(results: Results, caseId: string, mode: string): DurabilityCheck | undefined {
  return results.durability.find((d) => d.caseId === caseId && d.mode === mode && d.state === 'checked');
}

/** Whether `mode`'s output in case `caseId` is durable at return: the power-cut check's answer, else by the mode. */
export function durableAtReturn(results: Results, caseId: string, mode: string): DurableAtReturn {
  const check = powerCutOf(results, caseId, mode);
  return check
    ? { durable: check.atReturn === 'intact', basis: 'power-cut' }
    : { durable: DURABLE_MODES.includes(mode), basis: 'mode' };
}

/** Unflushed bytes at exit in each measured run of a case and mode (the flush meter's), in run order. */
export function unflushedPerRun(results: Results, caseId: string, mode: string): (number | null)[] {
  return measuredRuns(results, caseId, mode)
    .sort((a, b) => a.run - b.run)
    .map((s) => s.flushes?.unflushedBytes ?? null);
}
