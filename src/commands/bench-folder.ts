// Running one bench into its results folder (shared by bench and sweep): results after every run, reports at the end.
import { join, relative } from 'node:path';
import type { ResolvedConfig } from '../config/resolve.ts';
import { type Ending, EnvironmentError, endingOfSignal } from '../model/errors.ts';
import type { Results } from '../model/results.ts';
import { OutputManager } from '../report/file-writer.ts';
import { ownedNames, renderDataFiles, renderReports } from '../report/registry.ts';
import { claimFolder } from '../system/lock.ts';
import { runBench } from './bench-run.ts';
import { loadResults } from './results-file.ts';
import type { BenchUi, Terminal } from './terminal-port.ts';

/** What a bench into a folder ended with. */
export interface FolderOutcome {
  /** ok, or interrupted (finished runs saved). */
  ending: Ending;
  /** The results folder the run claimed (the default name with a suffix when another run took it first). */
  outDir: string;
  results: Results | null;
}

/** A file system error writing the results folder as one line (what failed, the errno, what is kept); else as is. */
function unwritable(error: unknown, what: string, kept: string): unknown {
  const code = (error as NodeJS.ErrnoException).code;
  if (!code || !/^E[A-Z]+$/.test(code)) return error;
  return new EnvironmentError(
    `${what} (${code}${code === 'ENOSPC' ? ': no space left' : ''})${kept ? `; ${kept}` : ''}`,
  );
}

/** Runs one bench into `config.outDir` (results after every run, reports at the end); handles SIGINT/SIGTERM. */
export async function benchToFolder(
  requested: ResolvedConfig,
  ui: BenchUi,
  terminal: Terminal,
  previous?: Results,
): Promise<FolderOutcome> {
  const claimed = claimFolder(requested.outDir, requested.outDirUnique, ui.note);
  const config = { ...requested, outDir: claimed.dir };
  const output = new OutputManager(config.outDir, ownedNames());
  const where = relative(process.cwd(), config.outDir) || '.';
  const saved = join(where, 'results.json');
  let last: Results | null = previous ?? null;
  const checkpoint = (results: Results) => {
    try {
      output.write(renderDataFiles(results));
      last = results;
    } catch (error) {
      throw unwritable(error, `cannot save results.json in ${where}`, last ? `the runs saved before stay there` : '');
    }
  };
  const onSignal = (name: NodeJS.Signals) => ui.note(`\n${name}: stopping qemu-img and saving the finished runs...`);
  return terminal.withSignals(async (scope) => {
    try {
      const { outcome } = await runBench(config, ui, checkpoint, scope.signal, previous);
      // Reports are rendered from the saved file, re-read and validated, as `npm run report` would.
      const results = loadResults(join(config.outDir, 'results.json'));
      try {
        output.write(await renderReports(results));
      } catch (error) {
        const kept = `results.json is saved there, complete; render them later with npm run report -- ${saved}`;
        throw unwritable(error, `cannot write the reports in ${where}`, kept);
      }
      if (outcome.state !== 'interrupted') return { ending: 'ok', results, outDir: config.outDir };
      const finished = `${results.samples.length} finished runs saved in ${saved} (complete: false)`;
      process.stderr.write(`interrupted: ${finished}; continue with --resume ${where}\n`);
      return { ending: endingOfSignal(scope.received()), results, outDir: config.outDir };
    } catch (error) {
      if (!scope.received()) throw error;
      const kept = last ? `: finished runs saved in ${saved} (complete: false)` : '';
      process.stderr.write(`interrupted before the plan finished${kept}\n`);
      return { ending: endingOfSignal(scope.received()), results: null, outDir: config.outDir };
    } finally {
      claimed.release(); // first: the lock file must not keep an empty folder
      if (!last) output.removeIfEmpty();
    }
  }, onSignal);
}
