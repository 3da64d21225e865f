// Everything a run's samples say beyond the summary, computed together: warnings, verdicts, recommendations (pure).
import type { Results } from '../model/results.ts';
import { caseDifferences } from './case-differences.ts';
import { optionSetChoice, projectRuns, recommendations } from './recommendation.ts';
import { runWarnings } from './summary.ts';
import { verdicts } from './verdict.ts';

/** The findings results.json records, computed from its summary and samples. */
export function findingsOf(
  results: Results,
): Pick<Results, 'warnings' | 'verdicts' | 'recommendations' | 'optionSetChoice' | 'projectRuns' | 'caseDifferences'> {
  return {
    warnings: runWarnings(results.summary),
    verdicts: verdicts(results),
    recommendations: recommendations(results),
    optionSetChoice: optionSetChoice(results),
    projectRuns: projectRuns(results),
    caseDifferences: caseDifferences(results),
  };
}
