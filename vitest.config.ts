import { defineConfig } from 'vitest/config';
import UntimedFirst, { UNTIMED_ORDER } from './test/helpers/sequencer.ts';

// Three groups, one after another: the pure tests (statistics, model, plan, config, renderers, the parser) in
// parallel, beside them the untimed tests (real processes whose outcome depends neither on timing nor on host-wide
// state another test changes: interrupting benches, the fleet playbook, recovery, benches and matrices, the flush
// audit; test/helpers/sequencer.ts lists them; they start first, the longest first); then the timed tests, the races
// and the dead-loop cleanups one file at a time, so they do not disturb each other (one fork runs them in turn, each
// file isolated; never beside a parallel file); then the storage lab (guests under TCG, ~16 min), whose guest is
// built in the background meanwhile (test/lab/global-setup.ts).
// `npx vitest run --project unit --project untimed --project integration` leaves the lab out.
const UNIT = [
  'test/analyze/**/*.test.ts',
  'test/model/**/*.test.ts',
  'test/plan/**/*.test.ts',
  'test/config/**/*.test.ts',
  'test/report/**/*.test.ts',
  'test/host/**/*.test.ts',
  'test/cli/args.test.ts',
  'test/cli/completions.test.ts',
];

/** Tests of real processes whose outcome does not depend on timing, so they can share the first group's workers. */
const UNTIMED = UNTIMED_ORDER;

export default defineConfig({
  test: {
    pool: 'forks',
    maxWorkers: 2,
    minWorkers: 1,
    testTimeout: 120_000,
    hookTimeout: 300_000,
    globalSetup: ['test/helpers/compiled-cli.ts'],
    sequence: { sequencer: UntimedFirst },
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: UNIT, sequence: { groupOrder: 0 } },
      },
      {
        extends: true,
        test: { name: 'untimed', include: UNTIMED, sequence: { groupOrder: 0 } },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/**/*.test.ts'],
          exclude: [...UNIT, ...UNTIMED, 'test/lab/**'],
          poolOptions: { forks: { singleFork: true } },
          maxConcurrency: 2, // it.concurrent tests (main.test.ts's bad inputs): two at a time on the two cores
          sequence: { groupOrder: 1 },
        },
      },
      {
        extends: true,
        test: {
          name: 'lab',
          include: ['test/lab/**/*.test.ts'],
          globalSetup: ['test/lab/global-setup.ts'],
          poolOptions: { forks: { singleFork: true } },
          sequence: { groupOrder: 2 },
        },
      },
    ],
  },
});
