// Rewrites every committed results.json under results/ in the current schema (read, upgraded and recomputed from its
// samples exactly as `report` reads it; the samples are kept as they are), then re-renders its reports:
//   npx tsx scripts/upgrade-examples.ts && npm run --silent build && (re-render with the report command)
// test/model/results.test.ts fails while a committed results file is of an older schema.
import { readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readResults } from '../src/commands/results-file.ts';
import { SCHEMA_VERSION } from '../src/model/results.ts';

const RESULTS = join(import.meta.dirname, '..', 'results');

/** Every results.json below `dir`. */
function resultsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return resultsFiles(path);
    return name === 'results.json' ? [path] : [];
  });
}

for (const file of resultsFiles(RESULTS)) {
  const results = readResults(file);
  if (results.schemaVersion !== SCHEMA_VERSION) throw new Error(`${file}: not upgraded`);
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`${file}: schema ${SCHEMA_VERSION}`);
}
