// The storage lab: `npm run lab -- SCENARIO... [--out DIR]` (also `list` and `all`). Builds and caches a Debian guest,
// boots it (KVM when it runs a guest here, else TCG), runs this checkout's offline bundle inside it against each
// scenario's storage (NFS, LVM, iSCSI), copies each run's results back into DIR/<scenario>/ and powers the guest off.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { execa } from 'execa';
import { DEFAULTS } from '../src/config/defaults.ts';
import { ensureDefaultImage } from '../src/image/builtin-image.ts';
import { buildGuest, cachedGuest, DEBOOTSTRAP, type GuestImage, labCacheDir } from './guest-image.ts';
import { type Accelerator, bootGuest, chooseAccelerator, QEMU_SYSTEM } from './guest-run.ts';
import { SCENARIOS, type Scenario, selectScenarios } from './scenarios.ts';

const ROOT = resolve(import.meta.dirname, '..');
const GUEST_DIR = join(import.meta.dirname, 'guest');

/** Exit codes as the tool's: 2 bad arguments, 3 the environment lacks something, 130 interrupted. */
class LabError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

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

/** This checkout's offline bundle, built now (about 15 s) so the guest runs the code under test. */
async function buildBundle(): Promise<string> {
  const built = await execa('bash', ['scripts/bundle.sh'], { cwd: ROOT, all: true, reject: false });
  const path = /bundle: (\S+\.tar\.gz)/.exec(String(built.all))?.[1];
  if (built.exitCode !== 0 || !path) {
    throw new LabError(`the offline bundle could not be built: ${String(built.all).trim().split('\n').pop()}`, 3);
  }
  return join(ROOT, path);
}

/** Size of the built-in image every scenario converts: 128 MiB virtual, 16 MiB of data (flags in the scripts). */
const LAB_IMAGE = { virtualSize: 128 * 1024 * 1024, dataSize: 16 * 1024 * 1024 };

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

/** What the lab writes beside each scenario's results. */
interface LabRecord {
  scenario: string;
  description: string;
  accelerator: Accelerator;
  note: string;
  guestKernel: string | null;
  guestRecipe: string;
  startedAt: string;
  seconds: number;
  exitCode: number | null;
  failure: string | null;
}

interface ScenarioInputs {
  image: GuestImage;
  accel: Accelerator;
  bundle: string;
  /** The built-in image and its content hash, for the guest's cache. */
  sourceImage: string[];
  out: string;
}

async function runScenario(s: Scenario, o: ScenarioInputs) {
  const work = mkdtempSync(join(tmpdir(), `qcb-lab-${s.name}-`));
  const controller = new AbortController();
  const onSignal = () => controller.abort();
  // The work folder goes even when a wrapper (npm, tsx) ends this process before the finally below runs. The signal
  // handlers stay registered (on, not once): tsx exits at once on a signal no other listener is left for.
  const onExit = () => rmSync(work, { recursive: true, force: true });
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('SIGHUP', onSignal);
  process.once('exit', onExit);
  try {
    const share = join(work, 'share');
    mkdirSync(join(share, 'out'), { recursive: true });
    cpSync(o.bundle, join(share, 'bundle.tar.gz'));
    mkdirSync(join(share, 'images'));
    for (const file of o.sourceImage) cpSync(file, join(share, 'images', basename(file)));
    cpSync(join(GUEST_DIR, 'lib.sh'), join(share, 'lib.sh'));
    cpSync(join(GUEST_DIR, 'scenarios'), join(share, 'scenarios'), { recursive: true });
    writeFileSync(join(share, 'guest.sh'), guestScript(s));
    const startedAt = new Date().toISOString();
    const run = await bootGuest({
      image: o.image,
      share,
      accelerator: o.accel,
      dataDiskBytes: s.dataDiskBytes,
      timeoutMs: s.timeoutMinutes * 60_000,
      signal: controller.signal,
      onLine: (line) => {
        if (line.startsWith('LAB: ')) console.log(`  [${s.name}] ${line.slice(5)}`);
      },
    });
    const dest = join(o.out, s.name);
    rmSync(dest, { recursive: true, force: true });
    mkdirSync(dest, { recursive: true });
    cpSync(join(share, 'out'), dest, { recursive: true });
    writeFileSync(join(dest, 'console.log'), run.console);
    const record: LabRecord = {
      scenario: s.name,
      description: s.description,
      accelerator: run.accelerator,
      note:
        run.accelerator === 'tcg'
          ? 'measured in a TCG guest: times are not those of hardware; the commands, flush counts and durability are'
          : 'measured in a KVM guest on this host',
      guestKernel: /LAB: init up, kernel (\S+)/.exec(run.console)?.[1] ?? null,
      guestRecipe: o.image.recipe,
      startedAt,
      seconds: Math.round(run.seconds * 10) / 10,
      exitCode: run.exitCode,
      failure: run.failure,
    };
    writeFileSync(join(dest, 'lab.json'), `${JSON.stringify(record, null, 2)}\n`);
    if (controller.signal.aborted) throw new LabError('interrupted: the guest was stopped', 130);
    return { record, dest };
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    process.off('SIGHUP', onSignal);
    process.off('exit', onExit);
    onExit();
  }
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { out: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help || positionals.length === 0 || positionals[0] === 'list') {
    console.log('usage: npm run lab -- SCENARIO... | all | list [--out DIR]\nscenarios:');
    for (const s of SCENARIOS) console.log(`  ${s.name.padEnd(6)} ${s.description}`);
    return positionals[0] === 'list' || values.help ? 0 : 2;
  }
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
  const bundle = await buildBundle();
  const accel = await chooseAccelerator(image, cache, tmpdir());
  const sourceImage = await labImage(cache);
  console.log(`lab: guest ${image.recipe}, ${accel === 'tcg' ? 'TCG (emulated CPU)' : 'KVM'}; results in ${out}`);
  let failed = 0;
  for (const s of chosen) {
    const { record, dest } = await runScenario(s, { image, accel, bundle, sourceImage, out });
    const ok = record.exitCode === 0;
    if (!ok) failed++;
    console.log(
      `${s.name}: ${ok ? 'ran' : 'FAILED'} in ${record.seconds} s (${accel}); ` +
        `${ok ? `report: ${join(dest, 'bench', 'report.md')}` : (record.failure ?? `guest script exited ${record.exitCode}`)}`,
    );
  }
  return failed ? 1 : 0;
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
