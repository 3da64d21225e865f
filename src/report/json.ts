// results.json: the versioned results object, pretty-printed.
import type { Results } from '../model/results.ts';

/** Renders the results object as JSON text. */
export function renderJson(results: Results): string {
  return `${JSON.stringify(results, null, 2)}\n`;
}
