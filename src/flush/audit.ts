// Flush audit: one untimed conversion under strace (or, without strace, under the LD_PRELOAD counter), counting the
// writes and flushes qemu-img makes on the target and its open flags.
import { readFileSync, rmSync } from 'node:fs';
import type { AuditFailure } from '../model/findings.ts';
import { type ConvertSpec, convertArgs, lastLine } from '../model/qemu-img-command.ts';
import type { FlushAudit } from '../model/results.ts';
import { runProcess } from '../system/spawn.ts';
import { fileAllocatedBytes, removeOutputFile } from '../system/target.ts';
import { interposerEnv } from './interposer.ts';

const TRACED = 'openat,open,pwrite64,pwritev,pwritev2,write,fsync,fdatasync,sync_file_range,io_submit,io_uring_enter';

/** The counts of an audit, without who and how. */
export type AuditCounts = Pick<FlushAudit, 'writes' | 'fsync' | 'fdatasync' | 'syncFileRange' | 'openFlags'>;

/** Counts from an strace log of one conversion, for the file `dst`. */
export function parseStraceLog(log: string, dst: string): AuditCounts {
  const fds = new Set<string>();
  const flags = new Set<string>();
  const counts = { writes: 0, fsync: 0, fdatasync: 0, syncFileRange: 0 };
  const quoted = JSON.stringify(dst);
  for (const line of log.split('\n')) {
    const open = /\bopenat?\((?:AT_FDCWD, )?("(?:[^"\\]|\\.)*"), ([A-Z_|]+)[^)]*\)\s+=\s+(\d+)/.exec(line);
    if (open) {
      if (open[1] !== quoted) continue;
      fds.add(open[3] as string);
      for (const f of (open[2] as string).split('|')) if (['O_DIRECT', 'O_DSYNC', 'O_SYNC'].includes(f)) flags.add(f);
      continue;
    }
    const call = /\b(pwrite64|pwritev2?|write|fsync|fdatasync|sync_file_range)\((\d+)/.exec(line);
    if (!call || !fds.has(call[2] as string)) continue;
    if (call[1] === 'fsync') counts.fsync++;
    else if (call[1] === 'fdatasync') counts.fdatasync++;
    else if (call[1] === 'sync_file_range') counts.syncFileRange++;
    else counts.writes++;
  }
  return { ...counts, openFlags: [...flags].sort() };
}

/** Parses the LD_PRELOAD counter's "fsync N fdatasync M" line. */
export function parseCounterFile(text: string): { fsync: number; fdatasync: number } | null {
  const match = /fsync (\d+) fdatasync (\d+)/.exec(text);
  return match ? { fsync: Number(match[1]), fdatasync: Number(match[2]) } : null;
}

/** What an audit converts and where it may leave its scratch files. */
export interface AuditJob {
  qemuImg: string;
  spec: ConvertSpec;
  caseId: string;
  /** A scratch file in the harness's work folder (strace log or counter file). */
  scratch: string;
  timeoutSeconds: number | null;
  signal?: AbortSignal;
  /** Untimed set-up after the old output is removed (e.g. pre-creating the target for -n). */
  prepare?: () => Promise<void>;
  /** The file whose allocated bytes are the output's size (a loop device's file), else the output itself. */
  allocatedFile?: string;
}

function failed(job: AuditJob, failure: AuditFailure, source: FlushAudit['source']): FlushAudit {
  const none = { writes: null, fsync: null, fdatasync: null, syncFileRange: null, openFlags: [] };
  return {
    caseId: job.caseId,
    mode: job.spec.mode,
    ok: false,
    ...none,
    failure,
    outputBytes: null,
    source,
    cacheKey: null,
    fromCache: false,
  };
}

function readScratch(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  } finally {
    rmSync(path, { force: true });
  }
}

/** Runs one conversion under strace -f and counts what it did to the target; a note when strace cannot run. */
export async function auditWithStrace(job: AuditJob): Promise<FlushAudit> {
  const { spec } = job;
  removeOutputFile(spec.dst);
  await job.prepare?.();
  const args = ['-f', '-qq', '-s', '0', '-e', `trace=${TRACED}`, '-o', job.scratch, job.qemuImg, ...convertArgs(spec)];
  const result = await runProcess('strace', args, {
    timeoutSeconds: job.timeoutSeconds,
    signal: job.signal,
  });
  const outputBytes = fileAllocatedBytes(job.allocatedFile ?? spec.dst);
  removeOutputFile(spec.dst);
  const log = readScratch(job.scratch);
  if (result.notStarted) return failed(job, { code: 'strace-missing' }, 'strace');
  if (!result.ok) {
    if (/ptrace|Operation not permitted/.test(result.stderrTail))
      return failed(job, { code: 'ptrace-denied' }, 'strace');
    return failed(job, { code: 'run-failed', error: lastLine(result.stderrTail) || 'failed' }, 'strace');
  }
  const counts = parseStraceLog(log, spec.dst);
  return {
    caseId: job.caseId,
    mode: spec.mode,
    ok: true,
    ...counts,
    failure: null,
    outputBytes,
    source: 'strace',
    cacheKey: null,
    fromCache: false,
  };
}

/** Runs one conversion with the LD_PRELOAD counter (no delay): flushes only, no writes or open flags. */
export async function auditWithCounter(job: AuditJob, library: string): Promise<FlushAudit> {
  const { spec } = job;
  removeOutputFile(spec.dst);
  rmSync(job.scratch, { force: true });
  await job.prepare?.();
  const env = interposerEnv(library, 0, job.scratch);
  const result = await runProcess(job.qemuImg, convertArgs(spec), {
    timeoutSeconds: job.timeoutSeconds,
    signal: job.signal,
    env,
  });
  const outputBytes = fileAllocatedBytes(job.allocatedFile ?? spec.dst);
  removeOutputFile(spec.dst);
  const counted = parseCounterFile(readScratch(job.scratch));
  if (!result.ok || !counted)
    return failed(job, { code: 'run-failed', error: lastLine(result.stderrTail) || 'no counts' }, 'preload');
  return {
    caseId: job.caseId,
    mode: spec.mode,
    ok: true,
    writes: null,
    ...counted,
    syncFileRange: null,
    openFlags: [],
    failure: null,
    outputBytes,
    source: 'preload',
    cacheKey: null,
    fromCache: false,
  };
}
