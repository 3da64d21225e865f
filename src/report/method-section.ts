// The report's method appendix: how runs were sampled and timed, the statistics, and the command that reruns it (pure).
import { describe, MIN_RUNS_FOR_OUTLIERS, RATIO_METHOD } from '../analyze/stats.ts';
import { rerunArguments } from '../model/flags.ts';
import { PROJECT_RULES } from '../model/project-rules.ts';
import { convertCommandLine, DEFAULT_CONVERT_OPTIONS, shellQuote } from '../model/qemu-img-command.ts';
import { DISCARD_QUIET_MS, DISCARD_WAIT_LIMIT_SECONDS, type Results } from '../model/results.ts';
import { sourceText } from './choice-text.ts';
import type { Block } from './document-model.ts';
import { blockResetText } from './facts-section.ts';
import { runCountText, samplingText } from './finding-text.ts';

export function methodBlocks(results: Results): Block[] {
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
          blockResetText(results) +
          discardWaitText(results),
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

/**
 * The wait for a removal's discards before the runs that had one (a target whose file system discards after the
 * commit), as a sentence with a leading space, or '' when no run waited.
 */
export function discardWaitText(results: Results): string {
  const waits = results.samples.flatMap((s) => (s.discardWait ? [s.discardWait] : []));
  if (!waits.length) return '';
  const stat = describe(waits.map((w) => w.seconds));
  const unsettled = waits.filter((w) => !w.settled).length;
  const runs = `${waits.length} run${waits.length > 1 ? 's' : ''}`;
  return (
    " The target's file system discards a removed file's blocks after the commit (mounted with discard), so before " +
    `${runs} the harness also waited until no discard had completed for ${DISCARD_QUIET_MS} ms: median ` +
    `${(stat?.median ?? 0).toFixed(2)} s, longest ${(stat?.max ?? 0).toFixed(2)} s` +
    (unsettled
      ? `; ${unsettled} ended at the ${DISCARD_WAIT_LIMIT_SECONDS} s limit with discards still completing.`
      : '.')
  );
}

/** How many runs each mode got and why sampling stopped. */
export function runsText(results: Results): string {
  const c = results.config;
  const warmup = c.warmup ? ` after ${c.warmup} warm-up round(s) kept out of the statistics` : ', no warm-up';
  const order = `each round runs its modes in an order shuffled from seed ${c.seed}, so drift hits the modes alike`;
  const reason = samplingText(results);
  const why = reason ? ` Sampling stopped: ${reason}.` : '';
  return `Measured: ${runCountText(results)}${warmup}; ${order}.${why}`;
}

/** The command that repeats the whole bench with this run's configuration (generated from the flag table). */
export function rerunCommand(results: Results): string {
  return ['npm run bench --', ...rerunArguments(results.config).map(shellQuote)].join(' ');
}
