// The flush sweep's report: the speedup-vs-latency chart and a document (rendered by the markdown and text renderers).
import type { ChartConfiguration } from 'chart.js';
import { REFERENCE_2019, REFERENCE_LINE_LABEL } from '../model/reference.ts';
import type { SweepReason, SweepResults } from '../model/results.ts';
import { intervalPair, ratioWithCi, secs, times } from '../model/units.ts';
import { baseOptions, chartsSkippedText, drawOptional, referenceLine, renderPng, whiskers } from './charts/canvas.ts';
import type { ReportDocument } from './document-model.ts';
import type { OutputFile } from './file-writer.ts';
import { renderMarkdown } from './markdown.ts';
import { hostKindText, imageWords } from './storage-text.ts';
import { renderText } from './text.ts';

/** Speedup of writeback over writethrough per emulated latency, CI whiskers, the prediction and the 2019 figure. */
export function sweepChart(sweep: SweepResults): ChartConfiguration {
  const points = sweep.points.filter((p) => p.state === 'measured');
  const ref = REFERENCE_2019.ratio;
  const top = Math.max(
    ref * 1.15,
    ...points.map((p) => p.speedup?.ciHigh ?? 0),
    ...points.map((p) => p.predicted ?? 0),
  );
  return {
    type: 'bar',
    data: {
      labels: points.map((p) => `${p.latencyMs} ms`),
      datasets: [
        {
          type: 'bar',
          label: 'measured speedup (writethrough / writeback, ratio of geometric means)',
          data: points.map((p) => p.speedup?.ratio ?? 0),
          backgroundColor: '#0072B2cc',
          borderColor: '#0072B2',
          borderWidth: 2,
        },
        {
          type: 'line',
          label: 'predicted from the 0 ms point: (writethrough + flushes x latency) / (writeback + latency)',
          data: points.map((p) => p.predicted),
          borderColor: '#D55E00',
          backgroundColor: '#D55E00',
          borderDash: [6, 4],
          pointRadius: 5,
        },
      ],
    },
    options: baseOptions(
      `EMULATED FLUSH LATENCY sweep: writeback vs writethrough speedup - ${sweep.host?.hostname ?? 'host'}`,
      'flush latency added to every fsync/fdatasync (LD_PRELOAD interposer; 0 ms = native)',
      'speedup (x)',
      {
        yMax: top,
        subtitle:
          `${sweep.flushes ?? '?'} flushes per writethrough conversion; ${sweep.runs} runs per mode and ` +
          `point; whiskers: 95% Welch t interval on log times`,
      },
    ),
    plugins: [whiskers({ 0: points.map((p) => intervalPair(p.speedup)) }), referenceLine(ref, REFERENCE_LINE_LABEL)],
  };
}

/** Where the sweep ran: host kind and the image ("2-vCPU VM; built-in 4 GiB image"). */
function sweepWhere(sweep: SweepResults): string {
  const host = sweep.host ? hostKindText(sweep.host) : 'host not recorded';
  if (!sweep.image) return host;
  const builtin = sweep.image.origin === 'default' ? sweep.image.virtualSize : null;
  return `${host}; ${imageWords(builtin, sweep.image.path.split('/').pop() ?? sweep.image.path)}`;
}

/** The sweep report document. */
export function sweepDocument(sweep: SweepResults): ReportDocument {
  const measured = sweep.points.filter((p) => p.state === 'measured');
  const reaching = measured.find((p) => (p.speedup?.ratio ?? 0) >= 10);
  const native =
    sweep.nativeFlushMs !== null
      ? `This host's own storage flushes in ${sweep.nativeFlushMs.toFixed(3)} ms (median, 4 KiB). `
      : '';
  return {
    title: `EMULATED FLUSH LATENCY sweep on ${sweep.host?.hostname ?? 'host'}, ${sweep.startedAt.slice(0, 10)}`,
    blocks: [
      {
        kind: 'para',
        strong: true,
        text:
          'EMULATED FLUSH LATENCY: apart from the 0 ms point, every flush qemu-img made was delayed by the given ' +
          "latency through an LD_PRELOAD interposer, to show how the writethrough penalty grows with the storage's " +
          'flush latency. These are not native figures of this host.',
      },
      {
        kind: 'para',
        text:
          `writethrough flushes after every write (${sweep.flushes ?? 'an unmeasured number of'} flushes for ` +
          `this image), writeback once at the end, so writethrough's time grows by flushes x latency. ` +
          native +
          (reaching
            ? `The speedup reaches ${times(reaching.speedup?.ratio)} at ${reaching.latencyMs} ms per flush ` +
              `here (${sweepWhere(sweep)}).`
            : `No measured point reached 10x here (${sweepWhere(sweep)}).`),
      },
      {
        kind: 'chart',
        file: 'sweep.png',
        caption: 'Speedup of writeback over writethrough against the emulated flush latency',
      },
      {
        kind: 'table',
        head: [
          'latency',
          'state',
          'writethrough (median)',
          'writeback (median)',
          'speedup (95% CI)',
          'predicted',
          'took',
          'note',
        ],
        rows: sweep.points.map((p) => [
          `${p.latencyMs} ms`,
          p.state,
          secs(p.writethrough?.median),
          secs(p.writeback?.median),
          ratioWithCi(p.speedup),
          times(p.predicted),
          p.elapsedSeconds === null ? '-' : `${p.elapsedSeconds} s`,
          p.reason ? sweepReasonText(p.reason, p.latencyMs) : p.dir ? `details: ${p.dir}/report.md` : '',
        ]),
      },
      {
        kind: 'list',
        items: [
          `time budget: ${sweep.budgetSeconds} s; points that would not fit it were skipped, each with its estimate`,
          `image: ${sweep.image?.path ?? '?'} (sha256 ${(sweep.image?.sha256 ?? '?').slice(0, 16)}...)`,
          'each point is a full bench run with its own results.json and report in its folder',
        ],
      },
    ],
  };
}

/** Why a point was skipped or failed, in words. */
export function sweepReasonText(r: SweepReason, latencyMs: number): string {
  if (r.code === 'failed') return r.error;
  const why = `${r.flushes} flushes x ${latencyMs} ms x ${r.runs} runs`;
  return `estimated ${r.estimatedSeconds} s (${why}) would not fit the ${r.leftSeconds} s left of the ${r.budgetSeconds} s budget`;
}

/** sweep.json's text (also saved after every point). */
export function renderSweepJson(sweep: SweepResults): string {
  return `${JSON.stringify(sweep, null, 2)}\n`;
}

/** sweep.json, sweep.md, sweep.txt and sweep.png (the chart left out, saying why, where it cannot be drawn). */
export async function renderSweep(
  sweep: SweepResults,
  draw: (configuration: ChartConfiguration) => Promise<Buffer> = renderPng,
): Promise<OutputFile[]> {
  const measured = sweep.points.some((p) => p.state === 'measured');
  const { charts, skipped } = await drawOptional(async () =>
    measured ? [{ name: 'sweep.png', data: await draw(sweepChart(sweep)) }] : [],
  );
  const doc = sweepDocument(sweep);
  if (skipped) doc.blocks.unshift({ kind: 'para', strong: true, text: chartsSkippedText(skipped, 'npm run report') });
  return [
    { name: 'sweep.json', data: renderSweepJson(sweep) },
    { name: 'sweep.md', data: renderMarkdown(doc) },
    { name: 'sweep.txt', data: renderText(doc) },
    ...charts,
  ];
}

/** Names the sweep owns in its folder. */
export const SWEEP_FILES = ['sweep.json', 'sweep.md', 'sweep.txt', 'sweep.png'];
