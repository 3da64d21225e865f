import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCommandLine } from '../../src/cli/args.ts';
import { resolveBenchConfig, stamp } from '../../src/config/resolve.ts';

const cwd = mkdtempSync(join(tmpdir(), 'qcb-resolve-'));
const resolveArgs = (argv: string[]) => resolveBenchConfig(parseCommandLine(argv), new Date('2026-11-26T15:36:05Z'), cwd);

describe('resolveBenchConfig', () => {
  it('fills the defaults of a bare `bench`', async () => {
    const c = await resolveArgs([]);
    expect(c.modes).toEqual(['writethrough', 'writeback', 'none', 'unsafe']);
    expect(c.runs).toBe(3);
    expect(c.warmup).toBe(0);
    expect(c.baseline).toBe('writethrough');
    expect(c.outputFormats).toEqual(['raw']);
    expect(c.srcCaches).toEqual([null]);
    expect(c.targetDirs).toEqual([join(cwd, 'results')]);
    expect(c.outDir).toMatch(new RegExp(`^${cwd}/results/20261126T153605Z-`));
    expect(c.image).toMatchObject({ kind: 'default', virtualSize: 4 * 1024 ** 3, dataSize: 1024 ** 3 });
    expect(c.qemuImgs[0]?.version).toMatch(/^\d+\.\d+/);
    expect(c.emulateFlushLatencyMs).toBeNull();
  });
  it('takes the documented flags', async () => {
    const c = await resolveArgs(['--modes', 'writeback,writethrough,directsync', '--runs', '5', '--warmup', '1', '--seed', '9', '--emulate-flush-latency', '2ms', '--timeout', '10m', '--target-dir', cwd, '--output-format', 'raw,qcow2', '--src-cache', 'none', '--image-size', '256M', '--image-data', '32M']);
    expect(c).toMatchObject({ modes: ['writethrough', 'writeback', 'directsync'], runs: 5, warmup: 1, seed: 9, emulateFlushLatencyMs: 2, timeoutSeconds: 600, targetDirs: [cwd], outputFormats: ['raw', 'qcow2'], srcCaches: ['none'] });
    expect(c.image).toMatchObject({ kind: 'default', virtualSize: 256 * 1024 ** 2, dataSize: 32 * 1024 ** 2 });
  });
  it('rejects a baseline outside the modes', async () => {
    await expect(resolveArgs(['--modes', 'writeback,unsafe'])).rejects.toThrow(/--baseline writethrough is not among --modes/);
  });
  it('stamps folders in UTC', () => {
    expect(stamp(new Date('2026-01-02T03:04:05.678Z'))).toBe('20260102T030405Z');
  });
});
