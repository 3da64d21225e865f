// The layering of src/, checked in CI: `npm run lint:layers`. Arrows point only downwards:
//   cli -> commands -> (config, plan, engine, flush, host, image, analyze, report) -> system -> model
// engine/ is the scheduler and one measured conversion; system/ the OS adapters it, flush/ and image/ use (processes,
// locks, cgroups, loop devices, FUSE mounts, the page cache); report/ may use analyze/.
// Paths match `src/<layer>/` anywhere, so test/fixtures/layering/ can show a forbidden import failing.
const LAYERS = [
  'cli',
  'commands',
  'config',
  'plan',
  'engine',
  'flush',
  'host',
  'image',
  'analyze',
  'report',
  'system',
  'model',
];
const ALLOWED = {
  cli: ['commands', 'model'],
  commands: ['config', 'plan', 'engine', 'flush', 'host', 'image', 'analyze', 'report', 'system', 'model'],
  config: ['model'],
  plan: ['model'],
  engine: ['system', 'model'],
  flush: ['system', 'model'],
  host: ['model'],
  image: ['system', 'model'],
  analyze: ['model'],
  report: ['analyze', 'model'],
  system: ['model'],
  model: [],
};
const layerPath = (names) => `(^|/)src/(${names.join('|')})/`;

/** One named rule per layer: which other layers it must not import. */
const layerRules = LAYERS.map((layer) => {
  const forbidden = LAYERS.filter((other) => other !== layer && !ALLOWED[layer].includes(other));
  const allowed = ALLOWED[layer].length ? ALLOWED[layer].join(', ') : 'nothing else of the project';
  return {
    name: layer === 'model' ? 'model-imports-nothing' : `${layer}-imports-only-${ALLOWED[layer].join('-')}`,
    comment: `src/${layer}/ may import ${allowed}`,
    severity: 'error',
    from: { path: `(^|/)src/${layer}/` },
    to: { path: layerPath(forbidden) },
  };
});

module.exports = {
  forbidden: [
    ...layerRules,
    {
      name: 'chart-library-loaded-on-demand',
      comment:
        'chartjs-node-canvas (native canvas, libcairo) is imported only dynamically, so a host without libcairo ' +
        'still writes every text report (report, compare, sweep)',
      severity: 'error',
      from: { path: '(^|/)src/' },
      to: { path: 'chartjs-node-canvas', dependencyTypesNot: ['dynamic-import', 'type-only'] },
    },
    {
      name: 'no-import-cycle',
      comment: 'no module (and so no folder) depends on itself through others',
      severity: 'error',
      from: { path: '(^|/)src/' },
      to: { circular: true },
    },
    {
      name: 'one-process-spawner',
      comment: 'only src/system/spawn.ts starts processes (execa, node:child_process)',
      severity: 'error',
      from: { path: '(^|/)src/', pathNot: '(^|/)src/system/spawn\\.ts$' },
      to: { path: '(^|/)node_modules/execa/|^child_process$|^node:child_process$' },
    },
    {
      name: 'pure-model',
      comment: 'src/model/ is data and pure functions: no Node.js built-in (files, processes, the OS, the clock of a host)',
      severity: 'error',
      from: { path: '(^|/)src/model/' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'pure-statistics-and-renderers',
      comment: 'src/analyze/ and the renderers of src/report/ touch no files; only report/file-writer.ts writes',
      severity: 'error',
      from: { path: '(^|/)src/(analyze|report)/', pathNot: '(^|/)src/report/file-writer\\.ts$' },
      to: { path: '^(node:)?fs$' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
    exclude: { path: '(^|/)node_modules/(?!chartjs-node-canvas/)' },
  },
};
