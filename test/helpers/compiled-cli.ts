// Before the tests: the CLI compiled once, as `npm run build` compiles it, into a folder of this run's own beside
// dist/ (one level under the checkout, so its paths to package.json and scripts/ hold). The tests run that: what users
// run, and about a second less per start than tsx compiling the sources again in every process (2.47 s against 1.35 s
// for a bench of the fake qemu-img on this 2-core VM). Removed after the run; a killed run's folder goes at the next.
import { execFileSync } from 'node:child_process';
import { readdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { TestProject } from 'vitest/node';

const ROOT = resolve(import.meta.dirname, '../..');
/** The compiled folders' names: this prefix, then the PID of the vitest that made it. */
const PREFIX = '.dist-test-';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The compiled CLI's entry (its main.js) for this test run. */
    cliEntry: string;
  }
}

/** True when a process of this PID runs. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Compiles once per vitest process, whichever project asks first; counts the projects that use it. */
const shared = globalThis as { qcbCompiledCli?: { outDir: string; users: number } };

export default function setup(project: TestProject): () => void {
  if (!shared.qcbCompiledCli) {
    for (const name of readdirSync(ROOT)) {
      const pid = Number(name.slice(PREFIX.length));
      if (name.startsWith(PREFIX) && pid > 0 && !alive(pid)) rmSync(join(ROOT, name), { recursive: true, force: true });
    }
    const outDir = join(ROOT, `${PREFIX}${process.pid}`);
    const tsc = join(ROOT, 'node_modules/typescript/bin/tsc');
    execFileSync(process.execPath, [tsc, '-p', join(ROOT, 'tsconfig.build.json'), '--outDir', outDir], { cwd: ROOT });
    shared.qcbCompiledCli = { outDir, users: 0 };
  }
  const compiled = shared.qcbCompiledCli;
  compiled.users++;
  project.provide('cliEntry', join(compiled.outDir, 'cli', 'main.js'));
  return () => {
    if (--compiled.users === 0) rmSync(compiled.outDir, { recursive: true, force: true });
  };
}
