// The storage-kind parsers on the kernel's and knfsd's own text formats (lines as a Debian 12 guest shows them).

import { describe, expect, it } from 'vitest';
import { dmFacts, etabOptions, iscsiFacts, nfsFacts, splitLvmName, transportOf } from '../../src/host/storage-kind.ts';
import { parseMountInfo } from '../../src/model/mountinfo.ts';
import type { StorageFacts } from '../../src/model/results.ts';
import { storageKindText } from '../../src/report/storage-text.ts';

const MOUNTINFO = [
  '62 25 0:52 / /mnt/nfs42-sync rw,relatime shared:33 - nfs4 127.0.0.1:/srv/nfs/sync rw,vers=4.2,rsize=524288,' +
    'wsize=524288,namlen=255,hard,proto=tcp,timeo=600,retrans=2,sec=sys,clientaddr=127.0.0.1,local_lock=none,' +
    'addr=127.0.0.1',
  '70 25 0:60 / /mnt/nfs3-async rw,relatime shared:41 - nfs 127.0.0.1:/srv/nfs/async rw,vers=3,rsize=524288,' +
    'wsize=524288,namlen=255,hard,proto=tcp,timeo=600,retrans=2,sec=sys,mountaddr=127.0.0.1,mountvers=3,' +
    'mountport=20048,mountproto=udp,local_lock=none,addr=127.0.0.1',
].join('\n');

const ETAB = [
  '/srv/nfs/sync\t127.0.0.1(rw,sync,wdelay,hide,nocrossmnt,secure,no_root_squash,no_all_squash,no_subtree_check,' +
    'secure_locks,acl,fsid=101,anonuid=65534,anongid=65534,sec=sys,rw,secure,no_root_squash,no_all_squash)',
  '/srv/nfs/async\t127.0.0.1(rw,async,wdelay,hide,nocrossmnt,secure,no_root_squash,no_all_squash,' +
    'no_subtree_check,secure_locks,acl,fsid=102,anonuid=65534,anongid=65534,sec=sys)',
].join('\n');

describe('NFS mounts', () => {
  const [v42, v3] = parseMountInfo(MOUNTINFO);
  it('NFSv4.2: server, export, version, and the sync export as the local server lists it', () => {
    expect(nfsFacts(v42!, ETAB)).toEqual({
      server: '127.0.0.1',
      export: '/srv/nfs/sync',
      version: '4.2',
      exportOptions: expect.stringMatching(/^rw,sync,wdelay,/),
      exportSync: 'sync',
    });
  });
  it('NFSv3 of the async export', () => {
    const f = nfsFacts(v3!, ETAB);
    expect([f.version, f.export, f.exportSync]).toEqual(['3', '/srv/nfs/async', 'async']);
  });
  it('a remote server: no export options (its etab is not ours to read)', () => {
    const remote = { ...v42!, source: 'filer.example:/vol/images' };
    expect(nfsFacts(remote, ETAB)).toEqual({
      server: 'filer.example',
      export: '/vol/images',
      version: '4.2',
      exportOptions: null,
      exportSync: null,
    });
  });
  it('etab lookup ignores a trailing slash and unknown paths', () => {
    expect(etabOptions(ETAB, '/srv/nfs/async/')).toMatch(/^rw,async,/);
    expect(etabOptions(ETAB, '/srv/other')).toBeNull();
  });
});

describe('device-mapper and LVM', () => {
  it('LVM mapper names with doubled dashes', () => {
    expect(splitLvmName('vg0-thick')).toEqual({ vg: 'vg0', lv: 'thick' });
    expect(splitLvmName('my--vg-my--lv')).toEqual({ vg: 'my-vg', lv: 'my-lv' });
    expect(splitLvmName('nodash')).toBeNull();
  });
  it('a thin LV: the device beneath it is the pool (VG-POOL-tpool)', () => {
    const read = () => ({ name: 'vg0-thin', uuid: 'LVM-abcdef', under: ['vg0-pool-tpool'] });
    expect(dmFacts('dm-5', read)).toEqual({
      device: 'dm-5',
      name: 'vg0-thin',
      lvm: { vg: 'vg0', lv: 'thin', thinPool: 'pool' },
    });
  });
  it('a thick LV over a disk; a dm device LVM did not make (crypt)', () => {
    expect(dmFacts('dm-0', () => ({ name: 'vg0-thick', uuid: 'LVM-x', under: ['vdb'] })).lvm).toEqual({
      vg: 'vg0',
      lv: 'thick',
      thinPool: null,
    });
    expect(dmFacts('dm-1', () => ({ name: 'luks-1', uuid: 'CRYPT-LUKS2-x', under: ['vdb'] })).lvm).toBeNull();
  });
});

describe('iSCSI and transports', () => {
  const sda = '/sys/devices/platform/host2/session1/target2:0:0/2:0:0:1/block/sda';
  it('the target and portal of the session in the disk path', () => {
    const files: Record<string, string> = {
      '/sys/class/iscsi_session/session1/targetname': 'iqn.2026-12.lab.qcb:lun0',
      '/sys/class/iscsi_connection/connection1:0/persistent_address': '127.0.0.1',
      '/sys/class/iscsi_connection/connection1:0/persistent_port': '3260',
    };
    expect(iscsiFacts(sda, (p) => files[p] ?? null)).toEqual({
      target: 'iqn.2026-12.lab.qcb:lun0',
      portal: '127.0.0.1:3260',
    });
  });
  it('transport of real sysfs paths', () => {
    expect(transportOf(sda)).toBe('iscsi');
    expect(transportOf('/sys/devices/pci0000:00/0000:00:04.0/virtio2/block/vdb')).toBe('virtio');
    expect(transportOf('/sys/devices/virtual/block/dm-5')).toBe('dm');
    expect(transportOf('/sys/devices/virtual/block/loop0')).toBe('loop');
    expect(transportOf('/sys/devices/pci0000:00/0000:00:1d.0/nvme/nvme0/nvme0n1')).toBe('nvme');
    expect(transportOf('/sys/devices/pci0000:00/0000:00:1f.2/ata1/host0/target0:0:0/0:0:0:0/block/sda')).toBe('ata');
    expect(transportOf('/sys/devices/somewhere/else')).toBeNull();
  });
});

describe('storage in a few words', () => {
  const base: StorageFacts = {
    path: '/x',
    mountPoint: '/',
    fsType: 'ext4',
    mountOptions: 'rw',
    source: '/dev/vda',
    blockDevice: 'vda',
    rotational: true,
    scheduler: 'none',
    model: null,
    transport: 'virtio',
    writeCache: 'write back',
    nfs: null,
    dm: null,
    iscsi: null,
  };
  it('names NFS, LVM thin, iSCSI and a plain disk', () => {
    expect(storageKindText(base)).toBe('ext4 on virtio disk vda');
    const nfs = { server: '127.0.0.1', export: '/srv/nfs/sync', version: '4.2', exportOptions: null };
    expect(storageKindText({ ...base, fsType: 'nfs4', nfs: { ...nfs, exportSync: 'sync' } })).toBe(
      'NFSv4.2 127.0.0.1:/srv/nfs/sync (sync export)',
    );
    const thin = { device: 'dm-5', name: 'vg0-thin', lvm: { vg: 'vg0', lv: 'thin', thinPool: 'pool' } };
    expect(storageKindText({ ...base, fsType: null, dm: thin })).toBe('LVM thin LV vg0/thin (pool pool)');
    const iscsi = { target: 'iqn.2026-12.lab.qcb:lun0', portal: '127.0.0.1:3260' };
    expect(storageKindText({ ...base, fsType: null, blockDevice: 'sda', iscsi })).toBe(
      'iSCSI LUN sda (iqn.2026-12.lab.qcb:lun0)',
    );
  });
});
