// The sweep report's headline carries where it ran (host kind, image), checked on the committed example.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SweepResultsSchema } from '../../src/model/results.ts';
import { sweepDocument } from '../../src/report/sweep-report.ts';
import { ROOT } from '../helpers/cli.ts';

describe('sweepDocument', () => {
  it('example-sweep: the first point at 10x or more, with the host kind and the image', () => {
    const sweep = SweepResultsSchema.parse(
      JSON.parse(readFileSync(join(ROOT, 'results/example-sweep/sweep.json'), 'utf8')),
    );
    // sweep.json: 2 CPUs, virtualMachine true, built-in image of 1073741824 bytes; the 5 ms point's speedup 15.12x
    // is the first at 10x or more (2 ms: 7.25x).
    const text = sweepDocument(sweep)
      .blocks.map((b) => ('text' in b ? b.text : ''))
      .join('\n');
    expect(text).toContain('The speedup reaches 15.1x at 5 ms per flush here (2-vCPU VM; built-in 1.0 GiB image).');
  });
});
