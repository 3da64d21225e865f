import { defineConfig } from 'vitest/config';

// Two projects: the pure tests (statistics, model, plan, config, renderers, the parser) run in parallel first; then
// the tests that run real conversions, processes, mounts or timings run one file at a time, so they do not disturb
// each other's timings (and never overlap a parallel file).
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

export default defineConfig({
  test: {
    testTimeout: 120_000,
    hookTimeout: 300_000,
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: UNIT, sequence: { groupOrder: 0 } },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/**/*.test.ts'],
          exclude: UNIT,
          fileParallelism: false,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
