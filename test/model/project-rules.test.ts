// Each project's rule against its own source: the exact qemu-img arguments it builds on a target with given facts,
// written out here from the function named in each test (read 2026-11-30), not from the rule table.
import { describe, expect, it } from 'vitest';
import {
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
  it('has one rule per project, in order, each naming a repository, file and function', () => {
    expect(PROJECT_RULES.map((r) => r.id)).toEqual([...PROJECT_IDS]);
    for (const r of PROJECT_RULES) {
      expect(r.source.repository).toMatch(/^[\w.-]+\/[\w.-]+$/);
      expect(r.source.file.length).toBeGreaterThan(3);
      expect(r.source.function.length).toBeGreaterThan(3);
    }
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

describe('oVirt/vdsm: lib/vdsm/storage/qemuimg.py convert', () => {
  // cmd = [qemu-img, "convert", "-p", "-t", "none", "-T", "none"] + -f + -O (+ -o compat for qcow2 when create)
  // + "-n" when not create + "-W" for unordered_writes + [src, dst]
  it('creates file volumes, writes existing block volumes with -n and raw ones with -W', () => {
    const head = ['convert', '-p', '-t', 'none', '-T', 'none', '-f', 'qcow2', '-O'];
    expect(argvOf('vdsm', DIR)).toEqual([...head, 'raw', '/img/a.qcow2', '/t/out']);
    expect(argvOf('vdsm', { ...DIR, outFormat: 'qcow2' })).toEqual([
      ...head,
      'qcow2',
      '-o',
      'compat=1.1',
      '/img/a.qcow2',
      '/t/out',
    ]);
    expect(argvOf('vdsm', BLOCK)).toEqual([...head, 'raw', '-n', '-W', '/img/a.qcow2', '/t/out']);
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

describe('Ironic Python Agent: standby.py _write_whole_disk_image, qemu_img.py convert_image', () => {
  // 'qemu-img', 'convert', '-f', 'qcow2', '-O', 'host_device', '-t', 'directsync', '-S', '0', '-W', source, dest
  it('directsync onto a block device; nothing onto a directory', () => {
    expect(argvOf('ironic', BLOCK)).toEqual([
      'convert',
      '-f',
      'qcow2',
      '-O',
      'host_device',
      '-t',
      'directsync',
      '-S',
      '0',
      '-W',
      '/img/a.qcow2',
      '/t/out',
    ]);
    expect(argvOf('ironic', DIR)).toBe('not-applicable');
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
  });
});

describe('Apache CloudStack: QemuImg.java convert', () => {
  // "-n", "--target-is-zero", "-W", "-S", "1M" when the destination exists; "-O" fmt; "-t", "none" when noCache;
  // "-U" and --image-opts driver=qcow2,file.filename=SRC on qemu >= 2.10; then the destination
  it('no -t onto a new file; -n --target-is-zero -W -S 1M -t none onto an existing block volume', () => {
    expect(argvOf('cloudstack', DIR)).toEqual([
      'convert',
      '-O',
      'raw',
      '-U',
      '--image-opts',
      'driver=qcow2,file.filename=/img/a.qcow2',
      '/t/out',
    ]);
    expect(argvOf('cloudstack', BLOCK)).toEqual([
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
});
