// What kind of failure a run that did not succeed was: the one classifier, used when a run fails and when an older
// results file is read (pure). "unsupported" is kept for qemu-img refusing the mode itself; everything else failed.

/** unsupported: qemu-img refused the mode (O_DIRECT refused at open, an option this build does not know);
 * out-of-space: the target filled up; oom: the memory cgroup's OOM killer; timed-out: --timeout; killed: a signal
 * from outside; error: any other failure of qemu-img. */
export const FAILURE_KINDS = [
  'unsupported',
  'out-of-space',
  'oom',
  'timed-out',
  'killed',
  'error',
  /** Flush latency emulation was asked for, but the delay library did not load into qemu-img (no exit line). */
  'emulation-not-applied',
  /** qemu-img returned 0 but its output was not there, or not its size: the target folder went during the run. */
  'target-vanished',
] as const;

/** The kind of a failed run. */
export type FailureKind = (typeof FAILURE_KINDS)[number];

/** The facts a failure is judged by. */
export interface FailureFacts {
  /** The target cache mode of the run. */
  mode: string;
  timedOut: boolean;
  oomKilled: boolean;
  /** The signal that ended qemu-img, or null. */
  signal: string | null;
  /** What qemu-img printed on stderr (its last lines), or the recorded error. */
  message: string;
}

const OUT_OF_SPACE = /No space left on device|ENOSPC|Disk quota exceeded|EDQUOT/i;
/** qemu-img's own words when it cannot use a cache mode or option: O_DIRECT refused at open, an unknown option. */
const O_DIRECT_REFUSED = /Could not open .*: Invalid argument|O_DIRECT|does not support (?:direct|O_DIRECT)/i;
const OPTION_REFUSED =
  /invalid (?:cache )?option|unrecognized option|Invalid cache mode|Unknown option|invalid option/i;

/** The kind of a run that failed. */
export function failureKind(f: FailureFacts): FailureKind {
  if (f.timedOut) return 'timed-out';
  if (f.oomKilled) return 'oom';
  if (OUT_OF_SPACE.test(f.message)) return 'out-of-space';
  if (f.signal) return 'killed';
  if ((f.mode === 'none' || f.mode === 'directsync') && O_DIRECT_REFUSED.test(f.message)) return 'unsupported';
  if (OPTION_REFUSED.test(f.message)) return 'unsupported';
  return 'error';
}
