// The bench report's content as a document (headings, paragraphs, tables, charts), built once from results (pure):
// the verdict, the choice and each case here; the flush, facts and method sections in their own modules.
import { measuredModes } from '../analyze/summary.ts';
import { emulationLabel } from '../model/emulation.ts';
import { optionArgs } from '../model/qemu-img-command.ts';
import { REFERENCE_2019 } from '../model/reference.ts';
import type { Results } from '../model/results.ts';
import { ci, fasterOrSlower, meanSd, med, range, ratioWithCi } from '../model/units.ts';
import { caseDifferenceHeadlines } from './case-difference-text.ts';
import { chartsSkippedText } from './charts/canvas.ts';
import { benchCharts, chartFile } from './charts/chart-names.ts';
import { groupedProjectRows, optionSetText, projectRows, projectRunRows, recommendationText } from './choice-text.ts';
import type { Block, ReportDocument } from './document-model.ts';
import { durabilityBlocks } from './durability-text.ts';
import { factBlocks, memoryBlocks, targetShort } from './facts-section.ts';
import { notMeasuredText, warningTexts } from './finding-text.ts';
import { flushBlocks } from './flush-section.ts';
import { methodBlocks } from './method-section.ts';
import { measuredUnderTcg, TCG_NOTE } from './storage-text.ts';
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
  for (const text of caseDifferenceHeadlines(results)) blocks.push({ kind: 'para', strong: true, text });
  const only = results.summary.cases.length === 1 ? results.summary.cases[0] : undefined;
  if (only && results.summary.baseline) blocks.push(speedupBars(results, only.caseId));
  if (chartsSkipped) {
    const text = chartsSkippedText(chartsSkipped, 'npm run report');
    blocks.push({ kind: 'para', strong: true, text });
  }
  blocks.push(...choiceBlocks(results));
  for (const c of results.summary.cases) blocks.push(...caseBlocks(results, c.caseId, chartsSkipped === null));
  blocks.push(...flushBlocks(results));
  blocks.push(...durabilityBlocks(results));
  blocks.push(...memoryBlocks(results));
  if (results.warnings.length) {
    blocks.push({ kind: 'heading', level: 2, text: 'Warnings' });
    blocks.push({ kind: 'list', items: warningTexts(results) });
  }
  blocks.push(...appendixBlocks(results, verdicts));
  return { title, blocks };
}

/** The heading that separates the report from its appendix: a reader may stop above it. */
export const APPENDIX_HEADING = 'Appendix: details, facts and method';

/** Below the line: the verdict's reasoning, every statistic, each project's rule here, facts, method, not measured. */
function appendixBlocks(results: Results, verdicts: { prefix: string; layers: VerdictLayers }[]): Block[] {
  const blocks: Block[] = [
    { kind: 'heading', level: 2, text: APPENDIX_HEADING },
    { kind: 'heading', level: 2, text: 'Verdict in detail' },
  ];
  for (const { prefix, layers } of verdicts)
    blocks.push({ kind: 'list', items: layers.details.map((d) => `${prefix}${d}`) });
  for (const r of results.projectRuns.length ? [] : results.recommendations) {
    const which = results.cases.length > 1 ? ` [${r.caseId}]` : '';
    blocks.push({ kind: 'heading', level: 3, text: `Each project's rule on this target${which}` });
    blocks.push({ kind: 'table', head: ['project', 'runs here', 'because', 'measured as'], rows: projectRows(r) });
  }
  for (const c of results.summary.cases) blocks.push(...statBlocks(results, c.caseId));
  blocks.push(...factBlocks(results));
  blocks.push(...methodBlocks(results));
  blocks.push({ kind: 'heading', level: 2, text: 'Not measured' });
  blocks.push(
    results.notMeasured.length
      ? { kind: 'list', items: results.notMeasured.map(notMeasuredText) }
      : { kind: 'para', text: 'Everything the report shows was measured in this run.' },
  );
  return blocks;
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
  return blocks;
}

/** Median, mean, spread and the CI of the mean of each time per mode (the appendix). */
function statBlocks(results: Results, caseId: string): Block[] {
  const summary = results.summary.cases.find((c) => c.caseId === caseId);
  if (!summary) return [];
  const blocks: Block[] = [];
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
      head: ['runs here', 'projects', 'time to durable against the fastest durable mode', 'durable at return'],
      rows: groupedProjectRows(r),
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
