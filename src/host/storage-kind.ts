// What a target's storage is beneath its file system, from text the kernel and the NFS server give (pure parsing;
// the readers are passed in): an NFS mount's server, export, version and the export's sync/async; a device-mapper
// device's LVM volume group, LV and thin pool; an iSCSI disk's target and portal; how a disk is attached.
import type { Mount } from '../model/mountinfo.ts';
import type { StorageFacts } from '../model/results.ts';

type Nfs = NonNullable<StorageFacts['nfs']>;
type Dm = NonNullable<StorageFacts['dm']>;
type Iscsi = NonNullable<StorageFacts['iscsi']>;

/** Addresses that name this host: an NFS server there has its export table (etab) readable here. */
const LOCAL_SERVER = /^(127\.\d+\.\d+\.\d+|localhost|::1|\[::1\])$/;

/**
 * An NFS mount's facts: server and export from its source (`server:/path`), version from `vers=` in its options, and
 * the export's options from the server's etab (`/var/lib/nfs/etab`) when the server is this host.
 */
export function nfsFacts(mount: Mount, etab: string | null): Nfs {
  const colon = mount.source.lastIndexOf(':');
  const server = colon > 0 ? mount.source.slice(0, colon) : mount.source;
  const path = colon > 0 ? mount.source.slice(colon + 1) : '';
  const version = /(?:^|,)vers=([\d.]+)/.exec(mount.options)?.[1] ?? (mount.fsType === 'nfs4' ? '4' : null);
  const exportOptions = LOCAL_SERVER.test(server) && etab ? etabOptions(etab, path) : null;
  const sync = exportOptions ? /(?:^|,)(a?sync)(?:,|$)/.exec(exportOptions)?.[1] : undefined;
  return {
    server,
    export: path,
    version,
    exportOptions,
    exportSync: sync === 'sync' || sync === 'async' ? sync : null,
  };
}

/** The options of `path`'s export in an etab (`path<TAB>client(options)` lines; the first client listed). */
export function etabOptions(etab: string, path: string): string | null {
  const exported = path.replace(/\/+$/, '') || '/';
  for (const line of etab.split('\n')) {
    const m = /^(\S+)\s+[^(\s]*\(([^)]*)\)/.exec(line);
    if (m && m[1] === exported) return m[2] ?? null;
  }
  return null;
}

/** Splits an LVM mapper name into volume group and LV ("my--vg-lv" -> my-vg, lv), or null when it is not one. */
export function splitLvmName(name: string): { vg: string; lv: string } | null {
  const m = /^((?:[^-]|--)+)-((?:[^-]|--)+)$/.exec(name);
  if (!m) return null;
  return { vg: (m[1] as string).replace(/--/g, '-'), lv: (m[2] as string).replace(/--/g, '-') };
}

/**
 * A dm device's facts: its mapper name and, when LVM made it (uuid `LVM-...`), the VG and LV; a thin LV is the one
 * whose device beneath is a thin pool (`VG-POOL-tpool`).
 */
export function dmFacts(
  device: string,
  read: (device: string) => { name: string | null; uuid: string | null; under: string[] },
): Dm {
  const { name, uuid, under } = read(device);
  const lv = name && uuid?.startsWith('LVM-') ? splitLvmName(name) : null;
  const pool = under.map((u) => /^(.*)-tpool$/.exec(u)?.[1]).find((p) => p !== undefined);
  return {
    device,
    name: name ?? device,
    lvm: lv ? { ...lv, thinPool: pool ? (splitLvmName(pool)?.lv ?? pool) : null } : null,
  };
}

/** An iSCSI disk's target and portal, from the session in its sysfs path (e.g. .../host2/session1/target2:0:0/...). */
export function iscsiFacts(sysPath: string, read: (path: string) => string | null): Iscsi {
  const session = /\/session(\d+)\//.exec(sysPath)?.[1];
  if (!session) return { target: null, portal: null };
  const connection = `/sys/class/iscsi_connection/connection${session}:0`;
  const address = read(`${connection}/persistent_address`) ?? read(`${connection}/address`);
  const port = read(`${connection}/persistent_port`) ?? read(`${connection}/port`);
  return {
    target: read(`/sys/class/iscsi_session/session${session}/targetname`),
    portal: address ? `${address}${port ? `:${port}` : ''}` : null,
  };
}

/** How a disk is attached, from the real path of /sys/block/NAME, or null when the path says nothing known. */
export function transportOf(sysPath: string): string | null {
  const rules: [RegExp, string][] = [
    [/\/session\d+\//, 'iscsi'],
    [/\/virtual\/block\/dm-/, 'dm'],
    [/\/virtual\/block\/loop/, 'loop'],
    [/\/virtual\/block\/(ram|zram)/, 'ram'],
    [/\/nvme\d/, 'nvme'],
    [/\/virtio\d+\/.*\/target\d/, 'virtio-scsi'],
    [/\/virtio\d+\//, 'virtio'],
    [/\/usb\d/, 'usb'],
    [/\/ata\d+\//, 'ata'],
    [/\/host\d+\/target\d/, 'scsi'],
  ];
  return rules.find(([re]) => re.test(sysPath))?.[1] ?? null;
}
