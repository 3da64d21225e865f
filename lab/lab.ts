// The storage lab: `npm run lab -- SCENARIO... [--out DIR]` (also `list` and `all`). Builds and caches a Debian guest,
// boots it (KVM when it runs a guest here, else TCG), runs this checkout's offline bundle inside it against each
// scenario's storage (NFS, LVM, iSCSI), copies each run's results back into DIR/<scenario>/ and powers the guest off.
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { execa } from 'execa';
import { DEFAULTS } from '../src/config/defaults.ts';
import { ensureDefaultImage } from '../src/image/builtin-image.ts';
import { buildGuest, cachedGuest, DEBOOTSTRAP, labCacheDir } from './guest-image.ts';
import { bootGuest, chooseAccelerator, QEMU_SYSTEM } from './guest-run.ts';
import {
  LAB_IMAGE,
  LabError,
  labRecord,
  prepareShare,
  type ScenarioInputs,
  withWorkFolder,
  writeRecord,
} from './lab-work.ts';
import { runPowerCut } from './power-cut.ts';
import { SCENARIOS, type Scenario, selectScenarios } from './scenarios.ts';

const ROOT = resolve(import.meta.dirname, '..');

/** What the host needs before anything is built: root, qemu-system-x86_64, and debootstrap unless cached. */
async function checkHost(cache: string): Promise<void> {
  if (process.getuid?.() !== 0) throw new LabError('the lab needs root (debootstrap, 9p as root): run it as root', 3);
  const missing: string[] = [];
  for (const [command, pkg] of [
    [QEMU_SYSTEM, 'qemu-system-x86'],
    ['mkfs.ext4', 'e2fsprogs'],
    ...(cachedGuest(cache) ? [] : [[DEBOOTSTRAP, 'debootstrap']]),
  ] as const) {
    const found = await execa('sh', ['-c', `command -v ${command}`], { reject: false });
    if (found.exitCode !== 0) missing.push(`${command} (apt-get install ${pkg})`);
  }
  if (missing.length) {
    throw new LabError(`the lab cannot run here: missing ${missing.join(', ')}; bash scripts/setup.sh --test-tools`, 3);
  }
}

/**
 * This checkout's offline bundle, built now (about 40 s) so the guest runs the code under test, at a path of this
 * process's own (two lab runs, or a lab run and the bundle's test, may build at once); removed when the lab ends.
 */
async function buildBundle(cache: string): Promise<string> {
  const path = join(cache, 'bundles', `bundle-${process.pid}.tar.gz`);
  const env = { QCB_BUNDLE_OUT: path };
  const built = await execa('bash', ['scripts/bundle.sh'], { cwd: ROOT, all: true, reject: false, env });
  if (built.exitCode !== 0 || !existsSync(path)) {
    throw new LabError(`the offline bundle could not be built: ${String(built.all).trim().split('\n').pop()}`, 3);
  }
  process.once('exit', () => rmSync(path, { force: true }));
  return path;
}

/**
 * The scenarios' built-in image, built here natively (a second) and handed to the guest's cache, where building it
 * under TCG takes minutes. The generator writes the same bytes on every host and the guest's qemu-img is the same
 * 7.2 build, so it is the image the tool would build there; its content sha256 comes along and is checked the same.
 */
async function labImage(cache: string): Promise<string[]> {
  const { clusterSize, seed } = DEFAULTS.image;
  const built = await ensureDefaultImage('qemu-img', { ...LAB_IMAGE, clusterSize, seed }, join(cache, 'images'));
  return [built.path, `${built.path}.content-sha256`];
}

/** The script the guest's PID 1 runs for one scenario: the tool copied to its disk, udev, the scenario, results. */
function guestScript(s: Scenario): string {
  return [
    'set -u',
    '. /lab/lib.sh',
    `OUT=/lab/out; RESULTS=/root/results; mkdir -p "$OUT" "$RESULTS"`,
    'ip link set lo up',
    'modprobe fuse; modprobe loop # a host has /dev/fuse and /dev/loop-control from boot; this init does not',
    'tar xzf /lab/bundle.tar.gz -C /opt',
    'mkdir -p "$QCB_CACHE_DIR/images" && cp /lab/images/* "$QCB_CACHE_DIR/images/"',
    `say "scenario ${s.name}: $(date -u +%FT%TZ)"`,
    `( . /lab/scenarios/${s.name}.sh ) 2>&1 | tee "$OUT/guest.log"`,
    'cp -a "$RESULTS"/. "$OUT/"',
    `say "scenario ${s.name} done: $(date -u +%FT%TZ)"`,
    '',
  ].join('\n');
}

async function runScenario(s: Scenario, o: ScenarioInputs) {
  return withWorkFolder(s.name, async (work, signal) => {
    const share = prepareShare(work, o);
    writeFileSync(join(share, 'guest.sh'), guestScript(s));
    const startedAt = new Date().toISOString();
    const run = await bootGuest({
      image: o.image,
      share,
      accelerator: o.accel,
      dataDiskBytes: s.dataDiskBytes,
      timeoutMs: s.timeoutMinutes * 60_000,
      signal,
      onLine: (line) => {
        if (line.startsWith('LAB: ')) console.log(`  [${s.name}] ${line.slice(5)}`);
      },
    });
    const dest = join(o.out, s.name);
    rmSync(dest, { recursive: true, force: true });
    mkdirSync(dest, { recursive: true });
    cpSync(join(share, 'out'), dest, { recursive: true });
    writeFileSync(join(dest, 'console.log'), run.console);
    const record = labRecord(s, o, run, startedAt, run.seconds);
    writeRecord(dest, record);
    if (signal.aborted) throw new LabError('interrupted: the guest was stopped', 130);
    return { record, dest, report: join(dest, 'bench', 'report.md') };
  });
}

/** `prepare`: the guest built and cached (the tests start this in the background while the other tests run). */
async function prepare(): Promise<number> {
  const cache = labCacheDir();
  await checkHost(cache);
  mkdirSync(cache, { recursive: true });
  // Stopped (the tests end before it finished): debootstrap is ended and the half-built guest removed.
  const stop = new AbortController();
  process.on('SIGTERM', () => stop.abort()); // on, not once: execa's exit hook re-raises a signal nobody else holds
  const image = await buildGuest(cache, (line) => console.log(`lab: ${line}`), stop.signal).catch((error: unknown) => {
    if (stop.signal.aborted) throw new LabError('stopped: the half-built guest was removed', 143);
    throw error;
  });
  console.log(`lab: guest ${image.recipe} ready in ${image.dir}`);
  return 0;
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { out: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help || positionals.length === 0 || positionals[0] === 'list') {
    console.log('usage: npm run lab -- SCENARIO... | all | list | prepare [--out DIR]\nscenarios:');
    for (const s of SCENARIOS) console.log(`  ${s.name.padEnd(6)} ${s.description}`);
    return positionals[0] === 'list' || values.help ? 0 : 2;
  }
  if (positionals[0] === 'prepare') return prepare();
  const chosen = selectScenarios(positionals);
  if ('unknown' in chosen) {
    throw new LabError(`no scenario '${chosen.unknown}': npm run lab -- list shows them`, 2);
  }
  const out = resolve(values.out ?? join('results', `lab-${new Date().toISOString().replace(/[:.]/g, '-')}`));
  if (existsSync(out) && readdirSync(out).length > 0 && !values.out) {
    throw new LabError(`${out} is not empty: name another with --out`, 2);
  }
  const cache = labCacheDir();
  await checkHost(cache);
  mkdirSync(cache, { recursive: true });
  const image = await buildGuest(cache, (line) => console.log(`lab: ${line}`));
  const bundle = await buildBundle(cache);
  const accel = await chooseAccelerator(image, cache, tmpdir());
  const sourceImage = await labImage(cache);
  console.log(`lab: guest ${image.recipe}, ${accel === 'tcg' ? 'TCG (emulated CPU)' : 'KVM'}; results in ${out}`);
  const inputs = { image, accel, bundle, sourceImage, out };
  const run = async (s: Scenario) => {
    const { record, report } = s.name === 'power-cut' ? await runPowerCut(s, inputs) : await runScenario(s, inputs);
    const ok = record.exitCode === 0;
    console.log(
      `${s.name}: ${ok ? 'ran' : 'FAILED'} in ${record.seconds} s (${accel}); ` +
        `${ok ? `report: ${report}` : (record.failure ?? `guest script exited ${record.exitCode}`)}`,
    );
    return ok;
  };
  // The power cut runs beside the others: under TCG each guest keeps about one core busy, so the storage scenarios
  // one after another and the power cut's lanes share the host instead of waiting for each other.
  const inTurn = async (list: Scenario[]) => {
    const oks: boolean[] = [];
    for (const s of list) oks.push(await run(s));
    return oks;
  };
  const lanes = await Promise.all([
    inTurn(chosen.filter((s) => s.name !== 'power-cut')),
    inTurn(chosen.filter((s) => s.name === 'power-cut')),
  ]);
  return lanes.flat().every(Boolean) ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof LabError) {
      console.error(`lab: ${error.message}`);
      process.exitCode = error.exitCode;
    } else {
      console.error(`lab: internal error: ${error instanceof Error ? error.message : String(error)}`);
      process.exitCode = 70;
    }
  },
);
