// The lab's scenarios as data: what each runs in the guest (a script under guest/scenarios) and what it needs.

/** One storage scenario run in the guest. */
export interface Scenario {
  name: string;
  /** One line: the storage and what the tool is run on. */
  description: string;
  /** Size of the guest's blank second disk (/dev/vdb), 0 for none. */
  dataDiskBytes: number;
  /** Guest-time limit (TCG): the boot, two bench runs and the checks. */
  timeoutMinutes: number;
}

const MiB = 1024 * 1024;

export const SCENARIOS: readonly Scenario[] = [
  {
    name: 'nfs',
    description:
      'knfsd exporting a sync and an async folder, mounted over 127.0.0.1 as NFSv3 and NFSv4.2 (four targets), ' +
      'the power-cut check on one; then --as-projects',
    dataDiskBytes: 0,
    timeoutMinutes: 30,
  },
  {
    name: 'lvm',
    description:
      'a volume group on a second virtio disk: a thick LV and a thin LV as --target-device; ' +
      'then --as-projects onto the thick LV',
    dataDiskBytes: 2048 * MiB,
    timeoutMinutes: 30,
  },
  {
    name: 'iscsi',
    description:
      "a file-backed LUN served by Debian's tgt, logged into over 127.0.0.1 with open-iscsi, as --target-device, " +
      'then --as-projects',
    dataDiskBytes: 0,
    timeoutMinutes: 30,
  },
  {
    name: 'power-cut',
    description:
      'a real power cut of the guest (its disk on the power-cut file system): each mode on ext4 and XFS, cut at ' +
      "qemu-img's return and mid-conversion, recovered by the next boot, against --durability-check",
    dataDiskBytes: 0,
    timeoutMinutes: 40,
  },
];

/** The scenarios named (`all` for every one), or the unknown name. */
export function selectScenarios(names: readonly string[]): Scenario[] | { unknown: string } {
  if (names.includes('all')) return [...SCENARIOS];
  const chosen: Scenario[] = [];
  for (const name of names) {
    const s = SCENARIOS.find((x) => x.name === name);
    if (!s) return { unknown: name };
    if (!chosen.includes(s)) chosen.push(s);
  }
  return chosen;
}
