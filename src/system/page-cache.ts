// Page-cache control around each run: sync, drop caches (root) or evict files (fadvise), dirty residue, time to
// durable.
import { readFileSync, writeFileSync } from 'node:fs';
import { type DiscardSettle, discardsAfterCommit, settleDiscards } from './discards.ts';
import { runProcess } from './spawn.ts';

/** How the page cache was emptied before a run. */
export type CacheDrop = 'drop_caches' | 'fadvise' | 'none';

/** Flushes all dirty data (`sync`). */
export async function syncAll(): Promise<void> {
  await runProcess('sync', [], { timeoutSeconds: 600 });
}

/**
 * Before a run: syncs every file system, waits for the discards that follow a removal under `removedUnder` (null:
 * nothing removed), then empties the page cache (drop_caches as root, else per-file eviction of `files` with dd
 * iflag=nocache) unless `allowed` is false.
 */
export async function dropPageCache(
  files: readonly string[],
  allowed: boolean,
  removedUnder: string | null,
): Promise<{ drop: CacheDrop; discardWait: DiscardSettle | null }> {
  // The sync runs either way: it commits what the last run left (its output's unlink) before the next timing starts;
  // on a file system mounted with `discard` whose discards go on after the commit (ext4 with a journal), the timing
  // waits until no discard has completed for 50 ms.
  await syncAll();
  const discardWait = removedUnder !== null && discardsAfterCommit(removedUnder) ? await settleDiscards() : null;
  return { drop: allowed ? await emptyPageCache(files) : 'none', discardWait };
}

/** drop_caches as root, else per-file eviction of `files` with dd iflag=nocache. */
async function emptyPageCache(files: readonly string[]): Promise<CacheDrop> {
  try {
    writeFileSync('/proc/sys/vm/drop_caches', '3\n');
    return 'drop_caches';
  } catch {
    let evicted = false;
    for (const file of files) {
      const result = await runProcess('dd', [`if=${file}`, 'iflag=nocache', 'count=0', 'status=none'], {
        timeoutSeconds: 60,
      });
      evicted ||= result.ok;
    }
    return evicted ? 'fadvise' : 'none';
  }
}

/**
 * Times what is left to make the output durable: `sync -f FILE` (syncfs of the file's file system) for a file,
 * `sync DEVICE` (fsync of the block device: its page cache and a flush) for a block-device target.
 */
export async function timeSyncFile(file: string, signal?: AbortSignal, device = false): Promise<number> {
  const result = await runProcess('sync', device ? [file] : ['-f', file], { timeoutSeconds: 3600, signal });
  return result.wallSeconds;
}

/** Dirty + Writeback from /proc/meminfo, KiB, or null when unreadable. */
export function dirtyKiB(meminfo?: string): number | null {
  let text = meminfo;
  try {
    text ??= readFileSync('/proc/meminfo', 'utf8');
  } catch {
    return null;
  }
  const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(text as string)?.[1] ?? NaN);
  const total = field('Dirty') + field('Writeback');
  return Number.isFinite(total) ? total : null;
}
