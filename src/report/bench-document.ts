// The bench report's content as a document (headings, paragraphs, tables, charts), built once from results (pure).
import { basename } from 'node:path';
import { memoryRows } from '../analyze/memory.ts';
import { meterMedians } from '../analyze/meter.ts';
import { type PenaltyPrediction, penaltyPredictions } from '../analyze/prediction.ts';
import { MIN_RUNS_FOR_OUTLIERS, RATIO_METHOD } from '../analyze/stats.ts';
import { measuredModes } from '../analyze/summary.ts';
import { CACHE_MODE_MEANING, type CacheMode } from '../model/cache-modes.ts';
import { emulationLabel } from '../model/emulation.ts';
import { rerunArguments } from '../model/flags.ts';
import { PROJECT_RULES } from '../model/project-rules.ts';
import { convertCommandLine, DEFAULT_CONVERT_OPTIONS, optionArgs, shellQuote } from '../model/qemu-img-command.ts';
import { REAL_IMAGE_WRITES_PER_GIB, REFERENCE_2019 } from '../model/reference.ts';
import type { Results, RunCase } from '../model/results.ts';
import {
  ci,
  fasterOrSlower,
  formatBytes,
  kibText,
  meanSd,
  med,
  millis,
  range,
  ratioWithCi,
  secs,
} from '../model/units.ts';
import { chartsSkippedText } from './charts/canvas.ts';
import { benchCharts, chartFile } from './charts/chart-names.ts';
import { optionSetText, projectRows, projectRunRows, recommendationText, sourceText } from './choice-text.ts';
import type { Block, ReportDocument } from './document-model.ts';
import { durabilityBlocks } from './durability-text.ts';
import { auditFailureText, notMeasuredText, samplingText, warningTexts } from './finding-text.ts';
import { measuredUnderTcg, storageKindText, TCG_NOTE } from './storage-text.ts';
import { summaryHead, summaryRow } from './table.ts';
import { type VerdictLayers, verdictLayers } from './verdict-text.ts';

/** Builds the bench report document from the results (pure). */
export function benchDocument(results: Results, chartsSkipped: string | null = null): ReportDocument {
  const date = (results.finishedAt ?? results.startedAt).slice(0, 10);
  const label = emulationLabel(results.config.emulateFlushLatencyMs, results.config.emulatePreset);
  const title = `qemu-img convert cache modes on ${results.host.hostname}, ${date}${label ? ` (${label})` : ''}`;
  const blocks: Block[] = [];
  if (label)
    blocks.push({
      kind: 'para',
      strong: true,
      text:
        `${label}: every fsync()/fdatasync() qemu-img made in the timed runs was delayed by ` +
        `${results.config.emulateFlushLatencyMs} ms through an LD_PRELOAD interposer, to emulate storage with slow ` +
        `flushes. The times below are not this host's native storage performance.`,
    });
  if (measuredUnderTcg(results)) blocks.push({ kind: 'para', strong: true, text: TCG_NOTE });
  if (!results.complete)
    blocks.push({
      kind: 'para',
      strong: true,
      text:
        `INCOMPLETE RUN: the plan did not finish (${results.samples.length} runs saved). Figures are from the ` +
        `finished runs only.`,
    });
  blocks.push({ kind: 'heading', level: 2, text: 'Verdict' });
  const verdicts = distinctVerdicts(results);
  for (const { prefix, layers } of verdicts) {
    blocks.push({ kind: 'para', strong: true, text: `${prefix}${layers.headline}` });
    if (layers.bullets.length) blocks.push({ kind: 'list', items: layers.bullets });
  }
  const only = results.summary.cases.length === 1 ? results.summary.cases[0] : undefined;
  if (only && results.summary.baseline) blocks.push(speedupBars(results, only.caseId));
  if (chartsSkipped) {
    const text = chartsSkippedText(chartsSkipped, 'npm run report');
    blocks.push({ kind: 'para', strong: true, text });
  }
  blocks.push(...choiceBlocks(results));
  for (const c of results.summary.cases) blocks.push(...caseBlocks(results, c.caseId, chartsSkipped === null));
  blocks.push({ kind: 'heading', level: 2, text: 'Verdict in detail' });
  for (const { prefix, layers } of verdicts)
    blocks.push({ kind: 'list', items: layers.details.map((d) => `${prefix}${d}`) });
  blocks.push(...flushBlocks(results));
  blocks.push(...durabilityBlocks(results));
  blocks.push(...memoryBlocks(results));
  blocks.push(...factBlocks(results));
  blocks.push(...methodBlocks(results));
  blocks.push({ kind: 'heading', level: 2, text: 'Not measured' });
  blocks.push(
    results.notMeasured.length
      ? { kind: 'list', items: results.notMeasured.map(notMeasuredText) }
      : { kind: 'para', text: 'Everything the report shows was measured in this run.' },
  );
  if (results.warnings.length) {
    blocks.push({ kind: 'heading', level: 2, text: 'Warnings' });
    blocks.push({ kind: 'list', items: warningTexts(results) });
  }
  return { title, blocks };
}

/** Each case's verdict in layers, once when the cases agree, prefixed with the case when they do not. */
export function distinctVerdicts(results: Results): { prefix: string; layers: VerdictLayers }[] {
  const all = results.verdicts.map((v) => ({ caseId: v.caseId, layers: verdictLayers(results, v) }));
  const key = (layers: VerdictLayers) => JSON.stringify(layers);
  const same = all.every((v) => key(v.layers) === key(all[0]?.layers as VerdictLayers));
  return (same ? all.slice(0, 1) : all).map((v) => ({
    prefix: results.cases.length > 1 && !same ? `[${v.caseId}] ` : '',
    layers: v.layers,
  }));
}

/** The speedup chart as text bars, the 2019 figure as the last bar. */
function speedupBars(results: Results, caseId: string): Block {
  const baseline = results.summary.baseline;
  const modes = measuredModes(results.summary, caseId);
  const rows = modes.map((m) => ({
    label: m.mode,
    value: m.mode === baseline ? 1 : (m.speedup?.ratio ?? 0),
    text: m.mode === baseline ? '1x (baseline)' : ratioWithCi(m.speedup),
  }));
  const ref = {
    label: `2019 (bug ${REFERENCE_2019.bug})`,
    value: REFERENCE_2019.ratio,
    text: `${REFERENCE_2019.ratio.toFixed(1)}x`,
  };
  return { kind: 'bars', title: `Speedup vs ${baseline} (95% interval), higher is faster`, rows: [...rows, ref] };
}

/** Median wall time per mode as text bars, with time to durable beside it. */
function timeBars(results: Results, caseId: string): Block {
  const rows = measuredModes(results.summary, caseId).map((m) => ({
    label: m.mode,
    value: m.real?.median ?? 0,
    text: `${med(m.real)} (range ${range(m.real)}; durable ${med(m.durable)})`,
  }));
  return { kind: 'bars', title: 'Conversion time per mode (median wall time), shorter is faster', rows };
}

function caseBlocks(results: Results, caseId: string, charts: boolean): Block[] {
  const summary = results.summary.cases.find((c) => c.caseId === caseId);
  const benchCase = results.cases.find((c) => c.id === caseId);
  if (!summary) return [];
  const baseline = results.summary.baseline;
  const blocks: Block[] = [
    { kind: 'heading', level: 2, text: caseId === 'default' ? 'Results' : `Results: ${caseId}` },
  ];
  if (benchCase && results.cases.length > 1)
    blocks.push({
      kind: 'para',
      text:
        `qemu-img ${benchCase.qemuImgVersion} (${benchCase.qemuImg}), ` +
        `options ${optionArgs(benchCase.options).join(' ') || 'none'}, ` +
        `target ${targetShort(benchCase)}, -O ` +
        `${benchCase.outputFormat}${benchCase.srcCache ? `, -T ${benchCase.srcCache}` : ''}.`,
    });
  const rows = summary.modes.map((m) => summaryRow(m, baseline, true));
  blocks.push({ kind: 'table', head: summaryHead(baseline, true), rows });
  if (measuredModes(results.summary, caseId).length) {
    blocks.push(timeBars(results, caseId));
    if (baseline && results.summary.cases.length > 1) blocks.push(speedupBars(results, caseId));
  }
  const durableRows = summary.modes
    .filter((m) => m.durableSpeedup)
    .map((m) => {
      const speed = fasterOrSlower(m.durableSpeedup as NonNullable<typeof m.durableSpeedup>, ratioWithCi);
      return `${m.mode}: ${speed} to durable than ${baseline}`;
    });
  if (durableRows.length)
    blocks.push({
      kind: 'para',
      text:
        `Time to durable is the conversion plus \`sync -f\` of the output: what it takes until the data is on ` +
        `stable storage. unsafe looks fast at exit but leaves its data dirty in the page cache (the "dirty after ` +
        `exit" column: Dirty + Writeback of /proc/meminfo when qemu-img exits). ${durableRows.join('; ')}.`,
    });
  for (const { key, caption } of charts ? benchCharts(baseline) : []) {
    blocks.push({ kind: 'chart', file: chartFile(caseId, key), caption });
  }
  for (const [metric, name] of [
    ['real', 'Wall time (real)'],
    ['user', 'User CPU time'],
    ['sys', 'System CPU time'],
    ['durable', 'Time to durable'],
  ] as const) {
    blocks.push({ kind: 'heading', level: 3, text: `${name}${caseId === 'default' ? '' : ` [${caseId}]`}` });
    blocks.push({
      kind: 'table',
      head: ['mode', 'median', 'mean ± sd', 'min-max', '95% CI of mean'],
      rows: summary.modes
        .filter((m) => m.state === 'measured')
        .map((m) => [m.mode, med(m[metric]), meanSd(m[metric]), range(m[metric]), ci(m[metric])]),
    });
  }
  return blocks;
}

/** "What to choose here": the fastest durable mode, its margin, and each project's documented choice with its cost. */
function choiceBlocks(results: Results): Block[] {
  if (results.projectRuns.length) return projectRunBlocks(results);
  const blocks: Block[] = [{ kind: 'heading', level: 2, text: 'What to choose here' }];
  const across = results.optionSetChoice;
  if (across) blocks.push({ kind: 'para', text: optionSetText(across) });
  for (const r of results.recommendations) {
    const prefix = results.cases.length > 1 ? `[${r.caseId}] ` : '';
    blocks.push({ kind: 'para', text: `${prefix}${recommendationText(r)}` });
    blocks.push({
      kind: 'table',
      head: ['project', 'rule', 'runs here', 'because', 'cost here', 'measured as'],
      rows: projectRows(r),
    });
  }
  return blocks;
}

/** --as-projects: every project's own command as measured, against the fastest durable command of its target. */
function projectRunBlocks(results: Results): Block[] {
  return [
    { kind: 'heading', level: 2, text: "What to choose here: the projects' own commands, measured" },
    {
      kind: 'para',
      text:
        "Each case ran one project's command line exactly as its rule gives it on this target (projects with the " +
        "same command share a case); time to durable adds `sync -f` of the output, which is also what CDI's fsync " +
        'after writeback costs. Margins are ratios of geometric means of time to durable with 95% Welch intervals.',
    },
    {
      kind: 'table',
      head: [
        'projects',
        'command line',
        'mode',
        'real (median)',
        'time to durable',
        'against the fastest durable',
        'durable at return',
      ],
      rows: projectRunRows(results),
    },
  ];
}

/** Memory-limited runs: per case and mode, the cgroup's peak memory, peak dirty + writeback and OOM kills. */
function memoryBlocks(results: Results): Block[] {
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

/** Where this run's flush counts came from. */
function auditSource(results: Results): string {
  const cached = results.flushAudit.filter((a) => a.fromCache);
  const keys = [...new Set(cached.map((a) => a.cacheKey))].join(', ');
  const counted = results.flushAudit.filter((a) => a.ok && !a.fromCache).length;
  const parts = [];
  if (cached.length) parts.push(`${cached.length} taken from the cache (keys ${keys})`);
  if (counted) parts.push(`${counted} counted`);
  return parts.length ? `In this run: ${parts.join(', ')}.` : '';
}

/** The flush meter's table: per case and mode, measured in the timed runs themselves. */
function meterBlocks(results: Results): Block[] {
  const rows = results.summary.cases.flatMap((c) =>
    c.modes.flatMap((m) => {
      const f = meterMedians(results, c.caseId, m.mode);
      if (!f) return [];
      const seen = f.calls > 0 || f.writeCalls > 0;
      const share = f.real > 0 ? ` (${((100 * f.wait) / f.real).toFixed(0)}% of wall)` : '';
      return [
        [
          ...(results.cases.length > 1 ? [c.caseId] : []),
          m.mode,
          secs(f.real),
          seen ? `${secs(f.wait)}${share}` : 'the meter saw nothing',
          seen ? String(f.calls) : '-',
          f.calls > 0 ? `${f.medianMs.toFixed(3)} / ${f.p99Ms.toFixed(3)} ms` : '-',
          seen ? String(f.writeCalls) : '-',
          seen ? formatBytes(f.unflushed) : '-',
        ],
      ];
    }),
  );
  if (!rows.length) return [];
  return [
    {
      kind: 'para',
      text:
        'Measured in the timed runs (the flush meter, an LD_PRELOAD library loaded into each conversion): the time ' +
        'qemu-img spent inside fsync/fdatasync, how many it made, their latency, its writes, and the bytes no ' +
        'completed flush covered when it exited. Medians over the runs of each mode.',
    },
    {
      kind: 'table',
      head: [
        ...(results.cases.length > 1 ? ['case'] : []),
        'mode',
        'wall (median)',
        'waiting for flushes',
        'flushes',
        'flush latency median / p99',
        'writes',
        'unflushed at exit',
      ],
      rows,
    },
  ];
}

function flushBlocks(results: Results): Block[] {
  const blocks: Block[] = [
    { kind: 'heading', level: 2, text: 'Why the modes differ: flushes' },
    ...meterBlocks(results),
  ];
  if (results.flushAudit.length) {
    blocks.push({
      kind: 'para',
      text:
        'Flush audit: the system calls qemu-img makes on the output file, counted in one untimed conversion per mode ' +
        'under strace -f (or, without strace, the LD_PRELOAD flush counter: flushes only), and cached by what ' +
        `determines them (qemu-img build, image sha256, mode, formats, source cache). ${auditSource(results)}`,
    });
    blocks.push({
      kind: 'table',
      head: ['case', 'mode', 'what the mode does', 'writes', 'fdatasync', 'fsync', 'sync_file_range', 'open flags'],
      rows: results.flushAudit.map((a) => [
        a.caseId,
        a.mode,
        CACHE_MODE_MEANING[a.mode as CacheMode] ?? '',
        a.ok ? String(a.writes) : `- (${auditFailureText(a.failure, a.source)})`,
        num(a.fdatasync),
        num(a.fsync),
        num(a.syncFileRange),
        a.openFlags.join(' ') || '-',
      ]),
    });
  } else blocks.push({ kind: 'para', text: 'No flush audit was made in this run.' });
  if (results.flushProbe.length) {
    blocks.push({
      kind: 'para',
      text: 'Flush latency of the target storage, measured before the runs: write then fdatasync, repeated.',
    });
    blocks.push({
      kind: 'table',
      head: ['target', 'tool', 'qemu-shaped: median', '4 KiB: median', '4 KiB: p99', '2 MiB: median', '2 MiB: p99'],
      rows: results.flushProbe.map((p) => [
        p.targetDir,
        p.tool,
        p.shaped ? `${millis(p.shaped.medianMs)} (${kibText(p.shaped.bytes)})` : 'not measured',
        millis(p.small?.medianMs),
        millis(p.small?.p99Ms),
        millis(p.large?.medianMs),
        millis(p.large?.p99Ms),
      ]),
    });
    blocks.push({
      kind: 'para',
      text:
        "Predicted writethrough penalty = flush count x flush latency (the probe's median fdatasync after writes of " +
        "qemu-img's mean write size, extending a fresh file; the 4 KiB probe when that size is unknown; plus the " +
        'emulated delay if any), beside the measured one (median writethrough - median writeback):',
    });
    const predictions = penaltyPredictions(results);
    blocks.push({
      kind: 'table',
      head: [
        'case',
        'flushes (writethrough)',
        'probe latency per flush',
        'predicted extra',
        'measured extra',
        'predicted / measured',
        'measured cost per flush',
      ],
      rows: penaltyRows(predictions),
    });
    const missed = unexplained(predictions);
    if (missed.length) blocks.push({ kind: 'list', items: missed });
  }
  return blocks;
}

function penaltyRows(predictions: readonly PenaltyPrediction[]): string[][] {
  return predictions.map((p) => [
    p.caseId,
    p.flushes === null ? 'not measured' : String(p.flushes),
    p.latencyMs === null ? 'not measured' : `${p.latencyMs.toFixed(3)} ms (${kibText(p.probeBytes)} writes)`,
    secs(p.predictedSeconds),
    secs(p.measuredSeconds),
    p.ratio === null ? '-' : p.ratio.toFixed(2),
    p.measuredPerFlushMs === null ? '-' : `${p.measuredPerFlushMs.toFixed(3)} ms`,
  ]);
}

/** Where the probe does not explain the measured penalty, a sentence per case saying so. */
function unexplained(predictions: readonly PenaltyPrediction[]): string[] {
  return predictions
    .filter((p) => p.explained === false)
    .map((p) => {
      const figures =
        `${p.caseId}: the probe predicted ${secs(p.predictedSeconds)} but writethrough measured ` +
        `${secs(p.measuredSeconds)} more than writeback (${p.measuredPerFlushMs?.toFixed(3)} ms per flush measured ` +
        `against the probe's ${p.latencyMs?.toFixed(3)} ms): the probe does not explain the difference`;
      const beyond =
        '; the rest is what writethrough costs beyond the flush itself on this host (e.g. qemu-img waiting on ' +
        'each flush instead of overlapping reads and writes)';
      return `${figures}${(p.ratio ?? 1) < 1 ? beyond : ''}.`;
    });
}

function hostRows(results: Results): string[][] {
  const h = results.host;
  const vm = h.virtualMachine ? ', virtual machine' : '';
  return [
    ['host', `${h.hostname} (${h.distro ?? h.os}, kernel ${h.kernel}${vm})`],
    ['CPU', `${h.cpuModel} x ${h.cpuCount}`],
    ['memory', formatBytes(h.memoryBytes)],
    ['privileges', h.root ? 'root (page cache dropped with /proc/sys/vm/drop_caches)' : 'not root'],
  ];
}

function caseRows(c: RunCase, prefix: string): string[][] {
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
function blockResetText(results: Results): string {
  const kinds = new Set(results.cases.map((c) => c.targetKind));
  const loop = kinds.has('loop')
    ? ' On a loop-device target the loop file is emptied instead (it reads as zeros).'
    : '';
  const device = kinds.has('device') ? ' A --target-device is not reset: every run overwrites it.' : '';
  return loop + device;
}

/** A case's target in a few words. */
function targetShort(c: RunCase): string {
  const fs = c.storage.fsType ?? '?';
  if (c.targetKind === 'loop') return `loop device ${c.device?.path ?? '?'} over a file in ${c.targetDir} (${fs})`;
  if (c.targetKind === 'device') return `block device ${c.targetDir}`;
  return `${c.targetDir} (${fs})`;
}

/** What a case wrote to: a directory's file system, a loop device over a file in one, or a block device. */
function targetText(c: RunCase): string {
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

function imageRows(results: Results): string[][] {
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

function factBlocks(results: Results): Block[] {
  const prefix = (c: RunCase) => (results.cases.length > 1 ? `[${c.id}] ` : '');
  const rows = [...hostRows(results), ...results.cases.flatMap((c) => caseRows(c, prefix(c))), ...imageRows(results)];
  return [
    { kind: 'heading', level: 2, text: 'Host, storage and image' },
    { kind: 'table', head: ['fact', 'value'], rows },
  ];
}

function methodBlocks(results: Results): Block[] {
  const drops = [...new Set(results.samples.map((s) => s.cacheDrop))];
  const dropText =
    drops.length === 0
      ? 'no runs yet'
      : drops
          .map((d) =>
            d === 'drop_caches'
              ? 'sync; echo 3 > /proc/sys/vm/drop_caches'
              : d === 'fadvise'
                ? 'source evicted with posix_fadvise(DONTNEED) (dd iflag=nocache)'
                : 'not dropped',
          )
          .join(', ');
  const firstCase = results.cases[0];
  const img = results.image.path;
  const block = firstCase !== undefined && firstCase.targetKind !== 'dir';
  const out = block ? '/dev/TARGET' : `/path/on/target/out.${firstCase?.outputFormat ?? 'raw'}`;
  const commands = results.config.modes.map((mode) => {
    const line = convertCommandLine(firstCase?.qemuImg ?? 'qemu-img', {
      mode,
      srcCache: firstCase?.srcCache ?? null,
      srcFormat: results.image.format,
      outFormat: firstCase?.outputFormat ?? 'raw',
      src: img,
      dst: out,
      options: firstCase?.options ?? DEFAULT_CONVERT_OPTIONS,
    });
    const create = firstCase?.options.targetIsZero
      ? `; qemu-img create -q -f ${firstCase.outputFormat} ${out} ${results.image.virtualSize}`
      : '';
    if (block) return `sync; echo 3 > /proc/sys/vm/drop_caches\ntime ${line}\ntime sync ${out}`;
    return `rm -f ${out}${create}; sync; echo 3 > /proc/sys/vm/drop_caches\ntime ${line}\ntime sync -f ${out}`;
  });
  const emulate = results.config.emulateFlushLatencyMs;
  return [
    { kind: 'heading', level: 2, text: 'Method' },
    {
      kind: 'list',
      items: [
        runsText(results),
        `Before each run: the previous output is removed and the page cache emptied (${dropText}). ` +
          'Each run writes a fresh file the harness owns in its own work folder on the target.' +
          blockResetText(results),
        'real: wall time of the qemu-img process alone (monotonic clock, set-up excluded). user and sys: ' +
          "the kernel's accounting of the reaped child (cutime/cstime, 10 ms resolution).",
        'time to durable: real plus the time of `sync -f` on the output right after qemu-img exits (on a ' +
          'block-device target `sync DEVICE`, an fsync of the device).',
        `Statistics: median, mean, sd, min, max and the 95% CI of the mean (t); speedups and margins are the ` +
          `${RATIO_METHOD}: a difference is called clear exactly when its 95% interval excludes 1 (Welch p < 0.05); ` +
          'no interval with fewer than 2 runs of a mode, or when the runs do not vary. Sampling to a precision ' +
          'judges the 99% interval, so the 95% intervals reported stay honest when sampling stops early. Outliers: ' +
          `modified z-score above 3.5 (the mean absolute deviation standing in for a MAD of 0), only from ` +
          `${MIN_RUNS_FOR_OUTLIERS} runs.`,
        emulate !== null
          ? `Flush latency emulated: ${emulate} ms added before every fsync/fdatasync by an LD_PRELOAD interposer ` +
            '(scripts/flush-delay.c); reads and writes untouched.'
          : "No flush latency was emulated: these are the host's native figures.",
      ],
    },
    { kind: 'heading', level: 3, text: "Projects' rules and where they were read" },
    {
      kind: 'list',
      items: PROJECT_RULES.map((r) => `${r.name}: ${r.rule}. Why: ${r.reason}. Source: ${sourceText(r.id)}.`),
    },
    { kind: 'heading', level: 3, text: 'Repeat one run by hand' },
    { kind: 'code', text: commands.join('\n\n') },
    { kind: 'heading', level: 3, text: 'Repeat the whole bench' },
    { kind: 'code', text: rerunCommand(results) },
  ];
}

/** How many runs each mode got and why sampling stopped. */
function runsText(results: Results): string {
  const c = results.config;
  const warmup = c.warmup ? ` after ${c.warmup} warm-up round(s) kept out of the statistics` : ', no warm-up';
  const order = `every round runs each mode once, in an order shuffled from seed ${c.seed}, so drift hits all modes`;
  const rounds = results.sampling?.rounds ?? c.runs;
  const reason = samplingText(results);
  const why = reason ? ` Sampling stopped: ${reason}.` : '';
  return `${rounds} measured run(s) per mode${warmup}; ${order} alike.${why}`;
}

/** The command that repeats the whole bench with this run's configuration (generated from the flag table). */
function rerunCommand(results: Results): string {
  return ['npm run bench --', ...rerunArguments(results.config).map(shellQuote)].join(' ');
}

function num(value: number | null): string {
  return value === null ? '-' : String(value);
}
