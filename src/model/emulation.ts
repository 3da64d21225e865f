// The label every output of a run with emulated flush latency carries.

/**
 * "EMULATED FLUSH LATENCY 2 ms" (with the preset's name when one was used) for an emulated run; null for a native one.
 */
export function emulationLabel(delayMs: number | null, preset: string | null = null): string | null {
  if (delayMs === null) return null;
  return `EMULATED FLUSH LATENCY ${delayMs} ms${preset ? ` (preset ${preset})` : ''}`;
}
