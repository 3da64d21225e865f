// Host facts recorded with every run: kernel, CPU, memory, privileges.
import { cpus, hostname, release, totalmem, type as osType } from 'node:os';
import { readFileSync } from 'node:fs';

/** Facts about the machine the bench ran on. */
export interface HostFacts {
  hostname: string;
  os: string;
  kernel: string;
  cpuModel: string;
  cpuCount: number;
  memoryBytes: number;
  /** Distribution name from /etc/os-release, or null. */
  distro: string | null;
  /** True when running as root (needed to drop the page cache). */
  root: boolean;
  /** Node.js version running the harness. */
  node: string;
  /** True when this looks like a virtual machine (hypervisor CPU flag). */
  virtualMachine: boolean | null;
}

/** Reads the host facts. */
export function hostFacts(): HostFacts {
  const cpuList = cpus();
  let distro: string | null = null;
  try {
    distro = /^PRETTY_NAME="?([^"\n]*)"?/m.exec(readFileSync('/etc/os-release', 'utf8'))?.[1] ?? null;
  } catch {
    distro = null;
  }
  let virtualMachine: boolean | null = null;
  try {
    virtualMachine = /\bhypervisor\b/.test(readFileSync('/proc/cpuinfo', 'utf8'));
  } catch {
    virtualMachine = null;
  }
  return {
    hostname: hostname(),
    os: osType(),
    kernel: release(),
    cpuModel: cpuList[0]?.model.trim() ?? 'unknown',
    cpuCount: cpuList.length,
    memoryBytes: totalmem(),
    distro,
    root: process.getuid?.() === 0,
    node: process.version,
    virtualMachine,
  };
}
