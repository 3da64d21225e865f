// Option resolution through a stub EnvironmentPort: no qemu-img, no file system checks, every call recorded.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCommandLine } from '../../src/cli/args.ts';
import { recordedConfig, resolveBenchConfig, stamp } from '../../src/config/resolve.ts';
import { UsageError } from '../../src/model/errors.ts';
import { configFlagValues, rerunArguments } from '../../src/model/flags.ts';
import { PROJECT_IDS } from '../../src/model/project-rules.ts';
import { stubPort } from '../helpers/stub-port.ts';

const cwd = '/nonexistent/qcb-resolve';
const now = new Date('2026-11-26T15:36:05Z');
const resolveArgs = (argv: string[], env = stubPort()) =>
  resolveBenchConfig(parseCommandLine(argv).values, { env, now, cwd });

describe('resolveBenchConfig', () => {
  it('fills the defaults of a bare `bench`', async () => {
    const calls: string[] = [];
    const c = await resolveArgs([], stubPort(calls));
    expect(c.modes).toEqual(['writethrough', 'writeback', 'none', 'unsafe']);
    expect(c.runs).toBe(10);
    expect(c.adaptive).toEqual({ precision: 0.1, minRuns: 3, maxRuns: 10, budgetSeconds: 170 });
    expect(c.warmup).toBe(0);
    expect(c.baseline).toBe('writethrough');
    expect(c.outputFormats).toEqual(['raw']);
    expect(c.srcCaches).toEqual([null]);
    expect(c.targetDirs).toEqual([join(cwd, 'results')]);
    expect(c.outDir).toMatch(new RegExp(`^${cwd}/results/20261126T153605Z-`));
    expect(c.image).toMatchObject({ kind: 'default', virtualSize: 4 * 1024 ** 3, dataSize: 1024 ** 3 });
    expect(c.qemuImgs).toEqual([{ path: 'qemu-img', version: '7.2.22' }]);
    expect(c.emulateFlushLatencyMs).toBeNull();
    // No --target-dir: the default results folder is created later, so only its free space is checked.
    expect(calls).toEqual([
      `outDir ${c.outDir}`,
      'qemuImg qemu-img',
      // the built-in image's data (1 GiB) + 5%, its L2 tables (4 GiB / 8192) and 1 MiB: not its virtual size
      `freeSpace ${join(cwd, 'results')} 1129001780`,
    ]);
  });
  it('--as-projects alone means every project, a list a subset in table order; no baseline; the flags it sets refused', async () => {
    const all = await resolveArgs(['--as-projects']);
    expect(all.asProjects).toEqual([...PROJECT_IDS]);
    expect(all.baseline).toBeNull();
    expect((await resolveArgs(['--as-projects', 'cdi,nova', '--runs', '2'])).asProjects).toEqual(['nova', 'cdi']);
    await expect(resolveArgs(['--as-projects', 'nova,esxi'])).rejects.toThrow(
      "unknown project 'esxi' in --as-projects; use all or nova, cinder, vdsm, cdi, proxmox, ironic, incus, cloudstack, glance, libvirt, opennebula",
    );
    await expect(resolveArgs(['--as-projects', '--modes', 'none'])).rejects.toThrow(
      "--as-projects runs each project's own command line; drop --modes (it sets it itself)",
    );
    await expect(resolveArgs(['--coroutines', '4', '--as-projects'])).rejects.toThrow(/drop --coroutines/);
    // --resume and the report's rerun line give back the same configuration
    const recorded = recordedConfig(await resolveArgs(['--as-projects', 'cdi,nova', '--seed', '7']), 0.01);
    const again = await resolveBenchConfig(configFlagValues(recorded, 'resume'), { env: stubPort(), now, cwd });
    expect(recordedConfig(again, 0.01)).toEqual(recorded);
    expect(rerunArguments(recorded)).toEqual(['--seed', '7', '--as-projects', 'nova', '--as-projects', 'cdi']);
  });
  it('takes the documented flags', async () => {
    const c = await resolveArgs([
      '--modes',
      'writeback,writethrough,directsync',
      '--runs',
      '5',
      '--warmup',
      '1',
      '--seed',
      '9',
      '--emulate-flush-latency',
      '2ms',
      '--timeout',
      '10m',
      '--target-dir',
      '/t',
      '--output-format',
      'raw,qcow2',
      '--src-cache',
      'none',
      '--image-size',
      '256M',
      '--image-data',
      '32M',
    ]);
    expect(c).toMatchObject({
      modes: ['writethrough', 'writeback', 'directsync'],
      runs: 5,
      warmup: 1,
      seed: 9,
      emulateFlushLatencyMs: 2,
      timeoutSeconds: 600,
      targetDirs: ['/t'],
      outputFormats: ['raw', 'qcow2'],
      srcCaches: ['none'],
    });
    expect(c.image).toMatchObject({ kind: 'default', virtualSize: 256 * 1024 ** 2, dataSize: 32 * 1024 ** 2 });
  });
  it('--durability-check adds its three copies of the output to the space it checks for', async () => {
    const calls: string[] = [];
    await resolveArgs(['--image', 'disk.qcow2', '--target-dir', '/t', '--durability-check'], stubPort(calls));
    expect(calls).toContain(`freeSpace /t ${86376448 * 3}`);
  });
  it('asks the port about a user image and checks free space for what qemu-img measures, not its virtual size', async () => {
    const calls: string[] = [];
    const c = await resolveArgs(['--image', 'disk.qcow2', '--target-dir', '/t'], stubPort(calls));
    expect(c.image).toMatchObject({ kind: 'file', path: join(cwd, 'disk.qcow2'), format: 'qcow2' });
    expect(calls).toContain(`image ${join(cwd, 'disk.qcow2')}`);
    expect(calls).toContain(`freeSpace /t 86376448`);
    const fallback: string[] = [];
    await resolveArgs(['--image', 'unmeasurable.qcow2', '--target-dir', '/t'], stubPort(fallback));
    expect(fallback).toContain(`freeSpace /t ${2 ** 30}`);
    const skipped: string[] = [];
    const s = await resolveArgs(
      ['--image', 'disk.qcow2', '--target-dir', '/t', '--skip-space-check'],
      stubPort(skipped),
    );
    expect(s.spaceCheck).toBe(false);
    expect(skipped.filter((call) => call.startsWith('freeSpace') || call.startsWith('measure'))).toEqual([]);
  });
  it("passes the port's refusal on", async () => {
    const env = {
      ...stubPort(),
      qemuImg: async () => {
        throw new UsageError('qemu-img not usable: gone');
      },
    };
    await expect(resolveArgs([], env)).rejects.toThrow(/^qemu-img not usable: gone$/);
  });
  it('samples to a precision within limits, or runs exactly --runs', async () => {
    const a = await resolveArgs(['--precision', '5%', '--min-runs', '4', '--max-runs', '8', '--budget', '5m']);
    expect(a).toMatchObject({ runs: 8, adaptive: { precision: 0.05, minRuns: 4, maxRuns: 8, budgetSeconds: 300 } });
    expect((await resolveArgs(['--runs', '4'])).adaptive).toBeNull();
    await expect(resolveArgs(['--runs', '4', '--precision', '5'])).rejects.toThrow(
      /--runs fixes the run count; drop --precision or --runs/,
    );
    await expect(resolveArgs(['--min-runs', '6', '--max-runs', '4'])).rejects.toThrow(
      /--min-runs 6 is more than --max-runs 4/,
    );
    await expect(resolveArgs(['--precision', '0'])).rejects.toThrow(
      /--precision must be a percentage between 0 and 100/,
    );
  });
  it('takes writethrough as the baseline only when it is measured; a single mode has none', async () => {
    expect((await resolveArgs(['--modes', 'writeback'])).baseline).toBeNull();
    expect((await resolveArgs(['--modes', 'unsafe,writeback'])).baseline).toBeNull();
    expect((await resolveArgs(['--modes', 'writethrough,writeback', '--baseline', 'writeback'])).baseline).toBe(
      'writeback',
    );
  });
  it('refuses a mode listed twice', async () => {
    await expect(resolveArgs(['--modes', 'writeback,writeback'])).rejects.toThrow(
      /^--modes lists writeback twice; give each mode once$/,
    );
  });
  it('rejects a baseline outside the modes', async () => {
    await expect(resolveArgs(['--modes', 'writeback,unsafe', '--baseline', 'none'])).rejects.toThrow(
      /--baseline none is not among --modes \(writeback,unsafe\)/,
    );
  });
  it('resolves a recorded config to the same config again (the --resume path)', async () => {
    const first = await resolveArgs([
      '--modes',
      'writeback,unsafe',
      '--baseline',
      'unsafe',
      '--runs',
      '4',
      '--seed',
      '7',
      '--timeout',
      '90s',
      '--emulate-flush-latency',
      '0.5ms',
      '--target-dir',
      '/t',
      '--src-cache',
      'none',
      '--image-size',
      '256M',
      '--image-data',
      '32M',
      '--verify',
      '--target-loop',
      '/l',
      '--target-device',
      '/dev/vdb',
      '--i-know-this-overwrites',
      '/dev/vdb',
      '--memory-limit',
      '600M',
      '--flush-audit',
    ]);
    const recorded = recordedConfig(first, 0.01);
    const again = await resolveBenchConfig(configFlagValues(recorded), { env: stubPort(), resumeDir: first.outDir });
    expect(recordedConfig(again, 0.01)).toEqual(recorded);
  });
  it('stamps folders in UTC', () => {
    expect(stamp(new Date('2026-01-02T03:04:05.678Z'))).toBe('20260102T030405Z');
  });
});

describe('emulation presets', () => {
  it('take a preset by name, recorded with its milliseconds, and refuse an unknown one', async () => {
    expect(await resolveArgs(['--emulate-flush-latency', 'nova-2019'])).toMatchObject({
      emulateFlushLatencyMs: 7.7,
      emulatePreset: 'nova-2019',
    });
    expect(await resolveArgs(['--emulate-flush-latency', 'hdd'])).toMatchObject({
      emulateFlushLatencyMs: 15,
      emulatePreset: 'hdd',
    });
    expect(await resolveArgs(['--emulate-flush-latency', '2ms'])).toMatchObject({
      emulateFlushLatencyMs: 2,
      emulatePreset: null,
    });
    await expect(resolveArgs(['--emulate-flush-latency', 'floppy'])).rejects.toThrow(
      /^unknown --emulate-flush-latency preset 'floppy'; use one of plp-nvme, consumer-nvme, cloud-block, nova-2019, hdd, or a duration like 2ms$/,
    );
  });
});

describe('convert options', () => {
  it('take -m values, -W on/off, --target-is-zero and -r values, and refuse bad ones', async () => {
    const c = await resolveArgs(['--coroutines', '1,8', '--out-of-order', '--target-is-zero', '--rate-limit', '100M']);
    expect(c).toMatchObject({ coroutines: [1, 8], outOfOrder: [true], targetIsZero: true, rateLimits: ['100M'] });
    expect((await resolveArgs([])).outOfOrder).toEqual([false]);
    expect((await resolveArgs(['--out-of-order', '--no-out-of-order'])).outOfOrder).toEqual([false, true]);
    await expect(resolveArgs(['--coroutines', '0'])).rejects.toThrow(/^--coroutines must be at least 1, got 0$/);
    await expect(resolveArgs(['--coroutines', '17'])).rejects.toThrow(/^--coroutines 17: qemu-img takes 1 to 16$/);
    await expect(resolveArgs(['--rate-limit', 'fast'])).rejects.toThrow(/^--rate-limit must be a size like 256M or 4G/);
  });
});

describe('block-device targets and memory limits', () => {
  it('add loop folders and devices to the targets, checked through the port, with no default directory', async () => {
    const calls: string[] = [];
    const c = await resolveArgs(
      [
        '--target-loop',
        'l',
        '--target-device',
        '/dev/vdb',
        '--i-know-this-overwrites',
        '/dev/vdb',
        '--memory-limit',
        '600M',
      ],
      stubPort(calls),
    );
    expect(c).toMatchObject({
      targetDirs: [],
      targetLoops: [join(cwd, 'l')],
      targetDevices: ['/dev/vdb'],
      memoryLimitBytes: 600 * 1024 ** 2,
    });
    expect(calls).toContain(`targetDir ${join(cwd, 'l')}`);
    expect(calls).toContain('loopDevices');
    expect(calls).toContain('memoryCgroups');
    expect(calls).toContain(`freeSpace ${join(cwd, 'l')} 1129001780`);
    expect(calls).toContain(`targetDevice /dev/vdb /dev/vdb ${4 * 2 ** 30}`);
  });
  it('refuse qcow2 output onto a block device, and --target-is-zero onto a used device', async () => {
    await expect(resolveArgs(['--target-loop', '/l', '--output-format', 'qcow2'])).rejects.toThrow(
      new UsageError('--target-loop takes raw output only; drop --output-format qcow2 or --target-loop'),
    );
    await expect(resolveArgs(['--target-device', '/dev/vdb', '--target-is-zero'])).rejects.toThrow(
      /^--target-is-zero tells qemu-img the target reads as zeros, which a used --target-device need not; drop one$/,
    );
    expect((await resolveArgs(['--target-loop', '/l', '--target-is-zero'])).targetIsZero).toBe(true);
  });
});

describe('empty values', () => {
  it('an empty string for a list flag is refused, not taken as the default', async () => {
    for (const flag of [
      '--coroutines',
      '--rate-limit',
      '--output-format',
      '--qemu-img',
      '--target-dir',
      '--src-cache',
    ]) {
      await expect(resolveArgs([flag, ''])).rejects.toThrow(`${flag} is empty; give a value or drop it`);
    }
    await expect(resolveArgs(['--modes', ''])).rejects.toThrow(/--modes is empty/);
    await expect(resolveArgs(['--image-size', ''])).rejects.toThrow(/--image-size must be a size/);
  });
});

describe('paths with commas', () => {
  it('a path flag takes one path per flag: a comma belongs to the path; other lists split at commas', async () => {
    const c = await resolveArgs(['--target-dir', '/srv/a,b', '--target-dir', '/t', '--coroutines', '1,8']);
    expect(c.targetDirs).toEqual(['/srv/a,b', '/t']);
    expect(c.coroutines).toEqual([1, 8]);
    expect(rerunArguments(recordedConfig(c, 0.01))).toEqual(
      expect.arrayContaining([
        '--target-dir',
        '/srv/a,b',
        '--target-dir',
        '/t',
        '--coroutines',
        '1',
        '--coroutines',
        '8',
      ]),
    );
  });
});
