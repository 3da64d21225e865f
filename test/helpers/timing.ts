// Deadlines in tests that load cannot break: durations on the monotonic clock, and a margin for the machine's load
// measured on the spot (how long starting and reaping a small process takes now), never a fixed allowance.
import { execa } from 'execa';

/** Milliseconds on the monotonic clock (never steps with the wall clock). */
export function monotonicMs(): number {
  return performance.now();
}

/**
 * How late this machine may be right now, in ms: twice the slowest of three measured starts and reaps of `node -e 0`
 * (105-115 ms each on the idle 2-core VM, so about 230 ms; it grows with the load that delays the tool too).
 */
export async function loadMarginMs(): Promise<number> {
  let slowest = 0;
  for (let i = 0; i < 3; i++) {
    const started = monotonicMs();
    await execa(process.execPath, ['-e', '0']);
    slowest = Math.max(slowest, monotonicMs() - started);
  }
  return 2 * slowest;
}
