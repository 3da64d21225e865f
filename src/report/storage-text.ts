// What a target's storage is, in a few words for headlines and tables (pure).
import type { HostFacts, Results, RunCase, StorageFacts } from '../model/results.ts';
import { formatBytes } from '../model/units.ts';

/** A few words for what the storage is, for headlines: "NFSv4.2 127.0.0.1:/srv/x (sync export)", "LVM thin LV vg/lv". */
export function storageKindText(s: StorageFacts): string {
  if (s.nfs) {
    const sync = s.nfs.exportSync ? ` (${s.nfs.exportSync} export)` : '';
    return `NFSv${s.nfs.version ?? '?'} ${s.nfs.server}:${s.nfs.export}${sync}`;
  }
  if (s.dm?.lvm) {
    const lv = `${s.dm.lvm.vg}/${s.dm.lvm.lv}`;
    return s.dm.lvm.thinPool ? `LVM thin LV ${lv} (pool ${s.dm.lvm.thinPool})` : `LVM LV ${lv}`;
  }
  if (s.dm) return `device-mapper ${s.dm.name}`;
  if (s.iscsi) return `iSCSI LUN ${s.blockDevice ?? '?'}${s.iscsi.target ? ` (${s.iscsi.target})` : ''}`;
  const disk = s.blockDevice ? `${s.transport ? `${s.transport} disk ` : 'disk '}${s.blockDevice}` : null;
  if (s.fsType && disk) return `${s.fsType} on ${disk}`;
  return s.fsType ?? disk ?? 'unknown storage';
}

/** Whether the run's CPU was emulated by QEMU's TCG (a guest without KVM): its times are not hardware's. */
export function measuredUnderTcg(results: Pick<Results, 'host'>): boolean {
  return /QEMU TCG CPU/i.test(results.host.cpuModel);
}

/** What a report says first about a run in a TCG guest. */
export const TCG_NOTE =
  'Measured in a TCG guest (an emulated CPU): times are not those of hardware; the commands, flush counts and ' +
  'durability results are.';

/** The host in a word or two: a TCG guest (an emulated CPU: the report says so above), a VM, or bare metal. */
export function hostKindText(host: HostFacts): string {
  const cpus = `${host.cpuCount}-vCPU`;
  if (measuredUnderTcg({ host })) return `${host.cpuCount}-CPU TCG guest`;
  if (host.virtualMachine) return `${cpus} VM`;
  return host.virtualMachine === false ? `${host.cpuCount}-CPU bare metal` : `${host.cpuCount}-CPU host`;
}

/** A case's target in a few words: its storage kind, or the block device it overwrote. */
export function targetText(c: Pick<RunCase, 'targetKind' | 'targetDir' | 'storage'>): string {
  return c.targetKind === 'device' && !c.storage.dm && !c.storage.iscsi
    ? `block device ${c.targetDir}`
    : storageKindText(c.storage);
}

/** A flush latency as headlines give it: ", flush 0.42 ms" (nothing without a native figure). */
export function flushText(ms: number | null): string {
  return ms === null ? '' : `, flush ${ms.toFixed(ms < 1 ? 2 : 1)} ms`;
}

/**
 * Where a case was measured, for its headline: host kind, the target's storage, the flush latency the probe measured
 * there, and the image, e.g. "2-vCPU VM, ext4 on virtio disk vda, flush 0.42 ms; built-in 4 GiB image".
 */
export function whereText(results: Results, caseId: string): string {
  const c = results.cases.find((x) => x.id === caseId) ?? results.cases[0];
  // One probe per target: a case sharing its target with an earlier one (another build, option set) uses that probe.
  const probe =
    results.flushProbe.find((p) => p.caseId === caseId) ?? results.flushProbe.find((p) => p.targetDir === c?.targetDir);
  const flushMs = probe?.emulatedMs == null ? (probe?.shaped?.medianMs ?? probe?.small?.medianMs ?? null) : null;
  return `${hostKindText(results.host)}, ${c ? targetText(c) : '?'}${flushText(flushMs)}; ${imageText(results)}`;
}

/** The image in a few words: "built-in 4 GiB image" or "image NAME". */
export function imageText(results: Pick<Results, 'config' | 'image'>): string {
  const name = results.image.path.split('/').pop() ?? results.image.path;
  return imageWords(results.config.image.kind === 'default' ? results.image.virtualSize : null, name);
}

/** "built-in 4 GiB image" for the built-in image of that size, else "image NAME". */
export function imageWords(builtinBytes: number | null, name: string): string {
  return builtinBytes !== null ? `built-in ${formatBytes(builtinBytes)} image` : `image ${name}`;
}
