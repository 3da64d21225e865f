// Discards that go on after `sync`: on an ext4 with a journal mounted with `discard` (and other file systems that
// discard from a worker), the freed blocks of a removed output are discarded after the commit, so they can still be in
// flight when `sync` returns (for 1.25 s after a 1 GiB output on this VM, against a `sync` of 36 ms). A conversion
// timed then would share its disk with them.
import { readText } from './read-text.ts';

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
  quietMs = 50,
  maxSeconds = 30,
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
