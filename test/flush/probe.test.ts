// The flush-latency probe writes only its own scratch file in the work folder, removes it, and probes qemu-img's size.
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { probeBuiltIn, probeFlushLatency, shapedBytes } from '../../src/flush/probe.ts';

describe('probeFlushLatency', () => {
  it('leaves the folder as it found it and measures writes of the mean write size', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'qcb-probe-'));
    writeFileSync(join(dir, 'keep.txt'), 'not ours');
    const probe = await probeFlushLatency('default', dir, join(dir, 'flush-probe.tmp'), null, 73_000);
    expect(readdirSync(dir)).toEqual(['keep.txt']);
    expect(probe.shaped?.bytes).toBe(73_216); // 73,000 rounded to the nearest multiple of 512
    expect(probe.shaped?.count).toBeGreaterThan(100);
    expect(probe.small?.bytes).toBe(4096);
  }, 120_000);
  it('rounds the size to 512-byte multiples, and the built-in loop extends its file and removes it', () => {
    expect(shapedBytes(100)).toBe(512);
    expect(shapedBytes(75_201)).toBe(75_264);
    const dir = mkdtempSync(join(tmpdir(), 'qcb-probe-'));
    const figures = probeBuiltIn(join(dir, 'p.tmp'), 8192, 20, 5000);
    expect(figures).toMatchObject({ bytes: 8192, count: 20 });
    expect(figures.medianMs).toBeGreaterThan(0);
    expect(readdirSync(dir)).toEqual([]);
  });
});
