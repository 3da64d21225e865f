// The unmeasured part of a run around a real timed conversion, seen from outside by strace -f: no file on the target is
// unlinked while qemu-img converts, and each removed output is followed by a sync before the next conversion starts,
// so the file system has committed the unlink (and, mounted with `discard`, sent its discards) before the timing.
import { existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { cliArgv, ROOT } from '../helpers/cli.ts';

const work = mkdtempSync(join(tmpdir(), 'qcb-unmeasured-'));
const STRACE = ['/usr/bin/strace', '/bin/strace'].find((p) => existsSync(p));

/** One traced event: a conversion's start or end, a sync started, or a file unlinked. */
interface Event {
  at: number;
  kind: 'convert' | 'exit' | 'sync' | 'unlink';
  pid: string;
  path?: string;
}

/**
 * The events of an `strace -f -q -ttt -s 4096 -e trace=execve,unlink,unlinkat` log: conversions writing into `target`
 * (a pid's first exec of them), their ends, syncs started and unlinks.
 */
function traceEvents(log: string, target: string): Event[] {
  const events: Event[] = [];
  const converting = new Set<string>();
  for (const line of log.split('\n')) {
    const m = /^(\d+)\s+(\d+\.\d+)\s+(.*)$/.exec(line);
    if (!m) continue;
    const [, pid = '', time = '', call = ''] = m;
    const at = Number(time);
    if (/^execve\("[^"]*\/qemu-img", \["[^"]*", "convert"/.test(call) && call.includes(`"${target}/`)) {
      if (!converting.has(pid)) events.push({ at, kind: 'convert', pid });
      converting.add(pid);
    } else if (/^execve\("[^"]*\/sync", /.test(call)) events.push({ at, kind: 'sync', pid });
    else if (/^\+\+\+ (exited|killed)/.test(call) && converting.delete(pid)) events.push({ at, kind: 'exit', pid });
    else {
      const u = /^unlink(?:at)?\((?:[^,]+, )?"([^"]+)"/.exec(call);
      if (u) events.push({ at, kind: 'unlink', pid, path: u[1] as string });
    }
  }
  return events.sort((a, b) => a.at - b.at);
}

/** Runs a small bench under strace and returns its events and the target folder. */
async function tracedBench(name: string, extra: string[]) {
  const target = join(work, name);
  mkdirSync(target);
  const log = join(work, `${name}.strace`);
  const argv = ['bench', '--image-size', '64M', '--image-data', '16M', '--runs', '2'];
  const rest = ['--modes', 'writethrough,writeback', '--no-flush-probe', '--target-dir', target, '--quiet', ...extra];
  const traced = [
    '-f',
    '-q',
    '-ttt',
    '-s',
    '4096',
    '-e',
    'trace=execve,unlink,unlinkat',
    '-e',
    'signal=none',
    '-o',
    log,
  ];
  const r = await execa(STRACE as string, [...traced, 'node', ...cliArgv(), ...argv, ...rest], {
    cwd: ROOT,
    env: { QCB_CACHE_DIR: join(work, 'cache') },
    reject: false,
  });
  expect(r.exitCode, r.stderr).toBe(0);
  return { events: traceEvents(readFileSync(log, 'utf8'), target), target };
}

/** For each removed output, the events between its unlink and the next conversion's start. */
function afterEachRemoval(events: Event[], target: string): Event[][] {
  const gaps: Event[][] = [];
  events.forEach((e, i) => {
    if (e.kind !== 'unlink' || !e.path?.startsWith(`${target}/`) || !e.path.endsWith('.raw')) return;
    const next = events.findIndex((n, j) => j > i && n.kind === 'convert');
    if (next >= 0) gaps.push(events.slice(i + 1, next));
  });
  return gaps;
}

describe.skipIf(!STRACE)(`around each timed conversion ${STRACE ? '' : '(needs strace)'}`, () => {
  for (const [name, extra] of [
    ['cold', []],
    ['warm', ['--no-drop-caches']],
  ] as const) {
    it(`${name === 'cold' ? 'the default run' : '--no-drop-caches'}: no unlink on the target while qemu-img converts, a sync after each removed output before the next conversion`, async () => {
      const { events, target } = await tracedBench(name, [...extra]);
      const converts = events.filter((e) => e.kind === 'convert');
      expect(converts).toHaveLength(4); // 2 modes x 2 runs, nothing else converts in a default run without an audit
      for (const start of converts) {
        const end = events.find((e) => e.kind === 'exit' && e.pid === start.pid && e.at >= start.at);
        expect(end).toBeDefined();
        const during = events.filter(
          (e) => e.kind === 'unlink' && e.path?.startsWith(`${target}/`) && e.at > start.at && e.at < (end?.at ?? 0),
        );
        expect(during).toEqual([]);
      }
      const gaps = afterEachRemoval(events, target);
      expect(gaps).toHaveLength(3); // the first three outputs; the last is removed after the last conversion
      for (const gap of gaps)
        expect(
          gap.some((e) => e.kind === 'sync'),
          'no sync after a removed output',
        ).toBe(true);
    }, 180_000);
  }
});

describe('a trace of a run', () => {
  it('reads a trace as the events it holds', () => {
    const log = [
      '10 1.000001 execve("/usr/bin/qemu-img", ["qemu-img", "convert", "-t", "writeback", "/t/a.raw"], 0x1) = 0',
      '11 1.500000 unlinkat(AT_FDCWD, "/t/a.raw", 0) = 0',
      '10 2.000000 +++ exited with 0 +++',
      '12 2.100000 execve("/usr/bin/sync", ["sync"], 0x1 /* 9 vars */ <unfinished ...>',
      '11 2.200000 unlink("/t/b.raw" <unfinished ...>',
      '13 2.300000 execve("/usr/bin/qemu-img", ["qemu-img", "info", "x"], 0x1) = 0',
    ].join('\n');
    expect(traceEvents(log, '/t')).toEqual([
      { at: 1.000001, kind: 'convert', pid: '10' },
      { at: 1.5, kind: 'unlink', pid: '11', path: '/t/a.raw' },
      { at: 2, kind: 'exit', pid: '10' },
      { at: 2.1, kind: 'sync', pid: '12' },
      { at: 2.2, kind: 'unlink', pid: '11', path: '/t/b.raw' },
    ]);
  });
});
