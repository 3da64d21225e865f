// Experiment kind "ci-coverage": how often the 95% speedup interval holds the true ratio, per cell of the grid.
import { COVERAGE_GRID, coverage } from '../coverage-simulation.ts';

/** Runs the experiment; returns the exit code. */
export async function run(
  name: string,
  experiment: { simulations: number; targetPercent: [number, number] },
): Promise<number> {
  const [low, high] = experiment.targetPercent;
  const all: number[] = [];
  for (const [index, cell] of COVERAGE_GRID.entries()) {
    const share = coverage(cell, experiment.simulations, 1000 + index) * 100;
    all.push(share);
    const met = share >= low && share <= high ? 'met' : 'MISSED';
    console.log(`cv ${cell.cv * 100}% n ${cell.n} ratio ${cell.ratio}: coverage ${share.toFixed(1)}% (${met})`);
  }
  const min = Math.min(...all);
  const max = Math.max(...all);
  console.log(
    `${name}: ${all.length} cells x ${experiment.simulations} simulations, target ${low}-${high}% in every cell`,
  );
  console.log(`coverage min ${min.toFixed(1)}% max ${max.toFixed(1)}%`);
  return min >= low && max <= high ? 0 : 1;
}
