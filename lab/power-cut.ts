// The power-cut scenario: a real power cut of the whole guest. Its data disk is a file on the host's power-cut file
// system (the one --durability-check uses), given to qemu-system with a writeback cache, so only what the guest's
// kernel flushed to the disk persists. One boot per case: a fresh ext4 or XFS, one conversion under one mode, and the
// cut (SIGKILL of that file system, then of qemu-system) when qemu-img returns or at a seeded point mid-conversion.
// The next boot recovers the disk as a reboot would (fsck -p / journal or log replay on mount) and compares the output
// with the source; the last boot runs the same modes through --durability-check on ext4 and XFS in the same guest.
// Writes DIR/power-cut/power-cut.json (one row per file system, mode and cut: real against simulated) and power-cut.md.
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { z } from 'zod';
import { cacheRoot } from '../src/config/paths.ts';
import { ensurePowerCutFs } from '../src/flush/power-cut-check.ts';
import { seededRandom } from '../src/model/prng.ts';
import { parseResults, type Results } from '../src/model/results.ts';
import { mountPowerCutFs } from '../src/system/power-cut-mount.ts';
import { bootGuest, type GuestDrive, type GuestRun } from './guest-run.ts';
import {
  GUEST_DIR,
  LAB_IMAGE,
  LabError,
  labRecord,
  prepareShare,
  type ScenarioInputs,
  withWorkFolder,
  writeRecord,
} from './lab-work.ts';
import type { Scenario } from './scenarios.ts';

export const FILE_SYSTEMS = ['ext4', 'xfs'] as const;
export const CUT_MODES = ['writethrough', 'writeback', 'none', 'unsafe'] as const;
/** at-return: the moment qemu-img returned; mid: a seeded point of the conversion (0.2-0.8 of its time at return). */
export type Cut = 'at-return' | 'mid';
export type FileSystem = (typeof FILE_SYSTEMS)[number];

/** One cut: which file system, mode and moment. */
export interface PowerCutCase {
  fs: FileSystem;
  mode: string;
  cut: Cut;
}

/** One row of power-cut.json: a real cut against the simulation's cut of the same file system, mode and moment. */
export interface PowerCutRow extends PowerCutCase {
  /** The output after the real cut and the recovery: intact (qemu-img compare equal), lost, or null (the run failed). */
  real: 'intact' | 'lost' | null;
  /** --durability-check's outcome for the same file system, mode and moment, or null when it has none. */
  simulated: 'intact' | 'lost' | null;
  /** Bytes of the recovered output that differ from the source (the virtual size when missing), null when failed. */
  differingBytes: number | null;
  /** real === simulated (null when either is missing). */
  agree: boolean | null;
  /** The recovered output: present, missing or unreadable. */
  output: 'present' | 'missing' | 'unreadable' | null;
  /** cut: the power went while qemu-img ran; returned: qemu-img returned first (so the cut came at its return). */
  realCut: 'cut' | 'returned' | null;
  /** Seconds from qemu-img's start (as the guest said it) to the cut, seen from the host. */
  cutAtSeconds: number | null;
  /** What the recovery did (fsck's exit, the kernel's replay lines). */
  recovery: string;
  /** Why a pair was not compared (agree null), or null. */
  note: string | null;
  error: string | null;
  /** Why the case's first boot failed before its conversion started, when it was booted again; else null. */
  bootedAgainAfter: string | null;
}

/** Every case, at-return before mid for each file system and mode (the mid cut is placed by the at-return time). */
export function powerCutCases(): PowerCutCase[] {
  return FILE_SYSTEMS.flatMap((fs) =>
    CUT_MODES.flatMap((mode) => (['at-return', 'mid'] as const).map((cut) => ({ fs, mode, cut }))),
  );
}

/** A case with its index in {@link powerCutCases} (its files are case-N-*). */
export interface NumberedCase extends PowerCutCase {
  n: number;
}

/**
 * The script of boot `k` of a lane (one file system's cases in order): recover the lane's case k-1, then run its
 * case k, or on the lane's last boot run the simulation on that file system.
 */
export function bootScript(lane: readonly NumberedCase[], k: number, fs: FileSystem): string {
  const prev = lane[k - 1];
  const next = lane[k];
  return [
    'set -u',
    '. /lab/lib.sh',
    '. /lab/power-cut.sh',
    'OUT=/lab/out',
    'ip link set lo up',
    'prepare_source',
    ...(prev ? [`say "recover ${prev.n}"`, `recover ${prev.fs} ${prev.n}`] : []),
    next ? `convert_case ${next.fs} ${next.mode} ${next.n}` : `simulate ${fs}`,
    '',
  ].join('\n');
}

const DISK_BYTES = 512 * 1024 * 1024;
const SEED = 29;

/** What one cut boot saw from the host. */
export interface CutBoot {
  startedMs: number | null;
  returnedMs: number | null;
  convertExit: number | null;
  cutMs: number | null;
  run: GuestRun;
  /** The failure of an earlier boot of the same step that ended before the step began (see {@link bootStep}). */
  bootedAgainAfter: string | null;
}

/** Runs each task after the previous one ended, settled like Promise.allSettled (a failure does not stop the rest). */
async function inTurn<T>(tasks: readonly (() => Promise<T>)[]): Promise<PromiseSettledResult<T>[]> {
  const settled: PromiseSettledResult<T>[] = [];
  for (const task of tasks) {
    try {
      settled.push({ status: 'fulfilled', value: await task() });
    } catch (reason) {
      settled.push({ status: 'rejected', reason });
    }
  }
  return settled;
}

/**
 * The scenario: one lane per file system, side by side on hosts with more than 2 cores (each guest keeps about one
 * core busy under TCG); each lane boots once per case and once more to recover the last and run --durability-check on
 * that file system.
 */
export async function runPowerCut(s: Scenario, o: ScenarioInputs) {
  return withWorkFolder(s.name, async (work, signal) => {
    const binary = await ensurePowerCutFs(cacheRoot());
    const dest = join(o.out, s.name);
    rmSync(dest, { recursive: true, force: true });
    mkdirSync(dest, { recursive: true });
    const cases = powerCutCases().map((c, n) => ({ ...c, n }));
    const startedAt = new Date().toISOString();
    const started = performance.now();
    // Both lanes end (their guests stopped, their mounts cut) before the work folder goes, even when one fails. Side
    // by side only where the host has a core for each beside the storage scenarios' guest: on 2 cores three TCG guests
    // shared them and the storage scenarios, the lab's longest path, took 1,094 s against 816 s in turn alone.
    const lane = (fs: FileSystem, i: number) =>
      runLane({
        o,
        fs,
        lane: cases.filter((c) => c.fs === fs),
        seed: SEED + i,
        binary,
        work: join(work, fs),
        dest: join(dest, fs),
        signal,
      });
    const settled =
      availableParallelism() > 2
        ? await Promise.allSettled(FILE_SYSTEMS.map(lane))
        : await inTurn(FILE_SYSTEMS.map((fs, i) => () => lane(fs, i)));
    const lanes = settled.map((r) => {
      if (r.status === 'rejected') throw r.reason;
      return r.value;
    });
    const boots = new Map(lanes.flatMap((l) => [...l.boots]));
    const rows = cases.map((c) => rowOf(c, boots.get(c.n) ?? null, join(dest, c.fs)));
    for (const row of rows) {
      const file = join(dest, row.fs, 'simulated', 'results.json');
      const simulated = existsSync(file) ? parseResults(JSON.parse(readFileSync(file, 'utf8'))) : null;
      row.simulated = simulatedOutcome(simulated, row);
      row.agree = row.real !== null && row.simulated !== null ? row.real === row.simulated : null;
      // The two mid-way cuts fall at different moments: one that came after the conversion's last flush (its output
      // intact) and one before it (lost) do not contradict each other, so the pair is not compared.
      if (row.cut === 'mid' && row.agree === false && [row.real, row.simulated].includes('intact')) {
        row.agree = null;
        row.note = 'not comparable: the cuts fell at different moments, one after the last flush (output intact)';
      }
    }
    const run = lanes[0]?.last as GuestRun;
    const record = labRecord(s, o, run, startedAt, (performance.now() - started) / 1000);
    const failed = lanes.find((l) => l.last.exitCode !== 0)?.last;
    if (failed) Object.assign(record, { exitCode: failed.exitCode, failure: failed.failure });
    writeFileSync(join(dest, 'power-cut.json'), `${JSON.stringify(rows, null, 2)}\n`);
    writeFileSync(join(dest, 'power-cut.md'), powerCutTable(rows, record.guestKernel, startedAt, record.accelerator));
    writeRecord(dest, record);
    if (signal.aborted) throw new LabError('interrupted: the guest was stopped', 130);
    return { record, dest, report: join(dest, 'power-cut.md') };
  });
}

interface LaneOptions {
  o: ScenarioInputs;
  fs: FileSystem;
  lane: NumberedCase[];
  /** Seeds the mid-conversion cut points of this lane. */
  seed: number;
  binary: string;
  work: string;
  dest: string;
  signal: AbortSignal;
}

/** One file system's boots in order; what each saw, by case number, and the last boot (the simulation's). */
async function runLane(l: LaneOptions): Promise<{ boots: Map<number, CutBoot>; last: GuestRun }> {
  const share = prepareShare(l.work, l.o);
  cpSync(process.execPath, join(share, 'node'));
  for (const f of ['power-cut.sh', 'count-diff.mjs']) cpSync(join(GUEST_DIR, 'power-cut', f), join(share, f));
  const diskFolder = join(l.work, 'disk');
  mkdirSync(join(diskFolder, 'backing'), { recursive: true });
  // Created in the backing folder before the first mount: the disk itself exists durably, as hardware does.
  await execa('truncate', ['-s', String(DISK_BYTES), join(diskFolder, 'backing', 'disk.img')]);
  const simDisk: GuestDrive = { path: join(l.work, 'simulated.img'), cache: 'unsafe' };
  await execa('truncate', ['-s', String(DISK_BYTES), simDisk.path]);
  mkdirSync(join(l.dest, 'boots'), { recursive: true });
  const random = seededRandom(l.seed);
  const atReturnSeconds = new Map<string, number>();
  const boots = new Map<number, CutBoot>();
  let last: GuestRun | null = null;
  for (let k = 0; k <= l.lane.length; k++) {
    if (l.signal.aborted) break;
    const c = l.lane[k];
    const fraction = 0.2 + 0.6 * random();
    writeFileSync(join(share, 'guest.sh'), bootScript(l.lane, k, l.fs));
    const midAfter = c?.cut === 'mid' ? fraction * (atReturnSeconds.get(c.mode) ?? 2) : null;
    const n = c?.n ?? -1;
    const extra = c ? [] : [simDisk];
    const step = { o: l.o, share, binary: l.binary, diskFolder, n, midAfter, signal: l.signal, extra };
    const boot = await bootStep(step, (failed) => {
      const name = `boot-${String(k).padStart(2, '0')}-failed.log`;
      writeFileSync(join(l.dest, 'boots', name), failed.run.console);
      console.log(`  [power-cut ${l.fs}] boot ${k + 1} ended before its step (${failed.run.failure}); booting again`);
    });
    last = boot.run;
    writeFileSync(join(l.dest, 'boots', `boot-${String(k).padStart(2, '0')}.log`), boot.run.console);
    if (c?.cut === 'at-return' && boot.startedMs !== null && boot.returnedMs !== null) {
      atReturnSeconds.set(c.mode, (boot.returnedMs - boot.startedMs) / 1000);
    }
    if (c) boots.set(c.n, boot);
    const what = c ? `${c.mode} ${c.cut}` : 'recovery and simulation';
    console.log(
      `  [power-cut ${l.fs}] boot ${k + 1}/${l.lane.length + 1} (${what}): ${Math.round(boot.run.seconds)} s`,
    );
  }
  cpSync(join(share, 'out'), l.dest, { recursive: true });
  return { boots, last: last as GuestRun };
}

export interface CutBootOptions {
  o: ScenarioInputs;
  share: string;
  binary: string;
  diskFolder: string;
  n: number;
  /** Seconds after qemu-img's start to cut (mid), or null to cut when it returns (or never, on the last boot). */
  midAfter: number | null;
  signal: AbortSignal;
  extra: GuestDrive[];
}

/**
 * A lane's step: its boot, and once more when that boot ended before the step began (the case's conversion, or on the
 * last boot the tool's run): such a boot cut nothing and measured nothing. Once in CI a row came back without its
 * recovery, as when a boot never gets that far; its console is kept (`failed`), the row says so, and a second failure
 * stands.
 */
export async function bootStep(
  b: CutBootOptions,
  failed: (boot: CutBoot) => void,
  boot: (b: CutBootOptions) => Promise<CutBoot> = cutBoot,
): Promise<CutBoot> {
  const first = await boot(b);
  const began = b.n >= 0 ? first.startedMs !== null : first.run.console.includes('LAB: run: ');
  if (began || b.signal.aborted) return first;
  failed(first);
  return { ...(await boot(b)), bootedAgainAfter: first.run.failure ?? 'the step never began' };
}

/** One boot with the data disk on a fresh mount of the power-cut file system; the cut as the case says. */
async function cutBoot(b: CutBootOptions): Promise<CutBoot> {
  const mount = await mountPowerCutFs(b.binary, b.diskFolder);
  const power = new AbortController();
  const seen: Omit<CutBoot, 'run'> = {
    startedMs: null,
    returnedMs: null,
    convertExit: null,
    cutMs: null,
    bootedAgainAfter: null,
  };
  let timer: NodeJS.Timeout | null = null;
  let cutting: Promise<void> | null = null;
  // The cut: SIGKILL of qemu-system, then of the file system holding the disk's volatile cache. In that order the guest
  // never sees a failing disk (as with a real cut); what qemu-system handed the file system unflushed is lost with it.
  const cut = () => {
    cutting ??= (async () => {
      seen.cutMs = performance.now();
      power.abort();
      await mount.cut();
    })();
    return cutting;
  };
  try {
    const run = await bootGuest({
      image: b.o.image,
      share: b.share,
      accelerator: b.o.accel,
      drives: [{ path: join(mount.mountpoint, 'disk.img'), cache: 'writeback' }, ...b.extra],
      // A case's boot took 14-80 s under TCG (quiet and with both cores busy; the guest sleeps after the conversion
      // until the cut); the last boot runs the tool (56-255 s).
      timeoutMs: (b.extra.length ? 40 : 5) * 60_000,
      signal: AbortSignal.any([b.signal, power.signal]),
      pollMs: 20,
      onLine: (line) => {
        if (line.startsWith(`LAB: convert start ${b.n}`)) {
          seen.startedMs = performance.now();
          if (b.midAfter !== null) timer = setTimeout(cut, b.midAfter * 1000);
        }
        const returned = new RegExp(`^LAB: convert returned ${b.n} (\\d+)`).exec(line);
        if (returned) {
          seen.returnedMs = performance.now();
          seen.convertExit = Number(returned[1]);
          void cut();
        }
        if (line.startsWith('LAB: run: ') || line.startsWith('LAB: exit '))
          console.log(`  [power-cut] ${line.slice(5)}`);
      },
    });
    return { ...seen, run };
  } finally {
    if (timer) clearTimeout(timer);
    await (cutting ?? mount.cut());
  }
}

/** What the guest's recovery wrote (count-diff.mjs, or the output missing or unreadable). */
const VerifySchema = z.object({
  output: z.enum(['present', 'missing', 'unreadable']),
  compareExit: z.number().optional(),
  differingBytes: z.number().nullable().default(null),
});

/** The row of a case from what its boot saw and what the next boot's recovery wrote (in its lane's folder). */
function rowOf(c: NumberedCase, boot: CutBoot | null, dest: string): PowerCutRow {
  const recoveryFile = join(dest, `case-${c.n}-recovery.txt`);
  const verifyFile = join(dest, `case-${c.n}-verify.json`);
  const recovery = existsSync(recoveryFile) ? readFileSync(recoveryFile, 'utf8').trim() : '';
  const row: PowerCutRow = {
    fs: c.fs,
    mode: c.mode,
    cut: c.cut,
    real: null,
    simulated: null,
    differingBytes: null,
    agree: null,
    output: null,
    realCut: null,
    cutAtSeconds: null,
    recovery,
    note: null,
    error: null,
    bootedAgainAfter: boot?.bootedAgainAfter ?? null,
  };
  if (!boot || boot.startedMs === null || boot.cutMs === null) {
    row.error = boot ? (boot.run.failure ?? 'the conversion never started') : 'not run';
    return row;
  }
  if (boot.convertExit !== null && boot.convertExit !== 0) row.error = `qemu-img exited ${boot.convertExit}`;
  row.realCut = boot.returnedMs !== null && boot.returnedMs <= boot.cutMs ? 'returned' : 'cut';
  row.cutAtSeconds = Math.round((boot.cutMs - boot.startedMs) / 10) / 100;
  if (!existsSync(verifyFile)) {
    row.error ??= 'the next boot did not recover the disk';
    return row;
  }
  const verify = VerifySchema.parse(JSON.parse(readFileSync(verifyFile, 'utf8')));
  row.output = verify.output;
  row.differingBytes = verify.output === 'present' ? verify.differingBytes : LAB_IMAGE.virtualSize;
  row.real = verify.output === 'present' && verify.compareExit === 0 && verify.differingBytes === 0 ? 'intact' : 'lost';
  return row;
}

/** The simulation's outcome for the row's file system, mode and moment (its mid cut, when it cut mid-way). */
function simulatedOutcome(r: Results | null, row: PowerCutRow): 'intact' | 'lost' | null {
  const c = r?.cases.find((x) => x.targetDir === '/mnt/simulated');
  const d = r?.durability.find((x) => x.caseId === c?.id && x.mode === row.mode);
  if (d?.state !== 'checked') return null;
  if (row.cut === 'at-return') return d.atReturn;
  return d.midConversion?.outcome.state ?? null;
}

/** power-cut.md: the table of real against simulated outcomes, with when, where and how it was cut. */
export function powerCutTable(rows: readonly PowerCutRow[], kernel: string | null, date: string, accel: string) {
  const agreed = rows.filter((r) => r.agree === true).length;
  const compared = rows.filter((r) => r.agree !== null).length;
  const lines = [
    '# A real power cut against --durability-check',
    '',
    `Guest kernel ${kernel ?? 'unknown'} (${accel === 'tcg' ? 'TCG' : 'KVM'}), ${date.slice(0, 10)}. The data disk is a ` +
      "file on the host's power-cut file system opened by qemu-system with a writeback cache: only what the " +
      "guest's kernel flushed survives. The cut kills that file system and qemu-system together; the next boot " +
      'recovers the disk (ext4: fsck -p and journal replay; XFS: log replay) and compares the output with the source.',
    '',
    `The simulation agreed with the real cut in ${agreed} of ${compared} cases compared` +
      (rows.length > compared ? ` (${rows.length - compared} not compared: see the last column).` : '.'),
    '',
    '| file system | mode | cut | real | simulated | differing bytes | agree |',
    '|---|---|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.fs} | ${r.mode} | ${r.cut}${r.realCut === 'returned' && r.cut === 'mid' ? ' (returned first)' : ''} | ` +
        `${r.real ?? `failed: ${r.error}`} | ${r.simulated ?? 'none'} | ${r.differingBytes ?? ''} | ` +
        `${r.agree === null ? (r.note ?? '') : r.agree ? 'yes' : 'NO'} |`,
    ),
    '',
    ...rows
      .filter((r) => r.bootedAgainAfter !== null)
      .flatMap((r) => [
        `Booted again: ${r.fs} ${r.mode} ${r.cut}, whose first boot ended before the conversion started ` +
          `(${r.bootedAgainAfter}); the case before it was recovered by the second boot (the first may have begun to).`,
        '',
      ]),
  ];
  return lines.join('\n');
}
