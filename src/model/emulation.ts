// The label every output of a run with emulated flush latency carries.

/** "EMULATED FLUSH LATENCY 2 ms" for an emulated run, null for a native one. */
export function emulationLabel(delayMs: number | null): string | null {
  return delayMs === null ? null : `EMULATED FLUSH LATENCY ${delayMs} ms`;
}
