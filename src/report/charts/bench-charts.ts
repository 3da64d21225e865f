// The bench run's four charts, as chart.js configurations built from the results (pure) and rendered to PNG.
import type { ChartConfiguration } from 'chart.js';
import { measuredModes } from '../../analyze/summary.ts';
import { emulationLabel } from '../../model/emulation.ts';
import { REFERENCE_2019, REFERENCE_LINE_LABEL } from '../../model/reference.ts';
import type { ModeSummary, Results } from '../../model/results.ts';
import { formatBytes, intervalPair, times } from '../../model/units.ts';
import type { OutputFile } from '../file-writer.ts';
import { barLabels, baseOptions, modeColour, referenceLine, renderPng, whiskers } from './canvas.ts';
import { benchCharts, chartFile } from './chart-names.ts';

/** The title suffix every chart of a run carries: host, and the emulation label when there is one. */
export function chartSubject(results: Results, caseId: string): string {
  const host = results.host.hostname;
  const label = emulationLabel(results.config.emulateFlushLatencyMs, results.config.emulatePreset);
  return `${host}${caseId === 'default' ? '' : ` [${caseId}]`}${label ? ` - ${label}` : ''}`;
}

/** The image and target storage of a case, e.g. "4 GiB qcow2 image -> raw on ext4 (/dev/vda1)". */
export function chartContext(results: Results, caseId: string): string {
  const c = results.cases.find((x) => x.id === caseId);
  const image = `${formatBytes(results.image.virtualSize)} ${results.image.format} image`;
  const storage = c ? `${c.storage.fsType ?? '?'}${c.storage.source ? ` (${c.storage.source})` : ''}` : '?';
  const target = c?.targetKind === 'dir' || !c ? storage : `${c.device?.path ?? c.targetDir} over ${storage}`;
  return `${image} -> ${c?.outputFormat ?? 'raw'} on ${target}`;
}

/** Real time per mode: median bars, min-max whiskers, every run as a dot. */
export function realChart(results: Results, caseId: string): ChartConfiguration {
  const modes = measuredModes(results.summary, caseId);
  const labels = modes.map((m) => m.mode);
  const ok = results.samples.filter((s) => s.caseId === caseId && s.state === 'ok' && !s.warmup);
  const runs = [...new Set(ok.map((s) => s.run))].sort((a, b) => a - b);
  // One point series per run number, each value in its mode's category: every run a dot above its mode's bar.
  const dots = runs.map((run) => ({
    type: 'line' as const,
    label: `run ${run}`,
    data: labels.map((mode) => ok.find((s) => s.mode === mode && s.run === run)?.real ?? null),
    showLine: false,
    backgroundColor: '#111111',
    borderColor: '#111111',
    pointRadius: 5,
  }));
  const counts = [...new Set(modes.map((m) => m.runs))].join(' or ');
  return {
    type: 'bar',
    data: {
      labels,
      datasets: [
        {
          type: 'bar',
          label: 'median',
          data: modes.map((m) => m.real?.median ?? 0),
          backgroundColor: modes.map((m) => `${modeColour(m.mode)}cc`),
          borderColor: modes.map((m) => modeColour(m.mode)),
          borderWidth: 2,
        },
        ...dots,
      ],
    },
    options: baseOptions(
      `qemu-img convert time by target cache mode - ${chartSubject(results, caseId)}`,
      'target cache mode (-t)',
      'wall time of qemu-img (s)',
      {
        legend: false,
        subtitle: `bars: median of ${counts} runs; whiskers: min-max; dots: each run`,
        context: chartContext(results, caseId),
      },
    ),
    plugins: [whiskers({ 0: modes.map((m) => (m.real ? [m.real.min, m.real.max] : null)) })],
  };
}

/** Wall time beside CPU time (user + sys stacked) per mode: CPU time can exceed wall time, qemu-img has threads. */
export function breakdownChart(results: Results, caseId: string): ChartConfiguration {
  const modes = measuredModes(results.summary, caseId);
  const bar = (label: string, colour: string, stack: string, f: (m: ModeSummary) => number) => ({
    label,
    data: modes.map(f),
    backgroundColor: colour,
    stack,
  });
  return {
    type: 'bar',
    data: {
      labels: modes.map((m) => m.mode),
      datasets: [
        bar('wall time (real)', '#555555', 'wall', (m) => m.real?.median ?? 0),
        bar('user CPU', '#0072B2', 'cpu', (m) => m.user?.median ?? 0),
        bar('sys CPU', '#56B4E9', 'cpu', (m) => m.sys?.median ?? 0),
      ],
    },
    options: baseOptions(
      `Wall time beside CPU time (medians) - ${chartSubject(results, caseId)}`,
      'target cache mode (-t)',
      'time (s)',
      {
        stacked: true,
        subtitle: 'left: wall time; right: user + sys CPU time, which can exceed wall time (qemu-img has threads)',
        context: chartContext(results, caseId),
      },
    ),
  };
}

/** Speedup vs baseline with CI whiskers and the 2019 reference line. */
export function speedupChart(results: Results, caseId: string): ChartConfiguration {
  const modes = measuredModes(results.summary, caseId);
  const baseline = results.summary.baseline;
  const ref = REFERENCE_2019.ratio;
  // The axis fits the measured bars and whiskers (with room for their labels), not the 14x reference: where 14x is
  // above it, the reference line's label says so at the top.
  const highest = Math.max(1, ...modes.map((m) => m.speedup?.ciHigh ?? m.speedup?.ratio ?? 1));
  const top = ref <= highest * 1.3 ? Math.max(ref, highest) * 1.15 : highest * 1.25;
  const value = (m: (typeof modes)[number]) => (m.mode === baseline ? '1x' : m.speedup ? times(m.speedup.ratio) : '');
  return {
    type: 'bar',
    data: {
      labels: modes.map((m) => m.mode),
      datasets: [
        {
          label: `speedup vs ${baseline} (${baseline} time / mode time, ratio of geometric means)`,
          data: modes.map((m) => (m.mode === baseline ? 1 : (m.speedup?.ratio ?? 0))),
          backgroundColor: modes.map((m) => `${modeColour(m.mode)}cc`),
          borderColor: modes.map((m) => modeColour(m.mode)),
          borderWidth: 2,
        },
      ],
    },
    options: baseOptions(
      `Speedup vs ${baseline} (95% interval) - ${chartSubject(results, caseId)}`,
      'target cache mode (-t)',
      `speedup (x, ${baseline} = 1)`,
      {
        yMax: top,
        legend: false,
        subtitle: `ratio of geometric means; whiskers: 95% Welch t interval on log times; grey line: no change`,
        context: chartContext(results, caseId),
      },
    ),
    plugins: [
      whiskers({ 0: modes.map((m) => intervalPair(m.speedup)) }),
      barLabels(
        modes.map(value),
        modes.map((m) => m.speedup?.ciHigh ?? null),
      ),
      referenceLine(ref, REFERENCE_LINE_LABEL),
      referenceLine(1, '', '#999999'),
    ],
  };
}

/** Convert time beside time to durable per mode. */
export function durableChart(results: Results, caseId: string): ChartConfiguration {
  const modes = measuredModes(results.summary, caseId);
  return {
    type: 'bar',
    data: {
      labels: modes.map((m) => m.mode),
      datasets: [
        { label: 'convert (qemu-img exits)', data: modes.map((m) => m.real?.median ?? 0), backgroundColor: '#0072B2' },
        {
          label: 'time to durable (convert + sync of the output)',
          data: modes.map((m) => m.durable?.median ?? 0),
          backgroundColor: '#E69F00',
        },
      ],
    },
    options: baseOptions(
      `Convert time vs time to durable (medians) - ${chartSubject(results, caseId)}`,
      'target cache mode (-t)',
      'time (s)',
      { context: chartContext(results, caseId) },
    ),
  };
}

const BUILDERS = { real: realChart, breakdown: breakdownChart, speedup: speedupChart, durable: durableChart } as const;

const rendered = new WeakMap<Results, Promise<OutputFile[]>>();

/** Renders every chart of every case with measured modes; the charts and HTML renderers share one rendering. */
export function renderBenchCharts(results: Results): Promise<OutputFile[]> {
  const cached = rendered.get(results);
  if (cached) return cached;
  const files = drawBenchCharts(results);
  rendered.set(results, files);
  return files;
}

async function drawBenchCharts(results: Results): Promise<OutputFile[]> {
  const files: OutputFile[] = [];
  for (const c of results.summary.cases) {
    if (measuredModes(results.summary, c.caseId).length === 0) continue;
    for (const { key } of benchCharts(results.summary.baseline))
      files.push({ name: chartFile(c.caseId, key), data: await renderPng(BUILDERS[key](results, c.caseId)) });
  }
  return files;
}
