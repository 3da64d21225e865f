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

/**
 * Storage facts a run cannot see on its target, stated with --project-storage PROJECT=VALUE: the values each takes.
 * proxmox: the Proxmox storage type of the target; cloudstack: the KVM storage pool's adaptor; vdsm: whether a raw
 * file volume is preallocated.
 */
export const STATED_STORAGE = {
  proxmox: ['dir', 'nfs', 'cifs', 'btrfs', 'zfspool', 'lvm', 'lvmthin', 'rbd', 'iscsi'],
  cloudstack: ['clvm', 'linstor', 'powerflex', 'powerflex-thick'],
  vdsm: ['sparse', 'preallocated'],
} as const;

/** A project whose storage can be stated, and what was stated. */
export type StatedStorage = { [project in keyof typeof STATED_STORAGE]?: (typeof STATED_STORAGE)[project][number] };

/** Proxmox storage types with the sparseinit feature (pve-storage Plugin.pm 1594): zeroinit: goes before the target. */
const SPARSEINIT = new Set(['dir', 'nfs', 'cifs', 'btrfs', 'zfspool', 'lvmthin', 'rbd']);

/** What a rule depends on, as far as a run knows it. */
export interface ProjectFacts {
  /** What --project-storage stated about storage the run cannot see (absent: the rule's assumption, said). */
  stated?: StatedStorage;
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
  /** Words run before qemu-img (e.g. ["nice", "-n19"]): applied to the measured run. */
  prefix: string[];
  /** Environment the project sets for qemu-img (e.g. MALLOC_ARENA_MAX): applied to the measured run. */
  env: Record<string, string>;
  /** What the project also does around the command that the measured run does not (e.g. a prlimit), or null. */
  notApplied: string | null;
}

/** What a rule does on a target: a command, nothing it can be asked (unknown), or it never writes there. */
export type ProjectPick =
  | { state: 'command'; command: ProjectCommand; because: string }
  | { state: 'unknown'; because: string }
  | { state: 'not-applicable'; because: string };

/** Where a rule was read in its project's source. */
export interface RuleSource {
  repository: string;
  /** The commit read (10 hex digits) and its commit date. */
  commit: string;
  date: string;
  /** "path:lines" of each file the rule comes from. */
  files: string[];
  function: string;
}

/** "openstack/nova@00a030403f nova/privsep/qemu.py:111-123 (2026-08-21)": where a rule was read. */
export function citation(source: RuleSource): string {
  return `${source.repository}@${source.commit} ${source.files.join(', ')} (${source.date})`;
}

/** One project's rule and where it comes from. */
export interface ProjectRule {
  id: ProjectId;
  name: string;
  /** The name in a few letters, for the terminal's one line. */
  short: string;
  /** Where the rule was read: repository, commit and its date, files with lines, and the functions. */
  source: RuleSource;
  /** The rule in a few words, for docs/projects.md and the report's table. */
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

/** A command's environment as a shell would set it before the program: ["MALLOC_ARENA_MAX=3", ...]. */
export function envAssignments(env: Record<string, string>): string[] {
  return Object.entries(env).map(([name, value]) => `${name}=${value}`);
}

/** A command's arguments with the placeholders filled in. */
export function fillArgv(argv: readonly string[], values: Record<'src' | 'dst' | 'srcFormat' | 'outFormat', string>) {
  return argv.map((a) => a.replace(/\{(src|dst|srcFormat|outFormat)\}/g, (_, key: keyof typeof values) => values[key]));
}

const command = (argv: string[], because: string, extra: Partial<ProjectCommand> = {}): ProjectPick => ({
  state: 'command',
  command: { argv, existingTarget: false, fsyncAfter: false, prefix: [], env: {}, notApplied: null, ...extra },
  because,
});
const unknown = (because: string): ProjectPick => ({ state: 'unknown', because });
const notHere = (because: string): ProjectPick => ({ state: 'not-applicable', because });

const ODIRECT_UNKNOWN =
  'whether the target opens with O_DIRECT is not known: none has no successful run here (not among --modes, or it failed)';
const isZvol = (device: string | null) => device !== null && /^\/dev\/(zd\d|zvol\/)/.test(device);

/** vdsm runs every storage operation under `nice -n 19 ionice -c 3` (operation.py 43-44, cmdutils.py 286-299). */
const VDSM_PRIORITY = ['nice', '-n', '19', 'ionice', '-c', '3'];

/** Every rule, in PROJECT_IDS order. */
export const PROJECT_RULES: readonly ProjectRule[] = [
  {
    id: 'nova',
    name: 'OpenStack Nova',
    short: 'Nova',
    source: {
      repository: 'openstack/nova',
      commit: '00a030403f',
      date: '2026-08-21',
      files: ['nova/privsep/qemu.py:111-123', 'nova/virt/images.py:72-82', 'nova/virt/libvirt/imagebackend.py:840'],
      function: 'unprivileged_convert_image; convert_image_unsafe (the LVM image backend)',
    },
    rule: '-t none when O_DIRECT works in the instances path, else -t writeback; onto an LV (LVM backend) no -f',
    reason:
      'none keeps the host page cache free and the image durable when qemu-img exits; writeback where O_DIRECT fails ' +
      '(tmpfs; bug 1734784 in 2017, its fallback changed from writethrough by bug 1818847 in 2019)',
    pick: (f) => {
      if (f.target === 'block') {
        // Lvm.create_image: convert_image_unsafe(base, lv, driver_format) -> no -f; the O_DIRECT test is on
        // CONF.instances_path, a directory this run does not see.
        const argv = ['convert', '-t', 'none', '-O', '{outFormat}', '{src}', '{dst}'];
        return command(
          argv,
          'a block device: Nova writes one only through its LVM image backend (no -f, format detected); assumed: ' +
            'the instances path opens with O_DIRECT (ext4 or XFS), so -t none (writeback where it does not)',
          { existingTarget: true },
        );
      }
      if (f.odirect === 'unknown') return unknown(ODIRECT_UNKNOWN);
      const mode = f.odirect === 'works' ? 'none' : 'writeback';
      const why =
        f.odirect === 'works'
          ? 'O_DIRECT works on the target (taken as the instances path)'
          : 'O_DIRECT fails on the target';
      return command(['convert', '-t', mode, '-O', '{outFormat}', '-f', '{srcFormat}', '{src}', '{dst}'], why);
    },
  },
  {
    id: 'cinder',
    name: 'OpenStack Cinder',
    short: 'Cinder',
    source: {
      repository: 'openstack/cinder',
      commit: 'ab09bc39db',
      date: '2026-08-21',
      files: ['cinder/image/image_utils.py:300-343, 412-470'],
      function: '_convert_image, _get_qemu_convert_cmd',
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
    short: 'vdsm',
    source: {
      repository: 'oVirt/vdsm',
      commit: 'fd4b0df20b',
      date: '2026-06-25',
      files: [
        'lib/vdsm/storage/qemuimg.py:270-350',
        'lib/vdsm/storage/image.py:472-485',
        'lib/vdsm/storage/volume.py:904-936',
        'lib/vdsm/storage/fileVolume.py:390',
        'lib/vdsm/storage/sd.py:419-427',
        'lib/vdsm/storage/operation.py:43-44',
      ],
      function: 'qemuimg.convert; Image.copyCollapsed (requires_create, zero_initialized, recommends_unordered_writes)',
    },
    rule:
      'nice -n 19 ionice -c 3, -p -t none -T none; a new volume is created by the conversion (qcow2: -o compat), an ' +
      'existing one gets -n (file: --target-is-zero); -W for raw onto block',
    reason:
      'no host page cache for guest images on shared storage; preallocated volumes stay preallocated; unordered ' +
      'writes only where the domain is not sparse (block)',
    pick: (f) => {
      const head = ['convert', '-p', '-t', 'none', '-T', 'none', '-f', '{srcFormat}', '-O', '{outFormat}'];
      const wrap = { prefix: VDSM_PRIORITY };
      const compat = f.outFormat === 'qcow2' ? ['-o', 'compat=1.1'] : [];
      if (f.target === 'dir') {
        // requires_create: raw -> isSparse(), qcow2 -> no parent; a file volume is zero_initialized (--target-is-zero).
        if (f.outFormat === 'raw' && f.stated?.vdsm === 'preallocated') {
          const why = 'a preallocated raw file volume (stated): it exists, -n --target-is-zero';
          return command([...head, '-n', '--target-is-zero', '{src}', '{dst}'], why, { ...wrap, existingTarget: true });
        }
        const how =
          f.stated?.vdsm === 'sparse' ? 'raw sparse (stated)' : 'assumed: raw sparse (--project-storage vdsm=';
        const why =
          f.stated?.vdsm === 'sparse'
            ? `a file volume, created by the conversion: ${how}`
            : `a file volume, created by the conversion; ${how}preallocated states otherwise), qcow2 without a ` +
              'parent, compat 1.1 (a V4+ domain)';
        return command([...head, ...compat, '{src}', '{dst}'], why, wrap);
      }
      if (f.outFormat === 'qcow2') {
        const why = 'a qcow2 block volume without a parent: created by the conversion (no -n, no -W)';
        return command([...head, ...compat, '{src}', '{dst}'], why, wrap);
      }
      // Block raw volumes are preallocated: create=False (-n); zero_initialized() is False on block (no
      // --target-is-zero); a block domain does not support sparseness, so raw gets unordered writes (-W).
      const argv = [...head, '-n', '-W', '{src}', '{dst}'];
      return command(argv, 'a raw block volume that exists (preallocated): -n -W, no --target-is-zero', {
        ...wrap,
        existingTarget: true,
      });
    },
  },
  {
    id: 'cdi',
    name: 'KubeVirt CDI',
    short: 'CDI',
    source: {
      repository: 'kubevirt/containerized-data-importer',
      commit: 'c07cdb6fbd',
      date: '2026-08-20',
      files: ['pkg/image/qemu.go:102-145'],
      function: 'convertToRaw, getCacheMode',
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
    short: 'Proxmox',
    source: {
      repository: 'proxmox/qemu-server',
      commit: 'e6352be67f',
      date: '2026-08-17',
      files: [
        'src/PVE/QemuServer/QemuImage.pm:142-183',
        'proxmox/pve-storage@0c56bad8b2 src/PVE/Storage/Plugin.pm:1594',
      ],
      function: 'convert; volume_has_feature sparseinit',
    },
    rule:
      '-p -n onto the allocated volume, zeroinit: before it where the storage is sparse-initialized; -t none only ' +
      "onto a zfspool volume (a zvol), else qemu-img's default",
    reason:
      'zvols took memory as buffered pages (commit 2715f959, 2018; limited to ZFS by d4940091); zeroinit: skips ' +
      'writing zeroes onto a volume that reads as zeroes (dir, nfs, cifs, zfspool, lvmthin, rbd, btrfs storage)',
    pick: (f) => {
      const stated = f.stated?.proxmox;
      // The storage type: stated, or taken from the target (a zvol: zfspool; another device: plain LVM; a folder: dir).
      const storage = stated ?? (isZvol(f.device) ? 'zfspool' : f.target === 'block' ? 'lvm' : 'dir');
      const cache = storage === 'zfspool' ? ['-t', 'none'] : [];
      const zeroinit = SPARSEINIT.has(storage);
      const standIn = zeroinit ? ['--target-is-zero'] : [];
      const io = ['-f', '{srcFormat}', '-O', '{outFormat}', ...standIn, '{src}', '{dst}'];
      const argv = ['convert', '-p', '-n', ...cache, ...io];
      const where = stated
        ? `a ${storage} storage (stated)`
        : storage === 'zfspool'
          ? 'a zvol, taken as zfspool storage'
          : storage === 'lvm'
            ? 'a block device that is not a zvol, taken as plain LVM (--project-storage proxmox=TYPE states another)'
            : `a directory storage (on ${f.fsType ?? '?'}, even ZFS; --project-storage proxmox=TYPE states another)`;
      const mode = storage === 'zfspool' ? ': -t none' : ": qemu-img's default cache";
      const init = zeroinit
        ? "; Proxmox passes zeroinit:{dst} (its QEMU's filter; stock qemu-img has none), so --target-is-zero, " +
          "upstream's option with that effect, stands in"
        : '; no sparseinit: no zeroinit:';
      const assumed = '; assumed: the source is not on a zfspool storage (no -T none) and no bandwidth limit (no -r)';
      return command(argv, `${where}${mode}${init}${assumed}`, { existingTarget: true });
    },
  },
  {
    id: 'ironic',
    name: 'Ironic Python Agent',
    short: 'Ironic',
    source: {
      repository: 'openstack/ironic-python-agent',
      commit: 'a9e64be582',
      date: '2026-08-07',
      files: [
        'ironic_python_agent/extensions/standby.py:375-399',
        'ironic_python_agent/disk_utils.py:461-490',
        'ironic_python_agent/qemu_img.py:100-145',
      ],
      function: '_write_whole_disk_image, populate_image, convert_image',
    },
    rule:
      'MALLOC_ARENA_MAX=3 and a 2 GiB address-space limit (prlimit), -O host_device -t directsync -S 0 -W onto the ' +
      'bare-metal disk; a raw image with dd',
    reason:
      'every write reaches the disk before the node reboots into the image; the disk is written whole; three malloc ' +
      'arenas keep qemu-img under its address-space limit',
    pick: (f) => {
      if (f.target === 'dir') return notHere('Ironic writes whole-disk images onto a block device only');
      if (f.srcFormat === 'raw') return notHere('Ironic writes a raw image with dd, not qemu-img (populate_image)');
      if (f.outFormat !== 'raw')
        return notHere(`Ironic writes the disk as host_device (raw); this case writes ${f.outFormat}`);
      const argv = ['convert', '-O', 'host_device', '-t', 'directsync', '-S', '0', '-f', '{srcFormat}', '-W'];
      return command([...argv, '{src}', '{dst}'], 'a block device, written whole', {
        existingTarget: true,
        env: { MALLOC_ARENA_MAX: '3', LC_ALL: 'C' },
        // oslo's ProcessLimits(address_space=image_convert_memory_limit MiB, default 2048) around qemu-img
        prefix: ['prlimit', `--as=${2048 * 1024 * 1024}`],
      });
    },
  },
  {
    id: 'incus',
    name: 'Incus',
    short: 'Incus',
    source: {
      repository: 'lxc/incus',
      commit: 'be7afc5df3',
      date: '2026-08-22',
      files: [
        'internal/server/storage/utils.go:755-784',
        'internal/server/storage/drivers/driver_dir_volumes.go:68-85',
      ],
      function: 'ImageUnpack; dir driver CreateVolume (the filler runs before root.img exists)',
    },
    rule:
      'nice -n19, -t writeback, -T none if the source opens with O_DIRECT; onto block: -t none if the device opens ' +
      'with O_DIRECT, -W -n --target-is-zero; on a dir or btrfs pool writeback (root.img not yet created)',
    reason: 'VM images are unpacked from qcow2 onto clean volumes; direct I/O where both sides allow it',
    pick: (f) => {
      if (f.srcFormat !== 'qcow2') return notHere('Incus unpacks qcow2 images only');
      if (f.outFormat !== 'raw') return notHere(`Incus unpacks to raw; this case writes ${f.outFormat}`);
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
          ? `O_DIRECT ${f.odirect === 'works' ? 'works' : 'fails'} on the device; assumed: a fresh volume ` +
            '(targetIsZero, as the LVM and ZFS drivers pass)'
          : 'a dir pool: root.img does not exist yet when Incus probes it for O_DIRECT';
      return command([...argv, '{src}', '{dst}'], why, {
        existingTarget: f.target === 'block',
        prefix: ['nice', '-n19'],
      });
    },
  },
  {
    id: 'cloudstack',
    name: 'Apache CloudStack (KVM)',
    short: 'CloudStack',
    source: {
      repository: 'apache/cloudstack',
      commit: '013e3e9ef1',
      date: 'date not recorded: the code index that held this copy gives no commit dates',
      files: [
        'plugins/hypervisors/kvm/src/main/java/org/apache/cloudstack/utils/qemu/QemuImg.java (convert)',
        'plugins/storage/volume/linstor/.../LinstorStorageAdaptor.java (PR 9417)',
        'plugins/hypervisors/kvm/.../ScaleIOStorageAdaptor.java (copyPhysicalDisk with the provisioning type: a ' +
          'copy newer than that commit)',
      ],
      function: 'QemuImg.convert; the storage adaptors that call it',
    },
    rule:
      "no -t (qemu-img's default) on files, plain block pools (CLVM) and PowerFlex; -t none from the Linstor " +
      'adaptor; -U; -n --target-is-zero -W -S 1M onto existing volumes (on PowerFlex thick ones only)',
    reason:
      'the Linstor adaptor asks for no cache (2024); PowerFlex passes no cache flag and skips zeroes only on thick ' +
      '(FAT) volumes; zeroes are skipped in 1 MiB chunks onto existing volumes',
    pick: (f) => {
      const source = f.srcFormat === 'qcow2' ? ['--image-opts', 'driver=qcow2,file.filename={src}'] : ['{src}'];
      if (f.target === 'dir') {
        return command(
          ['convert', '-O', '{outFormat}', '-U', ...source, '{dst}'],
          "a new file: qemu-img's default cache",
        );
      }
      const zero = ['-n', '--target-is-zero', '-W', '-S', '1M'];
      const stated = f.stated?.cloudstack;
      if (stated === 'linstor') {
        const argv = ['convert', ...zero, '-O', '{outFormat}', '-t', 'none', '-U', ...source, '{dst}'];
        return command(argv, 'an existing volume of a Linstor pool (stated): its adaptor asks for -t none', {
          existingTarget: true,
        });
      }
      if (stated === 'powerflex' || stated === 'powerflex-thick') {
        // ScaleIOStorageAdaptor.copyPhysicalDisk: new QemuImg(timeout, provisioningType == FAT, false): no cache flag;
        // the zero skip (skipZeroIfSupported) only for a thick volume
        const thick = stated === 'powerflex-thick';
        const argv = ['convert', ...(thick ? zero : []), '-O', '{outFormat}', '-U', ...source, '{dst}'];
        const why = thick
          ? 'an existing PowerFlex volume, thick (stated): no cache flag, zeroes skipped'
          : 'an existing PowerFlex volume, thin (stated; powerflex-thick for thick): no cache flag, no zero skip';
        return command(argv, why, { existingTarget: true });
      }
      const argv = ['convert', ...zero, '-O', '{outFormat}', '-U', ...source, '{dst}'];
      const pool =
        stated === 'clvm'
          ? 'a plain block pool (CLVM, stated)'
          : 'assumed a plain block pool (CLVM; --project-storage cloudstack=linstor|powerflex states another adaptor)';
      return command(argv, `an existing block volume, ${pool}: qemu-img's default cache`, { existingTarget: true });
    },
  },
  {
    id: 'glance',
    name: 'OpenStack Glance',
    short: 'Glance',
    source: {
      repository: 'openstack/glance',
      commit: 'c76abb08e2',
      date: '2026-07-22',
      files: ['glance/async_/flows/plugins/image_conversion.py:212-216'],
      function: '_ConvertImage._execute',
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
    short: 'libvirt',
    source: {
      repository: 'libvirt/libvirt',
      commit: '000e950455',
      date: 'date not recorded: the code index that held this copy gives no commit dates',
      files: [
        'src/storage/storage_util.c (storageBackendCreateQemuImgSetOptions, virStorageBackendCreateQemuImgCmdFromVol)',
      ],
      function: 'storageBackendCreateQemuImg',
    },
    rule: "no -t: qemu-img's default (unsafe); qcow2 output with -o compat=0.10; raw onto raw copied by libvirt",
    reason: 'volume creation from an input volume leaves caching to qemu-img',
    pick: (f) => {
      if (f.srcFormat === 'raw' && f.outFormat === 'raw')
        return notHere('libvirt copies a raw volume onto a raw one itself, not with qemu-img');
      const compat = f.outFormat === 'qcow2' ? ['-o', 'compat=0.10'] : [];
      const argv = ['convert', '-f', '{srcFormat}', '-O', '{outFormat}', ...compat, '{src}', '{dst}'];
      return command(argv, "qemu-img's default");
    },
  },
  {
    id: 'opennebula',
    name: 'OpenNebula',
    short: 'OpenNebula',
    source: {
      repository: 'OpenNebula/one',
      commit: 'f847cf2e9a',
      date: '2026-08-20',
      files: ['src/datastore_mad/remotes/fs/clone:98', 'src/tm_mad/fs_lvm/clone:156', 'src/tm_mad/lib/lvm.rb:170'],
      function: 'the fs datastore and fs_lvm transfer drivers',
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
