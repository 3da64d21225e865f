// Experiment kind "ci-coverage": how often the 95% speedup interval holds the true ratio, per cell of the fixed-count
// grid and of the adaptive grid (the tool's own stop rule deciding the run count).
import { ADAPTIVE_GRID, adaptiveCoverage, allocatedCoverage, COVERAGE_GRID, coverage } from '../coverage-simulation.ts';

/** Runs the experiment; returns the exit code. */
export async function run(
  name: string,
  experiment: { simulations: number; adaptiveSimulations: number; targetPercent: [number, number] },
): Promise<number> {
  const [low, high] = experiment.targetPercent;
  const all: number[] = [];
  const report = (label: string, share: number) => {
    all.push(share);
    console.log(`${label}: coverage ${share.toFixed(1)}% (${share >= low && share <= high ? 'met' : 'MISSED'})`);
  };
  for (const [index, cell] of COVERAGE_GRID.entries()) {
    const share = coverage(cell, experiment.simulations, 1000 + index) * 100;
    report(`fixed cv ${cell.cv * 100}% n ${cell.n} ratio ${cell.ratio}`, share);
  }
  for (const [index, cell] of ADAPTIVE_GRID.entries()) {
    const share = adaptiveCoverage(cell, experiment.adaptiveSimulations, 5000 + index) * 100;
    report(`adaptive cv ${cell.cv * 100}% ratios ${cell.ratios.join('/')} (min 3, max 10, precision 10%)`, share);
  }
  for (const [index, cell] of ADAPTIVE_GRID.entries()) {
    // The adaptive cells' seeds: with one speedup the allocation is the adaptive rule itself, so those cells coincide.
    const share = allocatedCoverage(cell, experiment.adaptiveSimulations, 5000 + index) * 100;
    report(`allocated cv ${cell.cv * 100}% ratios ${cell.ratios.join('/')} (rounds skip precise modes)`, share);
  }
  console.log(
    `${name}: ${COVERAGE_GRID.length} fixed cells x ${experiment.simulations}, ${ADAPTIVE_GRID.length} adaptive and ` +
      `${ADAPTIVE_GRID.length} allocated cells x ${experiment.adaptiveSimulations} simulated experiments, target ` +
      `${low}-${high}% in every cell`,
  );
  console.log(`coverage min ${Math.min(...all).toFixed(1)}% max ${Math.max(...all).toFixed(1)}%`);
  return Math.min(...all) >= low && Math.max(...all) <= high ? 0 : 1;
}
