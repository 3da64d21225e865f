// Experiment kind "overhead": the harness's real time against /usr/bin/time alone, interleaved on one image.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cacheRoot } from '../../src/config/paths.ts';
import { ensureDefaultImage } from '../../src/image/builtin-image.ts';
import { convertArgs, DEFAULT_CONVERT_OPTIONS } from '../../src/model/qemu-img-command.ts';
import { median } from '../../src/model/quantile.ts';
import type { BuiltinImageParams } from '../../src/model/results.ts';
import { dropPageCache } from '../../src/system/page-cache.ts';
import { runProcess } from '../../src/system/spawn.ts';

/** What the overhead experiment's data holds. */
interface OverheadExperiment {
  image: BuiltinImageParams;
  mode: string;
  pairs: number;
  targetRatio: number;
}

/** Runs the experiment; returns the exit code. */
export async function run(_name: string, experiment: OverheadExperiment): Promise<number> {
  const image = (await ensureDefaultImage('qemu-img', experiment.image, join(cacheRoot(), 'images'), console.log)).path;
  const work = mkdtempSync(join(tmpdir(), 'qcb-overhead-'));
  const dst = join(work, 'out.raw');
  const args = convertArgs({
    mode: experiment.mode,
    srcCache: null,
    srcFormat: 'qcow2',
    outFormat: 'raw',
    src: image,
    dst,
    options: DEFAULT_CONVERT_OPTIONS,
  });
  const ours: number[] = [];
  const theirs: number[] = [];
  const sameRun: number[] = [];
  for (let i = 0; i < experiment.pairs; i++) {
    await dropPageCache([image], true, work);
    rmSync(dst, { force: true });
    const harness = await runProcess('qemu-img', args);
    await dropPageCache([image], true, work);
    rmSync(dst, { force: true });
    const timed = await runProcess('/usr/bin/time', ['-f', 'ELAPSED %e', 'qemu-img', ...args]);
    const elapsed = Number(/ELAPSED ([\d.]+)/.exec(timed.stderrTail)?.[1]);
    ours.push(harness.wallSeconds);
    theirs.push(elapsed);
    sameRun.push(timed.wallSeconds / elapsed);
    console.log(
      `pair ${i + 1}: harness ${harness.wallSeconds.toFixed(3)} s, /usr/bin/time ${elapsed.toFixed(2)} s (the harness timed that same run at ${timed.wallSeconds.toFixed(3)} s)`,
    );
  }
  rmSync(work, { recursive: true, force: true });
  const ratio = median(ours) / median(theirs);
  console.log(
    `overhead: median harness ${median(ours).toFixed(3)} s / median /usr/bin/time ${median(theirs).toFixed(3)} s = ${ratio.toFixed(4)} (target <= ${experiment.targetRatio}): ${ratio <= experiment.targetRatio ? 'met' : 'MISSED'}`,
  );
  console.log(
    `same-run check: the harness's time of a /usr/bin/time run / its own elapsed, median ${median(sameRun).toFixed(4)} (/usr/bin/time reports 10 ms steps)`,
  );
  return 0;
}
