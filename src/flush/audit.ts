// Flush audit: one untimed conversion under strace, counting writes and flushes on the target and its open flags.
import { readFileSync, rmSync } from 'node:fs';
import { runProcess } from '../engine/spawn.ts';
import { type ConvertSpec, convertArgs } from '../model/qemu-img-command.ts';
import type { FlushAudit } from '../model/results.ts';

const TRACED = 'openat,open,pwrite64,pwritev,pwritev2,write,fsync,fdatasync,sync_file_range,io_submit,io_uring_enter';

/** Counts from an strace log of one conversion, for the file `dst`. */
export function parseStraceLog(log: string, dst: string): Omit<FlushAudit, 'caseId' | 'mode' | 'ok' | 'note'> {
  const fds = new Set<string>();
  const flags = new Set<string>();
  let writes = 0;
  let fsync = 0;
  let fdatasync = 0;
  let syncFileRange = 0;
  const quoted = JSON.stringify(dst);
  for (const line of log.split('\n')) {
    const open = /\bopenat?\((?:AT_FDCWD, )?("(?:[^"\\]|\\.)*"), ([A-Z_|]+)[^)]*\)\s+=\s+(\d+)/.exec(line);
    if (open) {
      if (open[1] === quoted) {
        fds.add(open[3] as string);
        for (const f of (open[2] as string).split('|'))
          if (f === 'O_DIRECT' || f === 'O_DSYNC' || f === 'O_SYNC') flags.add(f);
      }
      continue;
    }
    const call = /\b(pwrite64|pwritev2?|write|fsync|fdatasync|sync_file_range)\((\d+)/.exec(line);
    if (!call || !fds.has(call[2] as string)) continue;
    if (call[1] === 'fsync') fsync++;
    else if (call[1] === 'fdatasync') fdatasync++;
    else if (call[1] === 'sync_file_range') syncFileRange++;
    else writes++;
  }
  return { writes, fsync, fdatasync, syncFileRange, openFlags: [...flags].sort() };
}

/**
 * Runs one conversion under strace -f and counts what it did to the target; null counts with a note when strace cannot
 * run.
 */
export async function auditFlushes(
  qemuImg: string,
  spec: ConvertSpec,
  caseId: string,
  logPath: string,
  timeoutSeconds: number | null,
  signal?: AbortSignal,
): Promise<FlushAudit> {
  const base = { caseId, mode: spec.mode };
  const missing = {
    ...base,
    ok: false,
    writes: null,
    fsync: null,
    fdatasync: null,
    syncFileRange: null,
    openFlags: [],
  };
  rmSync(spec.dst, { force: true });
  const result = await runProcess(
    'strace',
    ['-f', '-qq', '-s', '0', '-e', `trace=${TRACED}`, '-o', logPath, qemuImg, ...convertArgs(spec)],
    { timeoutSeconds, signal, group: true },
  );
  rmSync(spec.dst, { force: true });
  if (result.notStarted)
    return { ...missing, note: 'strace is not installed (scripts/setup.sh installs it); flush audit skipped' };
  let log = '';
  try {
    log = readFileSync(logPath, 'utf8');
  } catch {
    log = '';
  }
  rmSync(logPath, { force: true });
  if (!result.ok) {
    const why = /ptrace|Operation not permitted/.test(result.stderrTail)
      ? 'ptrace is not allowed here'
      : (result.stderrTail.trim().split('\n').pop() ?? 'failed');
    return { ...missing, note: `flush audit run failed: ${why}` };
  }
  return { ...base, ok: true, ...parseStraceLog(log, spec.dst), note: null };
}
