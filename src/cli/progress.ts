// Progress on stderr: mode, run i of n, elapsed, estimated remaining; silent when stderr is not a TTY or with --quiet.
import cliProgress from 'cli-progress';
import type { BenchUi } from '../commands/terminal-port.ts';
import type { Cell } from '../model/plan.ts';

/** A BenchUi that draws a progress bar on a TTY and prints notes, unless quiet. */
export function terminalUi(
  quiet: boolean,
  plan: { runs: number; warmup: number },
  stream: NodeJS.WriteStream = process.stderr,
): BenchUi {
  const show = !quiet;
  const bar =
    show && stream.isTTY
      ? new cliProgress.SingleBar(
          {
            stream,
            format: '{bar} {value}/{total} done | now: {label} | elapsed {duration_formatted} | ETA {eta_formatted}',
            hideCursor: true,
            clearOnComplete: true,
            etaBuffer: 6,
          },
          cliProgress.Presets.shades_classic,
        )
      : null;
  let started = false;
  const stop = () => {
    if (bar && started) bar.stop();
    started = false;
  };
  return {
    note: (message) => {
      if (!show) return;
      stop();
      stream.write(`${message}\n`);
    },
    onCell: (cell: Cell, index: number, total: number) => {
      if (!bar) return;
      const label =
        `${cell.caseId === 'default' ? '' : `${cell.caseId} `}${cell.mode} ` +
        `${cell.warmup ? `warm-up ${cell.run} of ${plan.warmup}` : `run ${cell.run} of ${plan.runs}`}`;
      if (started) bar.update(index, { label });
      else {
        bar.start(total, index, { label });
        started = true;
      }
    },
    done: () => {
      stop();
    },
  };
}
