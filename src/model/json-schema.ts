// The JSON Schema of the files the tool writes, generated from their zod schemas (docs/results.schema.json), so a
// script in any language can validate results.json, sweep.json and compare.json without reading TypeScript.
import { z } from 'zod';
import { ComparisonSchema } from './comparison.ts';
import { ResultsSchema, SweepResultsSchema } from './results.ts';

/** One JSON Schema document with results.json, sweep.json and compare.json as definitions, pretty-printed with a newline. */
export function jsonSchemaText(): string {
  const options = { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' } as const;
  const schema = {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    title: 'qemu-cache-bench output files',
    description:
      'results.json (a bench run) and sweep.json (a flush-latency sweep); generated from src/model/results.ts',
    $defs: {
      results: z.toJSONSchema(ResultsSchema, options),
      sweep: z.toJSONSchema(SweepResultsSchema, options),
      compare: z.toJSONSchema(ComparisonSchema, options),
    },
    oneOf: [{ $ref: '#/$defs/results' }, { $ref: '#/$defs/sweep' }, { $ref: '#/$defs/compare' }],
  };
  return `${JSON.stringify(schema, null, 2)}\n`;
}
