// Host facts recorded with every run: kernel, CPU, memory, privileges.

import { readFileSync } from 'node:fs';
import { cpus, hostname, type as osType, release, totalmem } from 'node:os';
import type { HostFacts } from '../model/results.ts';

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
