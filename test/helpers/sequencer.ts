// The order of test files within a group: the untimed project's files first, in the order of UNTIMED_ORDER (the
// longest first, so the two workers end together; vitest's own order needs a cache of last durations, which a fresh
// clone lacks, and then goes by file size), then vitest's own order (failed first, then the longest by the last run,
// else the largest).
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/** The untimed files, longest first (seconds measured beside the unit tests here in brackets). */
export const UNTIMED_ORDER = [
  'test/integration/interruption.test.ts', // 30 Ctrl-C's and three signals, each with --resume (48-89)
  'test/scripts/fleet.test.ts', // the bundle, setup.sh on a host with its dependencies, two benches (41 alone)
  'test/integration/power-cut-cleanup.test.ts', // three FUSE power-cut checks interrupted or killed (26-50)
  'test/integration/memory-limit.test.ts', // conversions in memory cgroups, one OOM-killed (17-21)
];

export default class UntimedFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const rank = (f: TestSpecification) => {
      const i = UNTIMED_ORDER.findIndex((name) => f.moduleId.endsWith(`/${name}`));
      return i < 0 ? UNTIMED_ORDER.length : i;
    };
    return sorted
      .map((f, i) => ({ f, i }))
      .sort((a, b) => rank(a.f) - rank(b.f) || a.i - b.i)
      .map(({ f }) => f);
  }
}
