// Builds the C helpers into the cache (called by setup.sh; the bench also builds each on first use): the flush-delay
// interposer and the power-cut file system.
import { cacheRoot } from '../src/config/paths.ts';
import { ensureInterposer } from '../src/flush/interposer.ts';
import { ensurePowerCutFs } from '../src/flush/power-cut-check.ts';

console.log(`flush-delay interposer: ${await ensureInterposer(cacheRoot())}`);
console.log(`power-cut file system: ${await ensurePowerCutFs(cacheRoot())}`);
