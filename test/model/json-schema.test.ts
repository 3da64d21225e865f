// docs/results.schema.json is generated from the zod schemas and lists every top-level field of results.json and
// sweep.json; a committed example's keys are all in it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { jsonSchemaText } from '../../src/model/json-schema.ts';
import { ResultsSchema, SweepResultsSchema } from '../../src/model/results.ts';
import { ROOT } from '../helpers/cli.ts';

const committed = readFileSync(join(ROOT, 'docs', 'results.schema.json'), 'utf8');

describe('docs/results.schema.json', () => {
  it('is the one generated from the zod schemas (run npx tsx scripts/readme-tables.ts after changing one)', () => {
    expect(committed).toBe(jsonSchemaText());
  });
  it('has every field of results.json and sweep.json, and every key of the committed example', () => {
    const schema = JSON.parse(committed);
    const results = Object.keys(schema.$defs.results.properties).sort();
    expect(results).toEqual(Object.keys(ResultsSchema.shape).sort());
    expect(Object.keys(schema.$defs.sweep.properties).sort()).toEqual(Object.keys(SweepResultsSchema.shape).sort());
    const example = JSON.parse(readFileSync(join(ROOT, 'results', 'example', 'results.json'), 'utf8'));
    for (const key of Object.keys(example)) expect(results).toContain(key);
    expect(schema.$defs.results.required).toContain('samples');
  });
});
