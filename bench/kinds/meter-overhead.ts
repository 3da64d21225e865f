// Experiment kind "meter-overhead": conversions with and without the flush meter, interleaved (the order within each
// pair shuffled from a seed), per mode; the geometric mean of the paired ratios with/without and its 95% t interval on
// the log ratios (paired, so the difference between the modes' times does not widen it).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe } from '../../src/analyze/stats.ts';
import { cacheRoot } from '../../src/config/paths.ts';
import { ensureInterposer } from '../../src/flush/interposer.ts';
import { ensureDefaultImage } from '../../src/image/builtin-image.ts';
import { seededRandom, shuffled } from '../../src/model/prng.ts';
import { convertArgs, DEFAULT_CONVERT_OPTIONS } from '../../src/model/qemu-img-command.ts';
import type { BuiltinImageParams } from '../../src/model/results.ts';
import { meterEnv, takeMeter } from '../../src/system/flush-meter.ts';
import { dropPageCache } from '../../src/system/page-cache.ts';
import { runProcess } from '../../src/system/spawn.ts';

/** What the experiment's data holds. */
interface MeterOverheadExperiment {
  image: BuiltinImageParams;
  modes: string[];
  pairs: number;
  seed: number;
  targetRatio: number;
}

/** Runs the experiment; returns the exit code. */
export async function run(_name: string, experiment: MeterOverheadExperiment): Promise<number> {
  const image = (await ensureDefaultImage('qemu-img', experiment.image, join(cacheRoot(), 'images'), console.log)).path;
  const library = await ensureInterposer(cacheRoot());
  const work = mkdtempSync(join(tmpdir(), 'qcb-meter-overhead-'));
  const dst = join(work, 'out.raw');
  const random = seededRandom(experiment.seed);
  const logRatios: number[] = [];
  for (let i = 0; i < experiment.pairs; i++) {
    for (const mode of experiment.modes) {
      const files = { srcFormat: 'qcow2', outFormat: 'raw', src: image, dst };
      const args = convertArgs({ ...files, mode, srcCache: null, options: DEFAULT_CONVERT_OPTIONS });
      const seconds: Record<string, number> = {};
      for (const metered of shuffled([true, false], random)) {
        await dropPageCache([image], true, work);
        rmSync(dst, { force: true });
        const meterFile = join(work, 'meter.txt');
        const env = metered ? meterEnv(library, meterFile) : {};
        const result = await runProcess('qemu-img', args, { env });
        const flushes = metered ? takeMeter(meterFile) : null;
        seconds[metered ? 'with' : 'without'] = result.wallSeconds;
        const seen = flushes ? `, meter: ${flushes.calls} flushes, ${flushes.waitSeconds.toFixed(2)} s inside` : '';
        console.log(`pair ${i + 1} ${mode} ${metered ? 'with' : 'without'}: ${result.wallSeconds.toFixed(3)} s${seen}`);
      }
      logRatios.push(Math.log((seconds.with as number) / (seconds.without as number)));
    }
  }
  rmSync(work, { recursive: true, force: true });
  const d = describe(logRatios);
  if (!d) return 1;
  const [ratio, low, high] = [Math.exp(d.mean), Math.exp(d.ciLow), Math.exp(d.ciHigh)];
  const met = low <= 1 && high >= 1 && ratio <= experiment.targetRatio;
  console.log(`target: interval includes 1 and ratio <= ${experiment.targetRatio}: ${met ? 'met' : 'MISSED'}`);
  console.log(`with/without ${ratio.toFixed(4)} (95% interval ${low.toFixed(4)}-${high.toFixed(4)})`);
  return 0;
}
