// Who owns a lock or a work folder: a process id with the process's start time, so a recycled PID is not mistaken for
// the owner; dead owners' leftovers can then be recognised and removed.
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { OwnerJsonSchema } from '../model/external-json.ts';

/** A process, identified beyond its PID. */
export interface Owner {
  pid: number;
  /** Start time of the process in clock ticks since boot (field 22 of /proc/PID/stat), or null when unreadable. */
  startTime: number | null;
  host: string;
}

/** The start time of `pid` from /proc, or null when it is not running (or /proc cannot be read). */
export function processStartTime(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[19]);
    return Number.isFinite(ticks) ? ticks : null;
  } catch {
    return null;
  }
}

/** This process as an owner. */
export function selfOwner(): Owner {
  return { pid: process.pid, startTime: processStartTime(process.pid), host: hostname() };
}

/** Parses an owner record: JSON, or a bare PID as older versions wrote; null when unreadable. */
export function parseOwner(text: string): Owner | null {
  try {
    const parsed = OwnerJsonSchema.safeParse(JSON.parse(text));
    if (!parsed.success) return null;
    const data = parsed.data;
    if (typeof data === 'number') return { pid: data, startTime: null, host: hostname() };
    return { pid: data.pid, startTime: data.startTime ?? null, host: data.host ?? hostname() };
  } catch {
    return null;
  }
}

/** True while the owner runs: same host, its PID alive, and (when recorded) the same start time. */
export function ownerAlive(owner: Owner): boolean {
  if (owner.host !== hostname()) return true; // another machine's process: never ours to judge dead
  try {
    process.kill(owner.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  return owner.startTime === null || processStartTime(owner.pid) === owner.startTime;
}

/** The owner record as file text. */
export function ownerText(owner: Owner): string {
  return `${JSON.stringify(owner)}\n`;
}
