// The flag table: parse -> resolve -> rerun line -> parse -> resolve gives the same config, over generated option
// combinations; the --resume values do the same; help and the parser are generated from the same declarations.
import { describe, expect, it } from 'vitest';
import { COMMAND_OPTIONS, helpText, parseCommandLine } from '../../src/cli/args.ts';
import { recordedConfig, resolveBenchConfig } from '../../src/config/resolve.ts';
import { CACHE_MODES } from '../../src/model/cache-modes.ts';
import { CONFIG_FLAGS, configFlagValues, FLAGS, rerunArguments } from '../../src/model/flags.ts';
import { COMMANDS } from '../../src/model/invocation.ts';
import { seededRandom } from '../../src/model/prng.ts';
import type { RecordedConfig } from '../../src/model/results.ts';
import { stubPort } from '../helpers/stub-port.ts';

const cwd = '/nonexistent/qcb-flags';
const now = new Date('2026-11-30T12:00:00Z');

const env = stubPort();

async function configOf(argv: string[]): Promise<RecordedConfig> {
  const resolved = await resolveBenchConfig(parseCommandLine(argv).values, { env, now, cwd });
  return recordedConfig(resolved, 0.01);
}

/** What a rerun must reproduce: everything but where the results go and what the terminal shows. */
function measured(config: RecordedConfig): Omit<RecordedConfig, 'outDir' | 'json' | 'quiet'> {
  const { outDir: _o, json: _j, quiet: _q, ...rest } = config;
  return rest;
}

/** A random valid bench command line. */
function randomArgv(random: () => number): string[] {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const maybe = (p = 0.5) => random() < p;
  const argv: string[] = [];
  // --as-projects sets the modes and options itself: the flags it replaces are left out with it.
  const projects = maybe(0.15);
  if (projects) argv.push('--as-projects', pick(['all', 'nova,cdi', 'proxmox']));
  if (maybe(0.2))
    argv.push(
      '--project-storage',
      pick(['proxmox=zfspool', 'cloudstack=linstor,vdsm=preallocated', 'proxmox=lvmthin']),
    );
  const modes = projects ? [] : CACHE_MODES.filter(() => maybe(0.6));
  if (modes.length) argv.push('--modes', modes.join(','));
  if (modes.length && maybe(0.3)) argv.push('--baseline', pick(modes));
  if (maybe(0.4)) argv.push('--runs', String(1 + Math.floor(random() * 12)));
  else {
    if (maybe()) argv.push('--precision', pick(['5%', '7%', '10', '12.5%', '33%']));
    const min = maybe() ? 2 + Math.floor(random() * 5) : null;
    if (min !== null) argv.push('--min-runs', String(min));
    if (maybe()) argv.push('--max-runs', String(Math.max(min ?? 3, 2) + Math.floor(random() * 8)));
    if (maybe()) argv.push('--budget', pick(['60s', '10m', '170s', '0.5h', '90']));
  }
  if (maybe()) argv.push('--warmup', String(Math.floor(random() * 3)));
  if (maybe()) argv.push('--seed', String(Math.floor(random() * 2 ** 31)));
  if (maybe(0.3)) argv.push('--timeout', pick(['2s', '10m', '0.25s', '1h']));
  if (maybe(0.3)) argv.push('--on-failure', pick(['continue', 'stop']));
  if (maybe(0.3)) {
    argv.push('--image', pick(['img.qcow2', '/srv/images/a b.qcow2', "it's.raw"]));
    if (maybe(0.3)) argv.push('--image-format', pick(['qcow2', 'raw', 'vmdk']));
  } else if (maybe(0.5)) {
    const size = pick(['64M', '1G', '4G', '3000M', '16777216', '1536M']);
    argv.push('--image-size', size);
    if (maybe()) argv.push('--image-data', pick(['1M', '8M', '9437184']));
  }
  for (const path of ['qemu-img', '/opt/qemu-9/bin/qemu-img'].filter(() => maybe(0.3))) argv.push('--qemu-img', path);
  const block = maybe(0.2) ? pick(['device', 'loop']) : null;
  if (block === 'device') argv.push('--target-device', '/dev/vdb', '--i-know-this-overwrites', '/dev/vdb');
  if (block === 'loop') argv.push('--target-loop', pick(['/var/tmp', 'loops,/tmp']));
  if (maybe(0.4)) argv.push('--target-dir', pick(['results', '/mnt/a', 'x,y', '/tmp/with space']));
  if (!block && maybe(0.3)) argv.push('--output-format', pick(['raw', 'qcow2', 'raw,qcow2']));
  if (!projects) {
    if (maybe(0.3)) argv.push('--src-cache', pick(['none', 'writeback,none']));
    if (maybe(0.3)) argv.push('--coroutines', pick(['1', '16', '1,8']));
    if (maybe(0.3)) argv.push('--out-of-order');
    if (maybe(0.2)) argv.push('--no-out-of-order');
    if (block !== 'device' && maybe(0.2)) argv.push('--target-is-zero');
    if (maybe(0.2)) argv.push('--rate-limit', pick(['100M', '1G,50M']));
  }
  if (maybe(0.2)) argv.push('--memory-limit', pick(['600M', '4M', '1G', '5000000']));
  if (maybe(0.3)) argv.push('--emulate-flush-latency', pick(['2ms', 'nova-2019', '0.25ms', 'hdd', '1.5ms']));
  for (const flag of [
    '--flush-audit',
    '--no-flush-meter',
    '--durability-check',
    '--no-flush-probe',
    '--no-drop-caches',
    '--skip-space-check',
    '--verify',
    '--json',
    '-q',
  ]) {
    if (maybe(0.2)) argv.push(flag);
  }
  return argv;
}

describe('the flag table', () => {
  it('round trip: parse, resolve, rerun line, parse, resolve gives the same config (500 generated lines)', async () => {
    const random = seededRandom(17);
    for (let i = 0; i < 500; i++) {
      const argv = randomArgv(random);
      const first = await configOf(argv);
      const rerun = rerunArguments(first);
      const again = await configOf(rerun);
      expect(measured(again), `${argv.join(' ')}\n -> ${rerun.join(' ')}`).toEqual(measured(first));
    }
  });
  it("the generator draws every flag of a bench's configuration (a flag left out of it fails here)", () => {
    const random = seededRandom(17);
    const drawn = new Set<string>();
    for (let i = 0; i < 500; i++) for (const a of randomArgv(random)) if (a.startsWith('--')) drawn.add(a.slice(2));
    const configured = FLAGS.filter((f) => f.commands.includes('bench') && f.rerun !== false).map((f) => f.name);
    expect(configured.filter((name) => !drawn.has(name))).toEqual([]);
  });
  it('round trip: the --resume values resolve to the recorded config (500 generated lines)', async () => {
    const random = seededRandom(29);
    for (let i = 0; i < 500; i++) {
      const argv = randomArgv(random);
      const first = await configOf(argv);
      const values = configFlagValues(first);
      const again = recordedConfig(await resolveBenchConfig(values, { env, cwd, resumeDir: first.outDir }), 0.01);
      expect(again, argv.join(' ')).toEqual(first);
    }
  });
  it('the rerun line of --output-format qcow2 --src-cache none --budget 60s --verify holds all four', async () => {
    const config = await configOf(['--output-format', 'qcow2', '--src-cache', 'none', '--budget', '60s', '--verify']);
    const rerun = rerunArguments(config);
    expect(rerun).toEqual([
      '--budget',
      '60s',
      '--baseline',
      'writethrough',
      '--seed',
      String(config.seed),
      '--output-format',
      'qcow2',
      '--src-cache',
      'none',
      '--verify',
    ]);
  });
  it('a default run repeats as its baseline and seed; the default target dir is not written out', async () => {
    const config = await configOf(['--seed', '7']);
    expect(rerunArguments(config)).toEqual(['--baseline', 'writethrough', '--seed', '7']);
    expect(configFlagValues(config)['target-dir']).toEqual([`${cwd}/results`]);
  });
  it('every value a field writes back names a declared flag', async () => {
    const names = new Set(FLAGS.map((f) => f.name));
    const config = await configOf(['--image', 'x.qcow2', '--runs', '3', '--memory-limit', '1G']);
    for (const name of Object.keys(configFlagValues(config))) expect(names, name).toContain(name);
  });
  it('declares each flag once; every config field has flags or says why not', () => {
    const names = FLAGS.map((f) => f.name);
    expect(new Set(names).size).toBe(names.length);
    for (const [field, entry] of Object.entries(CONFIG_FLAGS)) {
      expect(
        'flags' in entry ? entry.flags.length : (entry as { derived: string }).derived.length,
        field,
      ).toBeGreaterThan(0);
    }
  });
  it('the parser and --help of each command come from the same declarations', () => {
    for (const command of COMMANDS) {
      const help = helpText(command);
      const parsed = Object.keys(COMMAND_OPTIONS[command]).sort();
      const helped = [...help.matchAll(/^ {2}--([a-z-]+)/gm)].map((m) => m[1]).sort();
      expect(helped, command).toEqual(parsed);
      for (const line of help.split('\n')) expect(line.length, line).toBeLessThanOrEqual(110);
    }
    expect(helpText('sweep')).toMatch(
      /--budget DURATION\s+time the bench may take once its image is ready.*default: 15m/s,
    );
    expect(helpText('bench')).toMatch(
      /--budget DURATION\s+time the bench may take once its image is ready.*default: 170s/s,
    );
  });
});
