// Defaults no flag sets: where results go and the built-in image's fixed parameters. Every flag's default is in its
// declaration (src/model/flags.ts).
import { REFERENCE_2019 } from '../model/reference.ts';

/** Fixed defaults of the bench. */
export const DEFAULTS = {
  /** Results folders are created under this folder of the working directory. */
  resultsRoot: 'results',
  /** The built-in image's cluster size and the seed of its content (the Nova bug number). */
  image: { clusterSize: 65536, seed: REFERENCE_2019.bug },
} as const;
