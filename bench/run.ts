// Runs one experiment of bench/experiments by name and checks its target: `npm run experiment -- overhead`.
// Each experiment is data (experiments/NAME.json); its "kind" names the code that runs it (kinds/KIND.ts).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = join(import.meta.dirname, 'experiments');
const name = process.argv[2];
const names = readdirSync(dir).map((f) => f.replace(/\.json$/, ''));
if (!name || !names.includes(name)) {
  console.error(`usage: npm run experiment -- <${names.join('|')}>`);
  process.exit(2);
}
const experiment = JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8'));
console.log(`${name}: ${experiment.description}`);
const kind = await import(`./kinds/${experiment.kind}.ts`);
process.exitCode = await kind.run(name, experiment);
