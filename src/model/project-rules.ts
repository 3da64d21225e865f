// How eleven projects call `qemu-img convert`, as data: each rule's source (repository, file, function, when it was
// read), the reason its source gives, and the exact arguments it would pass on a target with the given facts.
// Placeholders in the arguments: {src}, {dst}, {srcFormat}, {outFormat}. Nothing here is measured; the recommendation
// applies these rules to what a run measured, and `--as-projects` runs the arguments themselves.

/** The projects whose rule the report applies, in the order the report lists them. */
export const PROJECT_IDS = [
  'nova',
  'cinder',
  'vdsm',
  'cdi',
  'proxmox',
  'ironic',
  'incus',
  'cloudstack',
  'glance',
  'libvirt',
  'opennebula',
] as const;

/** One project's id. */
export type ProjectId = (typeof PROJECT_IDS)[number];

/** What a rule depends on, as far as a run knows it. */
export interface ProjectFacts {
  /** dir: a file in a directory; block: a block device (a loop device or --target-device). */
  target: 'dir' | 'block';
  /** The block device written (a ZFS zvol is /dev/zd* or /dev/zvol/...), or null. */
  device: string | null;
  /** Whether the target opens with O_DIRECT: works (none ran), refused (qemu-img refused none), unknown. */
  odirect: 'works' | 'refused' | 'unknown';
  /** Whether the source image opens with O_DIRECT (Incus passes -T none then), or unknown. */
  sourceOdirect: 'works' | 'refused' | 'unknown';
  /** The target's file system type, or null. */
  fsType: string | null;
  /** Under --memory-limit: whether writeback was OOM-killed (CDI then retries with none); null without a limit. */
  writebackOomKilled: boolean | null;
  /** Formats of the source and of the output the case writes. */
  srcFormat: string;
  outFormat: string;
}

/** The command a rule runs: qemu-img's arguments and what the project does around them. */
export interface ProjectCommand {
  /** Arguments after `qemu-img`, with the placeholders {src}, {dst}, {srcFormat}, {outFormat}. */
  argv: string[];
  /** The output exists before the conversion (-n): the project's storage layer created it. */
  existingTarget: boolean;
  /** The project fsyncs the output after qemu-img returns (CDI's importer). */
  fsyncAfter: boolean;
}

/** What a rule does on a target: a command, nothing it can be asked (unknown), or it never writes there. */
export type ProjectPick =
  | { state: 'command'; command: ProjectCommand; because: string }
  | { state: 'unknown'; because: string }
  | { state: 'not-applicable'; because: string };

/** One project's rule and where it comes from. */
export interface ProjectRule {
  id: ProjectId;
  name: string;
  /** The repository, file and function the rule was read from, and when and how. */
  source: { repository: string; file: string; function: string; checked: string };
  /** The rule in a few words, for the README and the report's table. */
  rule: string;
  /** Why, in one line from its source (comments, commit messages, bugs). */
  reason: string;
  /** The command on a target with these facts. */
  pick(facts: ProjectFacts): ProjectPick;
}

/** The target cache mode a command runs with: its last -t, or qemu-img convert's default (unsafe since qemu 1.0). */
export function effectiveMode(argv: readonly string[]): string {
  const at = argv.lastIndexOf('-t');
  return at >= 0 ? (argv[at + 1] as string) : 'unsafe';
}

/** The source cache mode a command runs with (-T), or null for qemu-img's default. */
export function effectiveSourceCache(argv: readonly string[]): string | null {
  const at = argv.lastIndexOf('-T');
  return at >= 0 ? (argv[at + 1] as string) : null;
}

/** A command's arguments with the placeholders filled in. */
export function fillArgv(argv: readonly string[], values: Record<'src' | 'dst' | 'srcFormat' | 'outFormat', string>) {
  return argv.map((a) => a.replace(/\{(src|dst|srcFormat|outFormat)\}/g, (_, key: keyof typeof values) => values[key]));
}

const READ = '2026-11-30, read in the stored public copy of the repository';
const SUMMARY = '2026-11-30, from issue 20 of this project (the source was not re-read here)';

const command = (argv: string[], because: string, extra: Partial<ProjectCommand> = {}): ProjectPick => ({
  state: 'command',
  command: { argv, existingTarget: false, fsyncAfter: false, ...extra },
  because,
});
const unknown = (because: string): ProjectPick => ({ state: 'unknown', because });
const notHere = (because: string): ProjectPick => ({ state: 'not-applicable', because });

const ODIRECT_UNKNOWN =
  'whether the target opens with O_DIRECT is not known: none has no successful run here (not among --modes, or it failed)';
const isZvol = (device: string | null) => device !== null && /^\/dev\/(zd\d|zvol\/)/.test(device);

/** Every rule, in PROJECT_IDS order. */
export const PROJECT_RULES: readonly ProjectRule[] = [
  {
    id: 'nova',
    name: 'OpenStack Nova',
    source: {
      repository: 'openstack/nova',
      file: 'nova/privsep/qemu.py',
      function: 'unprivileged_convert_image',
      checked: READ,
    },
    rule: '-t none when O_DIRECT works in the instances path, else -t writeback',
    reason:
      'none keeps the host page cache free and the image durable when qemu-img exits; writeback where O_DIRECT fails ' +
      '(tmpfs; bug 1734784 in 2017, its fallback changed from writethrough by bug 1818847 in 2019)',
    pick: (f) => {
      if (f.odirect === 'unknown') return unknown(ODIRECT_UNKNOWN);
      const mode = f.odirect === 'works' ? 'none' : 'writeback';
      const why = f.odirect === 'works' ? 'O_DIRECT works on the target' : 'O_DIRECT fails on the target';
      return command(['convert', '-t', mode, '-O', '{outFormat}', '-f', '{srcFormat}', '{src}', '{dst}'], why);
    },
  },
  {
    id: 'cinder',
    name: 'OpenStack Cinder',
    source: {
      repository: 'openstack/cinder',
      file: 'cinder/image/image_utils.py',
      function: '_convert_image, _get_qemu_convert_cmd',
      checked: READ,
    },
    rule: "-t none onto a block device where dd oflag=direct works, else qemu-img's default; never -n",
    reason: 'all data must reach the device before it is unmapped remotely (bug 1363016); files are left to qemu-img',
    pick: (f) => {
      const plain = ['convert', '-O', '{outFormat}', '-f', '{srcFormat}', '{src}', '{dst}'];
      if (f.target === 'dir') return command(plain, "a file, not a block device: qemu-img's default cache");
      if (f.odirect === 'unknown') return unknown(ODIRECT_UNKNOWN);
      if (f.odirect === 'refused') return command(plain, "O_DIRECT fails on the device: qemu-img's default cache");
      const none = ['convert', '-O', '{outFormat}', '-t', 'none', '-f', '{srcFormat}', '{src}', '{dst}'];
      return command(none, 'a block device where O_DIRECT works');
    },
  },
  {
    id: 'vdsm',
    name: 'oVirt/vdsm',
    source: {
      repository: 'oVirt/vdsm',
      file: 'lib/vdsm/storage/qemuimg.py',
      function: 'convert',
      checked: READ,
    },
    rule: 'always -p -t none -T none; onto existing block volumes -n, and -W for raw',
    reason: 'no host page cache for guest images, shared storage across hosts; unordered writes only on block devices',
    pick: (f) => {
      const head = ['convert', '-p', '-t', 'none', '-T', 'none', '-f', '{srcFormat}', '-O', '{outFormat}'];
      if (f.target === 'dir') {
        const compat = f.outFormat === 'qcow2' ? ['-o', 'compat=1.1'] : [];
        return command([...head, ...compat, '{src}', '{dst}'], 'a file volume: created by the conversion');
      }
      const unordered = f.outFormat === 'raw' ? ['-W'] : [];
      const argv = [...head, '-n', ...unordered, '{src}', '{dst}'];
      return command(argv, 'a block volume that exists: -n', { existingTarget: true });
    },
  },
  {
    id: 'cdi',
    name: 'KubeVirt CDI',
    source: {
      repository: 'kubevirt/containerized-data-importer',
      file: 'pkg/image/qemu.go',
      function: 'convertToRaw, getCacheMode',
      checked: READ,
    },
    rule: '-t writeback, then fsync of the file; after an OOM-killed import, none where O_DIRECT works',
    reason:
      'page cache of a writeback import counts against the pod memory limit; an OOM-killed importer is restarted ' +
      'with CACHE_MODE=TRYNONE (PRs 1919, 2021, and 3017, 2024)',
    pick: (f) => {
      if (f.outFormat !== 'raw') return notHere('CDI converts to raw only');
      const argv = (mode: string) => ['convert', '-t', mode, '-p', '-O', 'raw', '{src}', '{dst}'];
      if (f.writebackOomKilled !== true)
        return command(argv('writeback'), 'the import is not OOM-killed here', { fsyncAfter: true });
      if (f.odirect === 'unknown') return unknown(`writeback was OOM-killed, and ${ODIRECT_UNKNOWN}`);
      const mode = f.odirect === 'works' ? 'none' : 'writeback';
      return command(argv(mode), `writeback was OOM-killed under the memory limit: ${mode}`, { fsyncAfter: true });
    },
  },
  {
    id: 'proxmox',
    name: 'Proxmox VE',
    source: {
      repository: 'proxmox/qemu-server',
      file: 'src/PVE/QemuServer/QemuImage.pm (142-183; sparseinit: proxmox/pve-storage src/PVE/Storage/Plugin.pm 1594)',
      function: 'convert; volume_has_feature sparseinit',
      checked:
        '2026-12-03: qemu-server@e6352be (2026-08-17) and pve-storage@0c56bad (2026-07-24), read in the stored ' +
        'public copies',
    },
    rule:
      '-p -n onto the allocated volume, zeroinit: before it where the storage is sparse-initialized; -t none only ' +
      "onto a zfspool volume (a zvol), else qemu-img's default",
    reason:
      'zvols took memory as buffered pages (commit 2715f959, 2018; limited to ZFS by d4940091); zeroinit: skips ' +
      'writing zeroes onto a volume that reads as zeroes (dir, nfs, cifs, zfspool, lvmthin, rbd, btrfs storage)',
    pick: (f) => {
      const zvol = isZvol(f.device);
      const cache = zvol ? ['-t', 'none'] : [];
      // Plain LVM (thick) has no sparseinit; a directory storage and a zfspool have it.
      const zeroinit = f.target === 'dir' || zvol;
      const standIn = zeroinit ? ['--target-is-zero'] : [];
      const io = ['-f', '{srcFormat}', '-O', '{outFormat}', ...standIn, '{src}', '{dst}'];
      const argv = ['convert', '-p', '-n', ...cache, ...io];
      const target = zvol
        ? 'a zvol (zfspool storage): -t none'
        : f.target === 'block'
          ? "a block device that is not a zvol, taken as plain LVM (no sparseinit): qemu-img's default cache"
          : `a directory storage (on ${f.fsType ?? '?'}, even ZFS): qemu-img's default cache`;
      const init = zeroinit
        ? "; Proxmox passes zeroinit:{dst} (its QEMU's filter; stock qemu-img has none), so --target-is-zero, " +
          "upstream's option with that effect, stands in"
        : '';
      const assumed = '; assumed: the source is not on a zfspool storage (no -T none) and no bandwidth limit (no -r)';
      return command(argv, `${target}${init}${assumed}`, { existingTarget: true });
    },
  },
  {
    id: 'ironic',
    name: 'Ironic Python Agent',
    source: {
      repository: 'openstack/ironic-python-agent',
      file: 'ironic_python_agent/extensions/standby.py, ironic_python_agent/qemu_img.py',
      function: '_write_whole_disk_image, convert_image',
      checked: READ,
    },
    rule: '-O host_device -t directsync -S 0 -W onto the bare-metal disk',
    reason: 'every write reaches the disk before the node reboots into the image; the disk is written whole',
    pick: (f) => {
      if (f.target === 'dir') return notHere('Ironic writes whole-disk images onto a block device only');
      const argv = ['convert', '-f', '{srcFormat}', '-O', 'host_device', '-t', 'directsync', '-S', '0', '-W'];
      return command([...argv, '{src}', '{dst}'], 'a block device, written whole');
    },
  },
  {
    id: 'incus',
    name: 'Incus',
    source: {
      repository: 'lxc/incus',
      file: 'internal/server/storage/utils.go',
      function: 'ImageUnpack (convertBlockImage)',
      checked: READ,
    },
    rule:
      '-t writeback, -T none if the source opens with O_DIRECT; onto block: -t none if the device opens with ' +
      'O_DIRECT, -W -n --target-is-zero; on a dir or btrfs pool writeback (the O_DIRECT probe opens root.img, ' +
      'not yet created)',
    reason: 'VM images are unpacked from qcow2 onto clean volumes; direct I/O where both sides allow it',
    pick: (f) => {
      if (f.srcFormat !== 'qcow2') return notHere('Incus unpacks qcow2 images only');
      if (f.target === 'block' && f.odirect === 'unknown') return unknown(ODIRECT_UNKNOWN);
      if (f.sourceOdirect === 'unknown')
        return unknown('whether the source image opens with O_DIRECT was not measured');
      const argv = ['convert', '-p', '-f', 'qcow2', '-O', 'raw', '-t', 'writeback'];
      if (f.sourceOdirect === 'works') argv.push('-T', 'none');
      // utils.go opens the destination O_DIRECT|O_RDONLY without O_CREAT: on dir/btrfs pools the filler runs before
      // ensureVolumeBlockFile creates root.img (driver_dir_volumes.go CreateVolume), so the open fails there.
      if (f.target === 'block' && f.odirect === 'works') argv.push('-t', 'none');
      if (f.target === 'block') argv.push('-W', '-n', '--target-is-zero');
      const why =
        f.target === 'block'
          ? `O_DIRECT ${f.odirect === 'works' ? 'works' : 'fails'} on the device`
          : 'a dir pool: root.img does not exist yet when Incus probes it for O_DIRECT';
      return command([...argv, '{src}', '{dst}'], why, { existingTarget: f.target === 'block' });
    },
  },
  {
    id: 'cloudstack',
    name: 'Apache CloudStack (KVM)',
    source: {
      repository: 'apache/cloudstack',
      file: 'plugins/hypervisors/kvm/src/main/java/org/apache/cloudstack/utils/qemu/QemuImg.java',
      function: 'convert',
      checked: READ,
    },
    rule:
      "no -t (qemu-img's default) unless the storage asks for no cache (-t none); -n --target-is-zero -W -S 1M " +
      'onto existing targets; -U',
    reason: 'block storage adaptors (PowerFlex) set noCache; zeroes are skipped in 1 MiB chunks onto existing volumes',
    pick: (f) => {
      const source = f.srcFormat === 'qcow2' ? ['--image-opts', 'driver=qcow2,file.filename={src}'] : ['{src}'];
      if (f.target === 'dir') {
        return command(
          ['convert', '-O', '{outFormat}', '-U', ...source, '{dst}'],
          "a new file: qemu-img's default cache",
        );
      }
      const zero = ['-n', '--target-is-zero', '-W', '-S', '1M'];
      const argv = ['convert', ...zero, '-O', '{outFormat}', '-t', 'none', '-U', ...source, '{dst}'];
      return command(argv, 'an existing block volume of a no-cache storage', { existingTarget: true });
    },
  },
  {
    id: 'glance',
    name: 'OpenStack Glance',
    source: {
      repository: 'openstack/glance',
      file: 'glance/async_/flows/plugins/image_conversion.py',
      function: '_execute',
      checked: SUMMARY,
    },
    rule: "no -t: qemu-img's default (unsafe)",
    reason: 'the converted image is uploaded to the store afterwards; the staging file is not kept',
    pick: (f) => {
      if (f.target === 'block') return notHere('Glance converts into its staging directory');
      return command(['convert', '-f', '{srcFormat}', '-O', '{outFormat}', '{src}', '{dst}'], "qemu-img's default");
    },
  },
  {
    id: 'libvirt',
    name: 'libvirt storage volumes',
    source: {
      repository: 'libvirt/libvirt',
      file: 'src/storage/storage_util.c',
      function: 'storageBackendCreateQemuImg',
      checked: SUMMARY,
    },
    rule: "no -t: qemu-img's default (unsafe)",
    reason: 'volume creation from an input volume leaves caching to qemu-img',
    pick: () => command(['convert', '-f', '{srcFormat}', '-O', '{outFormat}', '{src}', '{dst}'], "qemu-img's default"),
  },
  {
    id: 'opennebula',
    name: 'OpenNebula',
    source: {
      repository: 'OpenNebula/one',
      file: 'src/tm_mad, src/datastore_mad',
      function: 'the qcow2 and fs drivers',
      checked: SUMMARY,
    },
    rule: "no -t: qemu-img's default (unsafe); some drivers add -m 4",
    reason: 'the drivers leave caching to qemu-img',
    pick: () => command(['convert', '-O', '{outFormat}', '{src}', '{dst}'], "qemu-img's default"),
  },
];

/** A project's rule by id. */
export function projectRule(id: ProjectId): ProjectRule {
  return PROJECT_RULES.find((r) => r.id === id) as ProjectRule;
}
