// Builds the flush-delay interposer into the cache (called by setup.sh; the bench also builds it on first use).
import { cacheRoot } from '../src/config/paths.ts';
import { ensureInterposer } from '../src/flush/interposer.ts';

console.log(`flush-delay interposer: ${await ensureInterposer(cacheRoot())}`);
