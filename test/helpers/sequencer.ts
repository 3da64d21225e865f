// The order of test files within a group: the untimed project's files first, in the order of UNTIMED_ORDER (the
// longest first, so the two workers end together; vitest's own order needs a cache of last durations, which a fresh
// clone lacks, and then goes by file size), then vitest's own order (failed first, then the longest by the last run,
// else the largest).
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * The untimed files, longest first (seconds measured beside the unit tests here in brackets): real processes whose
 * outcome depends neither on timing nor on host-wide state another test changes (a dead run's loop devices, found
 * host-wide, stay with the serial tests, as do races such as a source written between two runs).
 */
export const UNTIMED_ORDER = [
  'test/integration/interruption.test.ts', // 30 Ctrl-C's and three signals, each with --resume (48-108)
  'test/scripts/fleet.test.ts', // the bundle, setup.sh on a host with its dependencies, two benches (41 alone)
  'test/integration/power-cut-cleanup.test.ts', // three FUSE power-cut checks interrupted or killed (26-52)
  'test/integration/recovery.test.ts', // a killed run's lock, work folder and qemu-img; disk full; the source (40 alone)
  'test/integration/memory-limit.test.ts', // conversions in memory cgroups, one OOM-killed (17-26)
  'test/integration/bench.test.ts', // a bench of 4 modes x 3 runs, the flush audit, the deferred probe (12 alone)
  'test/integration/matrix.test.ts', // every case of a matrix, tables and charts (10 alone)
  'test/engine/convert-run.test.ts', // two benches under strace -f: no unlink while converting (9 alone)
  'test/integration/as-projects.test.ts', // the projects' commands on a directory and on a loop device (8.5 alone)
  'test/flush/audit-cache.test.ts', // the cached flush audit against strace (8 alone)
  'test/integration/convert-options.test.ts', // -m 1,4 x -W, --target-is-zero, -r (5 alone)
  'test/scripts/layering.test.ts', // dependency-cruiser's rules (5 alone)
  'test/integration/lost-preload.test.ts', // a qemu-img that drops LD_PRELOAD (5 alone)
  'test/system/lock.test.ts', // the target lock taken, refused, taken over by exactly one of two processes (5 alone)
  'test/commands/compare-command.test.ts', // compare of real results (3 alone)
  'test/integration/unwritable-out.test.ts', // an --out nobody may write (3 alone)
  'test/commands/report-command.test.ts', // report from results.json (2.5 alone)
  'test/image/builtin-layout.test.ts', // the built-in image's layout (2 alone)
  'test/image/content-identity.test.ts', // a raw output's content identity (1 alone)
  'test/commands/results-file.test.ts', // results.json written and read (1 alone)
  'test/integration/durability-refusal.test.ts', // --durability-check refusals (0.6 alone)
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
