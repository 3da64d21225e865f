// The flush meter: the line the interposer library writes at qemu-img's exit, read into a sample's `flushes`.
import { readFileSync, rmSync } from 'node:fs';
import type { Sample } from '../model/results.ts';
import { round6 } from '../model/units.ts';

/** The environment that loads the meter into one run and names the file it writes. */
export function meterEnv(library: string, file: string): Record<string, string> {
  return { LD_PRELOAD: library, QCB_FLUSH_METER_FILE: file };
}

/** Parses the meter's line ("calls N wait_ns N ... unflushed_bytes N"), or null when it is not one. */
export function parseMeter(line: string): NonNullable<Sample['flushes']> | null {
  const fields = new Map<string, number>();
  const words = line.trim().split(/\s+/);
  for (let i = 0; i + 1 < words.length; i += 2) fields.set(words[i] as string, Number(words[i + 1]));
  const get = (name: string) => fields.get(name);
  const names = ['calls', 'wait_ns', 'in_flight_ns', 'median_us', 'p99_us', 'write_calls', 'write_bytes'];
  if ([...names, 'unflushed_bytes'].some((n) => !Number.isFinite(get(n)))) return null;
  return {
    calls: get('calls') as number,
    waitSeconds: round6((get('wait_ns') as number) / 1e9),
    inFlightSeconds: round6((get('in_flight_ns') as number) / 1e9),
    medianMs: (get('median_us') as number) / 1000,
    p99Ms: (get('p99_us') as number) / 1000,
    writeCalls: get('write_calls') as number,
    writeBytes: get('write_bytes') as number,
    unflushedBytes: get('unflushed_bytes') as number,
  };
}

/** Reads and removes the meter's file of a run; null when qemu-img wrote none (not loaded, or killed). */
export function takeMeter(file: string): Sample['flushes'] {
  try {
    return parseMeter(readFileSync(file, 'utf8'));
  } catch {
    return null;
  } finally {
    rmSync(file, { force: true });
  }
}
