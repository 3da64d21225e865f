// Discards that go on after `sync`: on an ext4 with a journal mounted with `discard` (and other file systems that
// discard from a worker), the freed blocks of a removed output are discarded after the commit, so they can still be in
// flight when `sync` returns (for 1.3-1.5 s after a 1 GiB output on this VM, against a `sync` of 27-38 ms). A
// conversion timed then would share its disk with them.
import { realpathSync } from 'node:fs';
import { basename } from 'node:path';
import { mountFor, parseMountInfo } from '../model/mountinfo.ts';
import { DISCARD_QUIET_MS, DISCARD_WAIT_LIMIT_SECONDS } from '../model/results.ts';
import { readText, readValue } from './read-text.ts';

/**
 * Whether removing a file under `path` can leave discards in flight after `sync`: its file system is mounted with
 * `discard` (any form: btrfs's discard=async too), and is not an ext4 without a journal (which discards inside the
 * unlink: this VM's root).
 */
export function discardsAfterCommit(
  path: string,
  mountinfo = readText('/proc/self/mountinfo') ?? '',
  journalTask = (device: string) => readValue(`/sys/fs/ext4/${device}/journal_task`),
): boolean {
  let real = path;
  try {
    real = realpathSync(path);
  } catch {
    /* gone: judged by its name */
  }
  const mount = mountFor(real, parseMountInfo(mountinfo));
  if (!mount || !/(^|[ ,(])discard([=,)]|$)/.test(mount.options)) return false;
  return mount.fsType !== 'ext4' || journalTask(basename(mount.source)) !== '<none>';
}

/** Discard requests completed, summed over the block devices of /proc/diskstats (its 12th counter, Linux 4.18+). */
export function discardsCompleted(diskstats: string): number {
  let sum = 0;
  for (const line of diskstats.split('\n')) {
    const fields = line.trim().split(/\s+/);
    if (fields.length >= 18) sum += Number(fields[14]); // major, minor, name, then the counters
  }
  return sum;
}

/** How waiting for the discards ended: the seconds waited, and whether a quiet window was seen. */
export interface DiscardSettle {
  seconds: number;
  settled: boolean;
}

/**
 * Waits until no discard completes on any block device for `quietMs` (at most `maxSeconds`). A kernel without the
 * discard counters, or no /proc/diskstats, is not waited on.
 */
export async function settleDiscards(
  quietMs = DISCARD_QUIET_MS,
  maxSeconds = DISCARD_WAIT_LIMIT_SECONDS,
  read: () => string | null = () => readText('/proc/diskstats'),
): Promise<DiscardSettle> {
  const started = process.hrtime.bigint();
  const elapsed = () => Number(process.hrtime.bigint() - started) / 1e9;
  const first = read();
  if (first === null || !/^\s*\d+\s+\d+\s+\S+(\s+\d+){15}/m.test(first)) return { seconds: 0, settled: true };
  let last = discardsCompleted(first);
  while (elapsed() < maxSeconds) {
    await new Promise((done) => setTimeout(done, quietMs));
    const now = discardsCompleted(read() ?? '');
    if (now === last) return { seconds: elapsed(), settled: true };
    last = now;
  }
  return { seconds: elapsed(), settled: false };
}
