// The bench run's four charts, as chart.js configurations built from the results (pure) and rendered to PNG.
import type { ChartConfiguration } from 'chart.js';
import { emulationLabel } from '../../model/emulation.ts';
import { REFERENCE_2019, REFERENCE_LINE_LABEL } from '../../model/reference.ts';
import type { ModeSummary, Results } from '../../model/results.ts';
import { intervalPair } from '../../model/units.ts';
import type { OutputFile } from '../file-writer.ts';
import { baseOptions, modeColour, referenceLine, renderPng, whiskers } from './canvas.ts';
import { benchCharts, chartFile } from './chart-names.ts';

/** The title suffix every chart of a run carries: host, and the emulation label when there is one. */
export function chartSubject(results: Results, caseId: string): string {
  const host = results.host.hostname;
  const label = emulationLabel(results.config.emulateFlushLatencyMs, results.config.emulatePreset);
  return `${host}${caseId === 'default' ? '' : ` [${caseId}]`}${label ? ` - ${label}` : ''}`;
}

function measured(results: Results, caseId: string): ModeSummary[] {
  return results.summary.cases.find((c) => c.caseId === caseId)?.modes.filter((m) => m.state === 'measured') ?? [];
}

/** Real time per mode: median bars, min-max whiskers, every run as a dot. */
export function realChart(results: Results, caseId: string): ChartConfiguration {
  const modes = measured(results, caseId);
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
      { legend: false, subtitle: `bars: median of ${counts} runs; whiskers: min-max; dots: each run` },
    ),
    plugins: [whiskers({ 0: modes.map((m) => (m.real ? [m.real.min, m.real.max] : null)) })],
  };
}

/** user, sys and waiting stacked per mode. */
export function breakdownChart(results: Results, caseId: string): ChartConfiguration {
  const modes = measured(results, caseId);
  const part = (label: string, colour: string, f: (m: ModeSummary) => number) => ({
    label,
    data: modes.map(f),
    backgroundColor: colour,
    stack: 'time',
  });
  return {
    type: 'bar',
    data: {
      labels: modes.map((m) => m.mode),
      datasets: [
        part('user CPU', '#0072B2', (m) => m.user?.median ?? 0),
        part('sys CPU', '#56B4E9', (m) => m.sys?.median ?? 0),
        part('waiting (real - user - sys): I/O and flushes', '#D55E00', (m) => m.wait?.median ?? 0),
      ],
    },
    options: baseOptions(
      `Where the time goes (medians) - ${chartSubject(results, caseId)}`,
      'target cache mode (-t)',
      'time (s)',
      {
        stacked: true,
        subtitle: 'median of each part; qemu-img uses several threads, so user + sys can exceed the wall time',
      },
    ),
  };
}

/** Speedup vs baseline with CI whiskers and the 2019 reference line. */
export function speedupChart(results: Results, caseId: string): ChartConfiguration {
  const modes = measured(results, caseId);
  const baseline = results.summary.baseline;
  const ref = REFERENCE_2019.ratio;
  const top = Math.max(ref * 1.15, ...modes.map((m) => m.speedup?.ciHigh ?? m.speedup?.ratio ?? 1));
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
      },
    ),
    plugins: [
      whiskers({ 0: modes.map((m) => intervalPair(m.speedup)) }),
      referenceLine(ref, REFERENCE_LINE_LABEL),
      referenceLine(1, '', '#999999'),
    ],
  };
}

/** Convert time beside time to durable per mode. */
export function durableChart(results: Results, caseId: string): ChartConfiguration {
  const modes = measured(results, caseId);
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
    if (measured(results, c.caseId).length === 0) continue;
    for (const { key } of benchCharts(results.summary.baseline))
      files.push({ name: chartFile(c.caseId, key), data: await renderPng(BUILDERS[key](results, c.caseId)) });
  }
  return files;
}
