// Each project's rule against its own source: the exact qemu-img arguments it builds on a target with given facts,
// written out here from the function named in each test (read 2026-11-30), not from the rule table.
import { describe, expect, it } from 'vitest';
import {
  citation,
  effectiveMode,
  fillArgv,
  PROJECT_IDS,
  PROJECT_RULES,
  type ProjectFacts,
  type ProjectId,
  projectRule,
} from '../../src/model/project-rules.ts';

const DIR: ProjectFacts = {
  target: 'dir',
  device: null,
  odirect: 'works',
  sourceOdirect: 'works',
  fsType: 'ext4',
  writebackOomKilled: null,
  srcFormat: 'qcow2',
  outFormat: 'raw',
};
const BLOCK: ProjectFacts = { ...DIR, target: 'block', device: '/dev/loop0', fsType: null };
const FILES = { src: '/img/a.qcow2', dst: '/t/out', srcFormat: 'qcow2', outFormat: 'raw' };

/** The filled argv a project runs on a target, or its pick's state when it runs nothing. */
function argvOf(id: ProjectId, facts: ProjectFacts): string[] | string {
  const pick = projectRule(id).pick(facts);
  return pick.state === 'command' ? fillArgv(pick.command.argv, { ...FILES, outFormat: facts.outFormat }) : pick.state;
}

describe('the rule table', () => {
  it('has one rule per project, in order, each citing repository@commit, files and the commit date', () => {
    expect(PROJECT_RULES.map((r) => r.id)).toEqual([...PROJECT_IDS]);
    for (const r of PROJECT_RULES) {
      expect(r.source.repository).toMatch(/^[\w.-]+\/[\w.-]+$/);
      expect(r.source.commit).toMatch(/^[0-9a-f]{10}$/);
      expect(r.source.files.length).toBeGreaterThan(0);
      expect(r.source.function.length).toBeGreaterThan(3);
    }
    expect(citation(projectRule('nova').source)).toBe(
      'openstack/nova@00a030403f nova/privsep/qemu.py:111-123, nova/virt/images.py:72-82, ' +
        'nova/virt/libvirt/imagebackend.py:840 (2026-08-21)',
    );
  });
  it("reads the target cache mode from the last -t, and qemu-img's default (unsafe) without one", () => {
    expect(effectiveMode(['convert', '-t', 'writeback', '-t', 'none'])).toBe('none');
    expect(effectiveMode(['convert', '-O', 'raw'])).toBe('unsafe');
  });
});

describe('OpenStack Nova: nova/privsep/qemu.py unprivileged_convert_image', () => {
  // cmd = ('qemu-img', 'convert', '-t', cache_mode, '-O', out_format) + ('-f', in_format) + (source, dest)
  it('none where O_DIRECT works, writeback where it fails, unknown where not measured', () => {
    expect(argvOf('nova', DIR)).toEqual([
      'convert',
      '-t',
      'none',
      '-O',
      'raw',
      '-f',
      'qcow2',
      '/img/a.qcow2',
      '/t/out',
    ]);
    const tmpfs = { ...DIR, odirect: 'refused' as const };
    expect(argvOf('nova', tmpfs)).toEqual([
      'convert',
      '-t',
      'writeback',
      '-O',
      'raw',
      '-f',
      'qcow2',
      '/img/a.qcow2',
      '/t/out',
    ]);
    expect(argvOf('nova', { ...DIR, odirect: 'unknown' })).toBe('unknown');
  });
  it('imagebackend.py:840 Lvm.create_image: convert_image_unsafe onto the LV, no -f, the instances path assumed O_DIRECT', () => {
    // images.convert_image_unsafe(base, self.path, self.driver_format, run_as_root=True) -> in_format None: no -f
    expect(argvOf('nova', BLOCK)).toEqual(['convert', '-t', 'none', '-O', 'raw', '/img/a.qcow2', '/t/out']);
    expect(argvOf('nova', { ...BLOCK, odirect: 'unknown' })).toEqual(argvOf('nova', BLOCK));
    const pick = projectRule('nova').pick(BLOCK);
    expect(pick.because).toMatch(/assumed: the instances path opens with O_DIRECT/);
  });
});

describe('OpenStack Cinder: cinder/image/image_utils.py _convert_image, _get_qemu_convert_cmd', () => {
  // cmd = ['qemu-img', 'convert', '-O', out_format] + ('-t', cache_mode) if cache_mode + ('-f', src_format) + [src, dest]
  it('no -t onto a file; -t none onto a block device where O_DIRECT works; never -n', () => {
    expect(argvOf('cinder', DIR)).toEqual(['convert', '-O', 'raw', '-f', 'qcow2', '/img/a.qcow2', '/t/out']);
    expect(argvOf('cinder', BLOCK)).toEqual([
      'convert',
      '-O',
      'raw',
      '-t',
      'none',
      '-f',
      'qcow2',
      '/img/a.qcow2',
      '/t/out',
    ]);
    expect(argvOf('cinder', { ...BLOCK, odirect: 'refused' })).toEqual([
      'convert',
      '-O',
      'raw',
      '-f',
      'qcow2',
      '/img/a.qcow2',
      '/t/out',
    ]);
    expect(argvOf('cinder', { ...BLOCK, odirect: 'unknown' })).toBe('unknown');
  });
});

describe('oVirt/vdsm@fd4b0df20b: qemuimg.py convert (270-350), image.py 472-485, volume.py 904-936', () => {
  // cmd = [qemu-img, "convert", "-p", "-t", "none", "-T", "none"] + -f + -O; create: -o compat= for qcow2;
  // not create: "-n", and "--target-is-zero" when backing is None and target_is_zero; "-W" for unordered_writes
  const head = ['convert', '-p', '-t', 'none', '-T', 'none', '-f', 'qcow2', '-O'];
  it('a raw file volume (requires_create: raw -> isSparse(), sparse assumed): created, no -n', () => {
    expect(argvOf('vdsm', DIR)).toEqual([...head, 'raw', '/img/a.qcow2', '/t/out']);
    expect(projectRule('vdsm').pick(DIR).because).toMatch(/assumed: raw sparse \(--project-storage vdsm=preallocated/);
  });
  it('a qcow2 volume without a parent (requires_create: getParent() == BLANK_UUID): -o compat=1.1, on file or block', () => {
    const qcow2 = [...head, 'qcow2', '-o', 'compat=1.1', '/img/a.qcow2', '/t/out'];
    expect(argvOf('vdsm', { ...DIR, outFormat: 'qcow2' })).toEqual(qcow2);
    expect(argvOf('vdsm', { ...BLOCK, outFormat: 'qcow2' })).toEqual(qcow2);
  });
  it('a raw block volume (preallocated): -n -W, no --target-is-zero (volume.py 932: zero_initialized False)', () => {
    expect(argvOf('vdsm', BLOCK)).toEqual([...head, 'raw', '-n', '-W', '/img/a.qcow2', '/t/out']);
  });
  it('operation.py 43-44: runs under nice -n 19 and ionice idle class (cmdutils.py 286-299)', () => {
    const pick = projectRule('vdsm').pick(DIR);
    expect(pick.state === 'command' && pick.command.prefix).toEqual(['nice', '-n', '19', 'ionice', '-c', '3']);
  });
});

describe('KubeVirt CDI: pkg/image/qemu.go convertToRaw, getCacheMode', () => {
  // args := []string{"convert", "-t", cacheMode, "-p", "-O", "raw", src, dest}; writeback unless CACHE_MODE=TRYNONE,
  // then none where O_DIRECT works; the importer fsyncs the file afterwards
  it('writeback and fsync; after an OOM-killed writeback import, none where O_DIRECT works', () => {
    expect(argvOf('cdi', DIR)).toEqual(['convert', '-t', 'writeback', '-p', '-O', 'raw', '/img/a.qcow2', '/t/out']);
    const pick = projectRule('cdi').pick(DIR);
    expect(pick.state === 'command' && pick.command.fsyncAfter).toBe(true);
    const oom = { ...DIR, writebackOomKilled: true };
    expect(argvOf('cdi', oom)).toEqual(['convert', '-t', 'none', '-p', '-O', 'raw', '/img/a.qcow2', '/t/out']);
    expect(argvOf('cdi', { ...oom, odirect: 'refused' })).toEqual([
      'convert',
      '-t',
      'writeback',
      '-p',
      '-O',
      'raw',
      '/img/a.qcow2',
      '/t/out',
    ]);
    expect(argvOf('cdi', { ...DIR, outFormat: 'qcow2' })).toBe('not-applicable');
  });
});

describe('Proxmox VE: qemu-server@e6352be src/PVE/QemuServer/QemuImage.pm convert (142-183)', () => {
  // push '/usr/bin/qemu-img', 'convert', '-p', '-n'; push '-t', 'none' if $dst_scfg->{type} eq 'zfspool';
  // push '-f', $src_format; push '-O', $dst_format; push $src_path;
  // push "zeroinit:$dst_path" if $opts->{'is-zero-initialized'} (sparseinit: Plugin.pm 1594, ZFSPoolPlugin.pm 817)
  const zeroinit = ['convert', '-p', '-n', '-f', 'qcow2', '-O', 'raw', '--target-is-zero', '/img/a.qcow2', '/t/out'];
  it('a directory storage (sparseinit, Plugin.pm 1594): zeroinit:, measured as --target-is-zero; no -t, even on ZFS', () => {
    expect(argvOf('proxmox', DIR)).toEqual(zeroinit);
    expect(argvOf('proxmox', { ...DIR, fsType: 'zfs' })).toEqual(zeroinit);
  });
  it('a block device that is not a zvol (plain LVM, no sparseinit): -p -n, no zeroinit, no -t', () => {
    expect(argvOf('proxmox', BLOCK)).toEqual([
      'convert',
      '-p',
      '-n',
      '-f',
      'qcow2',
      '-O',
      'raw',
      '/img/a.qcow2',
      '/t/out',
    ]);
  });
  it('a zvol (zfspool: QemuImage.pm 149 and sparseinit, ZFSPoolPlugin.pm 817): -t none and zeroinit:', () => {
    const zvol = { ...BLOCK, device: '/dev/zvol/rpool/data/vm-100-disk-0' };
    expect(argvOf('proxmox', zvol)).toEqual([
      'convert',
      '-p',
      '-n',
      '-t',
      'none',
      '-f',
      'qcow2',
      '-O',
      'raw',
      '--target-is-zero',
      '/img/a.qcow2',
      '/t/out',
    ]);
    expect(argvOf('proxmox', { ...BLOCK, device: '/dev/zd16' })).toEqual(argvOf('proxmox', zvol));
  });
  it('says what stands in for zeroinit: and what it assumes about the source and a bandwidth limit', () => {
    const rule = PROJECT_RULES.find((r) => r.id === 'proxmox');
    const because = rule?.pick(DIR).because ?? '';
    expect(because).toMatch(/zeroinit:\{dst\}.*--target-is-zero, upstream's option with that effect, stands in/);
    expect(because).toMatch(/assumed: the source is not on a zfspool storage \(no -T none\) and no bandwidth limit/);
  });
});

describe('--project-storage: the facts a run cannot see, stated', () => {
  // vdsm image.py 483-484: create=requires_create() (a preallocated raw volume: False -> -n), target_is_zero=
  // zero_initialized() (fileVolume.py 390: True -> --target-is-zero)
  it('vdsm=preallocated: a raw file volume that exists, -n --target-is-zero', () => {
    const head = ['convert', '-p', '-t', 'none', '-T', 'none', '-f', 'qcow2', '-O', 'raw'];
    const facts = { ...DIR, stated: { vdsm: 'preallocated' as const } };
    expect(argvOf('vdsm', facts)).toEqual([...head, '-n', '--target-is-zero', '/img/a.qcow2', '/t/out']);
  });
  // QemuImage.pm 149: push '-t', 'none' if $dst_scfg->{type} eq 'zfspool'; Plugin.pm 1594: sparseinit storages
  it('proxmox=lvmthin onto a block device: zeroinit (thin pools read as zeroes), no -t; proxmox=zfspool: -t none', () => {
    const thin = { ...BLOCK, stated: { proxmox: 'lvmthin' as const } };
    expect(argvOf('proxmox', thin)).toEqual([
      'convert',
      '-p',
      '-n',
      '-f',
      'qcow2',
      '-O',
      'raw',
      '--target-is-zero',
      '/img/a.qcow2',
      '/t/out',
    ]);
    expect(projectRule('proxmox').pick(thin).because).toMatch(/^a lvmthin storage \(stated\)/);
    const zfs = { ...BLOCK, stated: { proxmox: 'zfspool' as const } };
    expect(argvOf('proxmox', zfs)).toEqual(argvOf('proxmox', { ...BLOCK, device: '/dev/zd0' }));
    const iscsi = { ...DIR, stated: { proxmox: 'iscsi' as const } };
    expect(argvOf('proxmox', iscsi)).not.toContain('--target-is-zero');
  });
  // LinstorStorageAdaptor (PR 9417) asks QemuImg.convert for no cache: -t none
  it('cloudstack=linstor onto block: -t none; clvm (stated or assumed): no -t', () => {
    const linstor = argvOf('cloudstack', { ...BLOCK, stated: { cloudstack: 'linstor' as const } });
    expect(linstor.slice(0, 11)).toEqual([
      'convert',
      '-n',
      '--target-is-zero',
      '-W',
      '-S',
      '1M',
      '-O',
      'raw',
      '-t',
      'none',
      '-U',
    ]);
    expect(argvOf('cloudstack', { ...BLOCK, stated: { cloudstack: 'clvm' as const } })).toEqual(
      argvOf('cloudstack', BLOCK),
    );
    expect(projectRule('cloudstack').pick(BLOCK).because).toMatch(/--project-storage cloudstack=linstor\|powerflex/);
  });
  // ScaleIOStorageAdaptor.copyPhysicalDisk (newest stored copy): new QemuImg(timeout, provisioningType.equals(FAT),
  // false): noCache false (no -t), skipZeroIfSupported only for a FAT (thick) volume
  it('cloudstack=powerflex onto block: no -t and no zero skip; powerflex-thick: the zero skip, still no -t', () => {
    const thin = argvOf('cloudstack', { ...BLOCK, stated: { cloudstack: 'powerflex' as const } });
    const source = ['--image-opts', 'driver=qcow2,file.filename=/img/a.qcow2', '/t/out'];
    expect(thin).toEqual(['convert', '-O', 'raw', '-U', ...source]);
    const thick = argvOf('cloudstack', { ...BLOCK, stated: { cloudstack: 'powerflex-thick' as const } });
    expect(thick).toEqual(['convert', '-n', '--target-is-zero', '-W', '-S', '1M', '-O', 'raw', '-U', ...source]);
  });
});

describe('Ironic Python Agent@a9e64be582: standby.py 375-399, disk_utils.py 461-490, qemu_img.py 100-145', () => {
  // cmd = ['qemu-img', 'convert', '-O', out_format] + ['-t', cache] + ['-S', sparse_size] + ['-f', source_format]
  // + ['-W'] + [source, dest]; out_format='host_device', cache='directsync', sparse_size='0', out_of_order=True
  it('directsync onto a block device with MALLOC_ARENA_MAX=3; nothing onto a directory', () => {
    expect(argvOf('ironic', BLOCK)).toEqual([
      'convert',
      '-O',
      'host_device',
      '-t',
      'directsync',
      '-S',
      '0',
      '-f',
      'qcow2',
      '-W',
      '/img/a.qcow2',
      '/t/out',
    ]);
    const pick = projectRule('ironic').pick(BLOCK);
    expect(pick.state === 'command' && pick.command.env).toEqual({ MALLOC_ARENA_MAX: '3', LC_ALL: 'C' });
    // qemu_img.py: processutils.ProcessLimits(address_space=CONF.disk_utils.image_convert_memory_limit * units.Mi)
    expect(pick.state === 'command' && pick.command.prefix).toEqual(['prlimit', '--as=2147483648']);
    expect(pick.state === 'command' && pick.command.notApplied).toBe(null);
    expect(argvOf('ironic', DIR)).toBe('not-applicable');
  });
  it('disk_utils.py populate_image: a raw image is written with dd, not qemu-img; qcow2 output does not apply', () => {
    expect(projectRule('ironic').pick({ ...BLOCK, srcFormat: 'raw' }).because).toMatch(/with dd, not qemu-img/);
    expect(argvOf('ironic', { ...BLOCK, srcFormat: 'raw' })).toBe('not-applicable');
    expect(argvOf('ironic', { ...BLOCK, outFormat: 'qcow2' })).toBe('not-applicable');
  });
});

describe('Incus: internal/server/storage/utils.go ImageUnpack', () => {
  // "qemu-img", "convert", "-p", "-f", "qcow2", "-O", "raw", "-t", "writeback", then "-T", "none" if the source opens
  // with O_DIRECT, "-t", "none" if the target does, and "-W", "-n", "--target-is-zero" onto a block device
  it('writeback overridden by a later -t none where O_DIRECT works; -W -n --target-is-zero onto block', () => {
    const head = ['convert', '-p', '-f', 'qcow2', '-O', 'raw', '-t', 'writeback'];
    // lxc/incus@043094e utils.go: os.OpenFile(dstPath, unix.O_DIRECT|unix.O_RDONLY, 0), no O_CREAT; @16595fe
    // driver_dir_volumes.go CreateVolume runs the filler before ensureVolumeBlockFile: on a dir pool, no -t none.
    expect(argvOf('incus', DIR)).toEqual([...head, '-T', 'none', '/img/a.qcow2', '/t/out']);
    expect(argvOf('incus', { ...DIR, odirect: 'unknown' })).toEqual([...head, '-T', 'none', '/img/a.qcow2', '/t/out']);
    expect(argvOf('incus', { ...DIR, odirect: 'refused', sourceOdirect: 'refused' })).toEqual([
      ...head,
      '/img/a.qcow2',
      '/t/out',
    ]);
    expect(argvOf('incus', BLOCK)).toEqual([
      ...head,
      '-T',
      'none',
      '-t',
      'none',
      '-W',
      '-n',
      '--target-is-zero',
      '/img/a.qcow2',
      '/t/out',
    ]);
    expect(argvOf('incus', { ...DIR, sourceOdirect: 'unknown' })).toBe('unknown');
    expect(argvOf('incus', { ...DIR, srcFormat: 'raw' })).toBe('not-applicable');
    expect(argvOf('incus', { ...DIR, outFormat: 'qcow2' })).toBe('not-applicable');
  });
  it('utils.go 756: "nice", "-n19" before qemu-img', () => {
    const pick = projectRule('incus').pick(DIR);
    expect(pick.state === 'command' && pick.command.prefix).toEqual(['nice', '-n19']);
  });
});

describe('Apache CloudStack: QemuImg.java convert and its storage adaptors', () => {
  // "-n", "--target-is-zero", "-W", "-S", "1M" when the destination exists; "-O" fmt; "-t", "none" only when the
  // adaptor asks for no cache (Linstor, PR 9417); "-U" and --image-opts driver=qcow2,file.filename=SRC; destination
  it('no -t onto a new file', () => {
    expect(argvOf('cloudstack', DIR)).toEqual([
      'convert',
      '-O',
      'raw',
      '-U',
      '--image-opts',
      'driver=qcow2,file.filename=/img/a.qcow2',
      '/t/out',
    ]);
    expect(argvOf('cloudstack', { ...DIR, srcFormat: 'raw' })).toEqual([
      'convert',
      '-O',
      'raw',
      '-U',
      '/img/a.qcow2',
      '/t/out',
    ]);
  });
  it('a plain block pool (CLVM, assumed and said): -n --target-is-zero -W -S 1M and no -t', () => {
    expect(argvOf('cloudstack', BLOCK)).toEqual([
      'convert',
      '-n',
      '--target-is-zero',
      '-W',
      '-S',
      '1M',
      '-O',
      'raw',
      '-U',
      '--image-opts',
      'driver=qcow2,file.filename=/img/a.qcow2',
      '/t/out',
    ]);
    expect(projectRule('cloudstack').pick(BLOCK).because).toMatch(
      /assumed a plain block pool \(CLVM; .*linstor\|powerflex/,
    );
  });
});

describe('Glance, libvirt and OpenNebula: no -t', () => {
  it("run qemu-img's default target cache (unsafe)", () => {
    for (const id of ['glance', 'libvirt', 'opennebula'] as const) {
      const pick = projectRule(id).pick(DIR);
      expect(pick.state === 'command' && effectiveMode(pick.command.argv)).toBe('unsafe');
    }
    expect(argvOf('glance', DIR)).toEqual(['convert', '-f', 'qcow2', '-O', 'raw', '/img/a.qcow2', '/t/out']);
    expect(argvOf('glance', BLOCK)).toBe('not-applicable');
  });
  it('libvirt: -o compat=0.10 for qcow2 output; raw onto raw is copied by libvirt, not qemu-img', () => {
    expect(argvOf('libvirt', { ...DIR, outFormat: 'qcow2' })).toEqual([
      'convert',
      '-f',
      'qcow2',
      '-O',
      'qcow2',
      '-o',
      'compat=0.10',
      '/img/a.qcow2',
      '/t/out',
    ]);
    expect(argvOf('libvirt', { ...DIR, srcFormat: 'raw' })).toBe('not-applicable');
  });
});
