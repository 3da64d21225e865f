// Completions and the man page come from the flag table: every flag of every command is in each, bash completes
// with the script as it is, and the committed man page is the generated one.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { completionScript, manPage, SHELLS } from '../../src/cli/completions.ts';
import { commandFlags } from '../../src/model/flags.ts';
import { COMMANDS } from '../../src/model/invocation.ts';
import { ROOT, runCli } from '../helpers/cli.ts';

const version = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version as string;

/** Completes `words` (the last one being typed) with the bash script, as bash's completion would. */
async function bashComplete(words: string[]): Promise<string[]> {
  const script = completionScript('bash');
  const quoted = words.map((w) => `'${w}'`).join(' ');
  const body = `${script}\nCOMP_WORDS=(${quoted}); COMP_CWORD=${words.length - 1}; _qemu_cache_bench; printf '%s\\n' "\${COMPREPLY[@]}"`;
  const r = await execa('bash', ['-c', body]);
  return r.stdout.split('\n').filter(Boolean).sort();
}

describe('completions and the man page', () => {
  for (const shell of SHELLS) {
    it(`the ${shell} script names every command and every flag of each`, () => {
      const script = completionScript(shell);
      for (const c of COMMANDS) {
        expect(script, c).toContain(c);
        for (const f of commandFlags(c)) expect(script, `${c} --${f.name}`).toMatch(new RegExp(`(--|-l )${f.name}\\b`));
      }
    });
  }
  it('bash completes commands, and flags of the command typed (bench when none is)', async () => {
    expect(await bashComplete(['qemu-cache-bench', 'co'])).toEqual(['compare', 'completions']);
    const image = ['--image', '--image-data', '--image-format', '--image-size'];
    expect(await bashComplete(['qemu-cache-bench', 'bench', '--im'])).toEqual(image);
    expect(await bashComplete(['qemu-cache-bench', '--im'])).toEqual(image);
    expect(await bashComplete(['qemu-cache-bench', 'report', '--im'])).toEqual([]);
    expect(await bashComplete(['qemu-cache-bench', 'sweep', '--lat'])).toEqual(['--latencies']);
  });
  it('the man page lists every flag of every command, and the committed one is the generated one', () => {
    const page = manPage(version);
    for (const c of COMMANDS) {
      expect(page).toContain(`.SS ${c}`);
      for (const f of commandFlags(c)) expect(page).toContain(`\\fB\\-\\-${f.name.replace(/-/g, '\\-')}\\fR`);
    }
    expect(readFileSync(join(ROOT, 'docs', 'qemu-cache-bench.1'), 'utf8')).toBe(page);
  });
  it.skipIf(!existsSync('/usr/bin/man'))(
    `man renders it${existsSync('/usr/bin/man') ? '' : ' (needs man: apt-get install man-db)'}`,
    async () => {
      const r = await execa('man', ['-l', join(ROOT, 'docs', 'qemu-cache-bench.1')], { env: { MANPAGER: 'cat' } });
      expect(r.stdout).toMatch(/^QEMU-CACHE-BENCH\(1\)/);
      expect(r.stdout).toMatch(/--durability-check/);
    },
  );
  it('the completions command prints a script, and refuses an unknown shell in one line (exit 2)', async () => {
    const ok = await runCli(['completions', 'fish']);
    expect([ok.code, ok.stdout]).toEqual([0, completionScript('fish').trimEnd()]);
    const bad = await runCli(['completions', 'tcsh']);
    expect([bad.code, bad.stderr.trim()]).toEqual([
      2,
      "qemu-cache-bench: error: no completions for 'tcsh'; use one of bash, zsh, fish: qemu-cache-bench completions bash",
    ]);
  });
});
