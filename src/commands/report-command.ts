// The report command: re-render every report from a saved results.json, without re-running anything.
import { dirname, resolve } from 'node:path';
import { type Ending, UsageError } from '../model/errors.ts';
import type { Invocation } from '../model/invocation.ts';
import { OutputManager, validateOutDir } from '../report/file-writer.ts';
import { ownedNames, renderReports } from '../report/registry.ts';
import { readResults } from './results-file.ts';

/** Runs `report`; returns how it ended. */
export async function runReportCommand(args: Invocation): Promise<Ending> {
  const [file, ...extra] = args.positionals;
  if (!file) throw new UsageError('report needs a results.json; usage: npm run report -- results/<run>/results.json');
  if (extra.length)
    throw new UsageError(`report takes one results.json, got ${args.positionals.length}; use compare for several`);
  const results = readResults(resolve(file));
  const dir = typeof args.values.out === 'string' ? resolve(args.values.out) : dirname(resolve(file));
  if (typeof args.values.out === 'string') validateOutDir(dir);
  const output = new OutputManager(dir, ownedNames());
  output.create();
  const written = output.write(await renderReports(results));
  if (!args.values.quiet) process.stderr.write(`wrote ${written.length} files in ${dir}\n`);
  return 'ok';
}
