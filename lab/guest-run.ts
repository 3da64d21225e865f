// Boots the lab guest with qemu-system-x86_64 (KVM when it really runs a guest here, else TCG), its root read-only
// (snapshot=on), a blank data disk and the host folder `share` as 9p tag "lab"; the guest runs share/guest.sh and
// powers off. Its console is the serial line: "LAB: init up ..." when PID 1 runs, "LAB: exit N" when the script ends.
import { appendFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { release } from 'node:os';
import { join } from 'node:path';
import { execa, type ResultPromise } from 'execa';
import type { GuestImage } from './guest-image.ts';

/** The qemu-system command ($QCB_LAB_QEMU_SYSTEM overrides it: a test names a missing one). */
export const QEMU_SYSTEM = process.env.QCB_LAB_QEMU_SYSTEM ?? 'qemu-system-x86_64';

/** How the guest's CPU is run: KVM, or TCG (emulation; times are not those of hardware). */
export type Accelerator = 'kvm' | 'tcg';

/** What one boot of the guest did. */
export interface GuestRun {
  /** The script's exit code from "LAB: exit N", or null when the guest never said it (crash, timeout, cancel). */
  exitCode: number | null;
  accelerator: Accelerator;
  /** Seconds from the start of qemu-system to its exit. */
  seconds: number;
  /** The guest's whole console (kernel messages and the script's output). */
  console: string;
  /** Why the guest stopped when it did not say its exit code. */
  failure: string | null;
}

/** Options of one boot. */
export interface BootOptions {
  image: GuestImage;
  /** Host folder the guest mounts at /lab: holds guest.sh, the tool and an out/ folder for what it brings back. */
  share: string;
  accelerator: Accelerator;
  /** Size of the blank second disk (/dev/vdb) in bytes, made sparse in `share`'s parent; 0 for none. */
  dataDiskBytes?: number;
  /** Kill the guest after this long. */
  timeoutMs: number;
  /** Called with each console line as it comes. */
  onLine?: (line: string) => void;
  /** Aborting it kills the guest at once. */
  signal?: AbortSignal;
  /** Where the console is written as it comes (default: share/../console.log). */
  consoleFile?: string;
  /** Further disks after the data disk (/dev/vdc, ...), raw, with the host cache mode each is opened with. */
  drives?: readonly GuestDrive[];
  /** How often the console is read for new lines (default 500 ms; the power cut reads it every 20 ms). */
  pollMs?: number;
}

/** A disk file given to the guest, and qemu-system's cache mode for it (writeback forwards the guest's flushes). */
export interface GuestDrive {
  path: string;
  cache: 'unsafe' | 'writeback';
}

/** qemu-system-x86_64's arguments for a boot (pure; the data disk and console paths given). */
export function qemuSystemArgs(o: BootOptions, dataDisk: string | null, consoleFile: string): string[] {
  const accel = o.accelerator === 'kvm' ? ['-accel', 'kvm', '-cpu', 'host'] : ['-accel', 'tcg,thread=multi'];
  return [
    ...accel,
    ...(o.accelerator === 'tcg' ? ['-cpu', 'max'] : []),
    ['-smp', '2'],
    ['-m', '3072'],
    ['-display', 'none', '-no-reboot', '-monitor', 'none', '-nic', 'none'],
    ['-serial', `file:${consoleFile}`],
    ['-kernel', o.image.kernel, '-initrd', o.image.initrd],
    ['-append', 'console=ttyS0 root=/dev/vda rw init=/sbin/lab-init panic=-1 quiet'],
    ['-drive', `file=${o.image.rootDisk},if=virtio,format=raw,snapshot=on`],
    ...(dataDisk ? [['-drive', `file=${dataDisk},if=virtio,format=raw,cache=unsafe,discard=unmap`]] : []),
    ...(o.drives ?? []).map((d) => ['-drive', `file=${d.path},if=virtio,format=raw,cache=${d.cache}`]),
    ['-fsdev', `local,id=lab,path=${o.share},security_model=none`],
    ['-device', 'virtio-9p-pci,fsdev=lab,mount_tag=lab'],
  ].flat();
}

/** Boots the guest once and waits until it powers off (or the timeout or the signal ends it). */
export async function bootGuest(o: BootOptions): Promise<GuestRun> {
  const consoleFile = o.consoleFile ?? join(o.share, '..', 'console.log');
  writeFileSync(consoleFile, '');
  let dataDisk: string | null = null;
  if (o.dataDiskBytes) {
    dataDisk = join(o.share, '..', 'data.img');
    await execa('truncate', ['-s', String(o.dataDiskBytes), dataDisk]);
  }
  const started = performance.now();
  const child: ResultPromise = execa(QEMU_SYSTEM, qemuSystemArgs(o, dataDisk, consoleFile), {
    reject: false,
    all: true,
    timeout: o.timeoutMs,
    cancelSignal: o.signal,
    // SIGKILL at once: on SIGTERM qemu-system flushes its disks before it exits, which a power cut must not do.
    killSignal: 'SIGKILL',
  });
  const seen = tailLines(consoleFile, o.onLine ?? (() => {}), o.pollMs ?? 500);
  const result = await child;
  seen.stop();
  if (dataDisk) rmSync(dataDisk, { force: true });
  const console = readFileSync(consoleFile, 'utf8');
  const exit = /^LAB: exit (\d+)\s*$/m.exec(console);
  const failure = exit
    ? null
    : result.timedOut
      ? `the guest did not finish within ${Math.round(o.timeoutMs / 1000)} s`
      : result.isCanceled
        ? 'cancelled'
        : `qemu-system-x86_64 exited ${result.exitCode ?? result.signal} before the guest said its exit code` +
          `${result.all ? `: ${String(result.all).trim().split('\n').slice(-2).join(' ')}` : ''}`;
  return {
    exitCode: exit ? Number(exit[1]) : null,
    accelerator: o.accelerator,
    seconds: (performance.now() - started) / 1000,
    console,
    failure,
  };
}

/** Polls a growing file and hands over each complete line; stop() reads the rest. */
function tailLines(file: string, onLine: (line: string) => void, pollMs: number): { stop: () => void } {
  let offset = 0;
  let partial = '';
  const read = () => {
    const text = existsSync(file) ? readFileSync(file, 'utf8') : '';
    const fresh = partial + text.slice(offset);
    offset = text.length;
    const lines = fresh.split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) onLine(line.replace(/\r$/, ''));
  };
  const timer = setInterval(read, pollMs);
  return {
    stop: () => {
      clearInterval(timer);
      read();
      if (partial) onLine(partial);
    },
  };
}

/**
 * KVM when /dev/kvm exists and a guest actually boots with it (PID 1 speaks within 60 s), else TCG. Nested KVM on
 * this kind of machine stops right after the boot loader, so the answer is probed once per host kernel and cached.
 */
export async function chooseAccelerator(image: GuestImage, cache: string, work: string): Promise<Accelerator> {
  if (!existsSync('/dev/kvm')) return 'tcg';
  const probeFile = join(cache, `kvm-probe-${release()}.json`);
  if (existsSync(probeFile)) return JSON.parse(readFileSync(probeFile, 'utf8')).accelerator as Accelerator;
  const share = join(work, 'kvm-probe', 'share');
  mkdirSync(share, { recursive: true });
  writeFileSync(join(share, 'guest.sh'), 'echo kvm probe\n');
  const run = await bootGuest({ image, share, accelerator: 'kvm', timeoutMs: 60_000 });
  rmSync(join(work, 'kvm-probe'), { recursive: true, force: true });
  const accelerator: Accelerator = run.exitCode === 0 ? 'kvm' : 'tcg';
  const why = run.exitCode === 0 ? 'a guest booted with KVM' : `KVM did not boot a guest: ${run.failure}`;
  writeFileSync(probeFile, `${JSON.stringify({ accelerator, why, at: new Date().toISOString() })}\n`);
  appendFileSync(join(cache, 'probes.log'), `${new Date().toISOString()} ${release()}: ${why}\n`);
  return accelerator;
}
