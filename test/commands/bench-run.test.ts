// --resume refuses a results.json whose samples are not the recorded plan's, each once (was: a duplicated sample and
// a "run 7" were accepted, counting 5 runs under "3 runs per mode").

import { describe, expect, it } from 'vitest';
import { requirePlannedSamples } from '../../src/commands/bench-run.ts';
import type { Sample } from '../../src/model/results.ts';
import { buildRounds } from '../../src/plan/matrix.ts';

const rounds = buildRounds(['default'], ['writethrough', 'writeback'], 3, 0, 1);
const sample = (mode: string, run: number): Sample =>
  ({ caseId: 'default', mode, run, round: run, warmup: false, state: 'ok', real: 1 }) as Sample;

describe('requirePlannedSamples', () => {
  it('accepts the runs of the plan, in any order, and a partial plan', () => {
    expect(() => requirePlannedSamples([sample('writeback', 2), sample('writethrough', 1)], rounds)).not.toThrow();
  });
  it('refuses a sample twice, naming it', () => {
    expect(() => requirePlannedSamples([sample('writeback', 1), sample('writeback', 1)], rounds)).toThrow(
      '--resume: results.json holds default writeback run 1 (round 1) twice; it was edited or comes from another ' +
        'run: start a new run instead of --resume',
    );
  });
  it('refuses a run beyond the plan (run 7 of 3) and a mode outside it', () => {
    expect(() => requirePlannedSamples([sample('writeback', 7)], rounds)).toThrow(
      /^--resume: results\.json holds default writeback run 7 \(round 7\), outside the plan; /,
    );
    expect(() => requirePlannedSamples([sample('unsafe', 1)], rounds)).toThrow(/holds default unsafe run 1/);
  });
});
