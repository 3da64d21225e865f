// The report's facts: host, each case's target and storage, the image, and the memory section (pure).
import { basename } from 'node:path';
import { memoryRows } from '../analyze/memory.ts';
import { meterMedians } from '../analyze/meter.ts';
import { REAL_IMAGE_WRITES_PER_GIB } from '../model/reference.ts';
import type { Results, RunCase } from '../model/results.ts';
import { formatBytes } from '../model/units.ts';
import type { Block } from './document-model.ts';
import { storageKindText } from './storage-text.ts';

/** Memory-limited runs: per case and mode, the cgroup's peak memory, peak dirty + writeback and OOM kills. */
export function memoryBlocks(results: Results): Block[] {
  const limit = results.config.memoryLimitBytes;
  if (limit === null) return [];
  const rows = memoryRows(results).map((r) => [
    ...(results.cases.length > 1 ? [r.caseId] : []),
    r.mode,
    r.peakMedian === null ? '?' : formatBytes(r.peakMedian),
    r.peakMax === null ? '?' : formatBytes(r.peakMax),
    r.dirtyMax === null ? '?' : formatBytes(r.dirtyMax),
    `${r.oomKills} of ${r.runs}`,
  ]);
  const cgroup = results.samples.find((x) => x.memory)?.memory?.cgroup ?? '?';
  return [
    { kind: 'heading', level: 2, text: `Memory limit ${formatBytes(limit)}` },
    {
      kind: 'para',
      text:
        `Each conversion ran in a memory cgroup of its own (cgroup ${cgroup}) limited to ${formatBytes(limit)}, ` +
        'as in a KubeVirt CDI importer pod; page cache qemu-img dirties counts against the limit. Peak memory is ' +
        "the cgroup's high-water mark; dirty + writeback was sampled every 50 ms. An OOM-killed run is a failed run.",
    },
    {
      kind: 'table',
      head: [
        ...(results.cases.length > 1 ? ['case'] : []),
        'mode',
        'peak memory (median)',
        'peak memory (max)',
        'peak dirty + writeback',
        'OOM kills',
      ],
      rows,
    },
  ];
}

export function hostRows(results: Results): string[][] {
  const h = results.host;
  const vm = h.virtualMachine ? ', virtual machine' : '';
  return [
    ['host', `${h.hostname} (${h.distro ?? h.os}, kernel ${h.kernel}${vm})`],
    ['CPU', `${h.cpuModel} x ${h.cpuCount}`],
    ['memory', formatBytes(h.memoryBytes)],
    ['privileges', h.root ? 'root (page cache dropped with /proc/sys/vm/drop_caches)' : 'not root'],
  ];
}

export function caseRows(c: RunCase, prefix: string): string[][] {
  const s = c.storage;
  const rotational =
    s.rotational === true ? 'rotational' : s.rotational === false ? 'non-rotational' : 'rotational unknown';
  const device = s.blockDevice
    ? `${s.blockDevice}${s.model ? ` (${s.model})` : ''}, ${rotational}, scheduler ${s.scheduler ?? '?'}`
    : 'none (not a block device)';
  return [
    [`${prefix}qemu-img`, `${c.qemuImgVersion} (${c.qemuImg})`],
    [`${prefix}target`, targetText(c)],
    [`${prefix}block device`, device],
  ];
}

/** How block-device targets start each run (empty for runs with directory targets only). */
export function blockResetText(results: Results): string {
  const kinds = new Set(results.cases.map((c) => c.targetKind));
  const loop = kinds.has('loop')
    ? ' On a loop-device target the loop file is emptied instead (it reads as zeros).'
    : '';
  const device = kinds.has('device') ? ' A --target-device is not reset: every run overwrites it.' : '';
  return loop + device;
}

/** A case's target in a few words. */
export function targetShort(c: RunCase): string {
  const fs = c.storage.fsType ?? '?';
  if (c.targetKind === 'loop') return `loop device ${c.device?.path ?? '?'} over a file in ${c.targetDir} (${fs})`;
  if (c.targetKind === 'device') return `block device ${c.targetDir}`;
  return `${c.targetDir} (${fs})`;
}

/** What a case wrote to: a directory's file system, a loop device over a file in one, or a block device. */
export function targetText(c: RunCase): string {
  const s = c.storage;
  const fs = `${s.fsType ?? '?'} on ${s.source ?? '?'}, mount options ${s.mountOptions ?? '?'}`;
  const size = c.device ? `, ${formatBytes(c.device.sizeBytes)}` : '';
  if (c.targetKind === 'loop') {
    const dio = c.device?.loopDirectIo === null ? '?' : c.device?.loopDirectIo ? 'on' : 'off';
    return (
      `loop device ${c.device?.path ?? '?'}${size} (direct I/O ${dio}) over a sparse file in ${c.targetDir} (${fs}), ` +
      'written with -n; the file was emptied before each run and removed afterwards'
    );
  }
  const kind = s.nfs || s.dm || s.iscsi ? `${storageKindText(s)}; ` : '';
  const cache = s.writeCache ? `, write cache ${s.writeCache}` : '';
  if (c.targetKind === 'device') {
    return `block device ${c.targetDir}${size} (${kind}${s.transport ?? 'transport ?'}${cache}), overwritten with -n by every run`;
  }
  return `${c.targetDir}: ${kind}${fs}`;
}

export function imageRows(results: Results): string[][] {
  const img = results.image;
  const origin = img.origin === 'default' ? 'built-in, generated deterministically' : 'user-supplied';
  const compression = img.compressionType ? `, ${img.compressionType} compression` : '';
  const share = img.compressedClusters ? ` (${img.compressedClusters} of clusters compressed)` : '';
  const sizes = `virtual ${formatBytes(img.virtualSize)}, allocated ${formatBytes(img.actualSize)}`;
  const audit = results.flushAudit;
  const audited = audit.find((a) => a.mode === 'writethrough' && a.ok)?.writes ?? audit.find((a) => a.ok)?.writes;
  // Without an audit: the flush meter's write requests (the median over writethrough's timed runs of the first case).
  const metered = meterMedians(results, results.cases[0]?.id ?? '', 'writethrough')?.writeCalls;
  const writes = audited ?? (metered === undefined ? undefined : Math.round(metered));
  const source = audited != null ? 'flush audit' : 'flush meter, median of the timed runs';
  const dataGiB = img.actualSize > 0 && img.params?.dataSize ? img.params.dataSize / 1024 ** 3 : null;
  const perGiB = dataGiB
    ? `${Math.round((writes ?? 0) / dataGiB)} per GiB of data; a real root file system image makes about ` +
      `${REAL_IMAGE_WRITES_PER_GIB} per GiB`
    : '';
  const writeText =
    writes === undefined || writes === null
      ? 'not measured (no flush meter or audit)'
      : `${writes} (${[source, perGiB].filter(Boolean).join('; ')})`;
  return [
    ['image', `${basename(img.path)} (${origin})`],
    ['image format', `${img.format}, ${sizes}${compression}${share}`],
    ['write requests per conversion', writeText],
    ['image sha256', img.sha256],
  ];
}

export function factBlocks(results: Results): Block[] {
  const prefix = (c: RunCase) => (results.cases.length > 1 ? `[${c.id}] ` : '');
  const rows = [...hostRows(results), ...results.cases.flatMap((c) => caseRows(c, prefix(c))), ...imageRows(results)];
  return [
    { kind: 'heading', level: 2, text: 'Host, storage and image' },
    { kind: 'table', head: ['fact', 'value'], rows },
  ];
}
