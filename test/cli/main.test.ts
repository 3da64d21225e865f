// Bad input: one line naming the problem and the fix, the exit code of its kind, quickly, nothing created on disk.
import {
  chmodSync,
  closeSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  truncateSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureDefaultImage } from '../../src/image/builtin-image.ts';
import { IS_ROOT, NEEDS_ROOT, ROOT, runCli, runCliAsNobody } from '../helpers/cli.ts';

const work = mkdtempSync(join(tmpdir(), 'qcb-cli-'));
const fake = join(ROOT, 'test/fixtures/fake-qemu-img.sh');
let image = '';

beforeAll(async () => {
  image = (
    await ensureDefaultImage(
      'qemu-img',
      { virtualSize: 64 * 1024 ** 2, dataSize: 8 * 1024 ** 2, clusterSize: 65536, seed: 3 },
      join(work, 'cache'),
    )
  ).path;
  writeFileSync(join(work, 'notes.txt'), 'hello, not an image\n');
  writeFileSync(join(work, 'plainfile'), 'x');
  // A qcow2 with a damaged header: valid magic, nonsense version.
  copyFileSync(image, join(work, 'damaged.qcow2'));
  const fd = openSync(join(work, 'damaged.qcow2'), 'r+');
  writeSync(fd, Buffer.from([0, 0, 0, 99]), 0, 4, 4);
  closeSync(fd);
  // A truncated qcow2: cut to its first 64 KiB.
  copyFileSync(image, join(work, 'truncated.qcow2'));
  truncateSync(join(work, 'truncated.qcow2'), 65536);
  mkdirSync(join(work, 'readonly'));
  // A qcow2 whose first L1 entry points at an unaligned offset with reserved bits set.
  copyFileSync(image, join(work, 'corrupt-l1.qcow2'));
  const l1 = openSync(join(work, 'corrupt-l1.qcow2'), 'r+');
  const header = Buffer.alloc(48);
  readSync(l1, header, 0, 48, 0);
  writeSync(l1, Buffer.from('8000000000123457', 'hex'), 0, 8, Number(header.readBigUInt64BE(40)));
  closeSync(l1);
  // Random bytes named like a qcow2 image.
  writeFileSync(
    join(work, 'random.qcow2'),
    Buffer.from(Array.from({ length: 1024 * 1024 }, (_, i) => (i * 7919) % 251)),
  );
}, 120_000);

const cases: [string, string[], RegExp][] = [
  [
    'missing image',
    ['--image', '/nonexistent/disk.qcow2'],
    /image not found: \/nonexistent\/disk.qcow2; pass an existing image/,
  ],
  ['a directory as image', ['--image', '/tmp'], /--image \/tmp is a directory/],
  ['a file that is not an image', ['--image', 'NOTES'], /does not look like a disk image/],
  ['a damaged qcow2 header', ['--image', 'DAMAGED'], /qemu-img cannot read .*damaged.qcow2 as an image|damaged/],
  ['a truncated qcow2', ['--image', 'TRUNCATED'], /truncated.qcow2.*(damaged|cannot read)/],
  [
    'a qcow2 with a corrupt L1 entry',
    ['--image', 'CORRUPTL1'],
    /qcow2 image .*corrupt-l1.qcow2 is damaged \(\d+ errors were found on the image, e\.g\. ERROR [^)]*\); repair it with qemu-img check -r/,
  ],
  [
    'random bytes named .qcow2',
    ['--image', 'RANDOMQCOW'],
    /random.qcow2 is named like a qcow2 image, but qemu-img reads it as raw \(no qcow2 header\); pass another image, or --image-format raw to measure it as raw/,
  ],
  [
    'unknown cache mode',
    ['--modes', 'writeback,fast'],
    /unknown cache mode 'fast' in --modes; use one or more of writethrough/,
  ],
  ['--runs 0', ['--runs', '0'], /--runs must be at least 1, got 0/],
  ['--runs negative', ['--runs', '-2'], /--runs must be at least 1/],
  ['--runs non-numeric', ['--runs', 'many'], /--runs must be a whole number, got 'many'/],
  ['missing target dir', ['--target-dir', '/nonexistent/dir'], /target dir not found: \/nonexistent\/dir/],
  ['target dir is a file', ['--target-dir', 'PLAINFILE'], /--target-dir .*plainfile is not a directory/],
  [
    'qemu-img missing',
    ['--qemu-img', '/nonexistent/qemu-img'],
    /qemu-img not usable: cannot run \/nonexistent\/qemu-img.*install qemu-utils/,
  ],
  ['qemu-img too old', ['--qemu-img', 'FAKE'], /is qemu-img 2.5.0, older than the minimum 2.11.0/],
  ['unknown option', ['--frobnicate'], /error: unknown option '--frobnicate'; see 'qemu-cache-bench bench --help'$/],
  ['unknown command', ['frobnicate'], /unknown command 'frobnicate'/],
  [
    'bad --emulate-flush-latency',
    ['--emulate-flush-latency', '2 parsecs'],
    /--emulate-flush-latency must be a duration/,
  ],
  [
    'unknown flush preset',
    ['--emulate-flush-latency', 'slow'],
    /unknown --emulate-flush-latency preset 'slow'; use one of plp-nvme/,
  ],
  ['bad --timeout', ['--timeout', 'soon'], /--timeout must be a duration/],
  ['bad --output-format', ['--output-format', 'vhdx'], /unknown --output-format 'vhdx'; use raw or qcow2/],
];

describe('bad input', () => {
  // Two at a time (the integration project's maxConcurrency): each is one short CLI process, and this file runs with
  // the timed tests, one file at a time, where the second core would otherwise wait.
  for (const [name, argv, message] of cases) {
    const code = /^qemu-img (missing|too old)$/.test(name) ? 3 : 2;
    it.concurrent(`${name}: one line, exit ${code}, nothing created`, async ({ expect }) => {
      const out = join(work, `out-${name.replace(/\W+/g, '-')}`);
      const args = argv.map(
        (a) =>
          ({
            NOTES: join(work, 'notes.txt'),
            DAMAGED: join(work, 'damaged.qcow2'),
            TRUNCATED: join(work, 'truncated.qcow2'),
            PLAINFILE: join(work, 'plainfile'),
            CORRUPTL1: join(work, 'corrupt-l1.qcow2'),
            RANDOMQCOW: join(work, 'random.qcow2'),
            FAKE: fake,
          })[a] ?? a,
      );
      const r = await runCli([...(name === 'unknown command' ? [] : ['bench']), ...args, '--out', out], {
        env: { FAKE_QEMU_IMG: 'version-old', QCB_CACHE_DIR: join(work, 'cache2') },
      });
      expect(r.code, r.stderr).toBe(code);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(/\bat .*\.[jt]s:\d+/);
      expect(r.stdout).toBe('');
      expect(existsSync(out)).toBe(false);
      expect(existsSync(join(work, 'cache2'))).toBe(false);
      expect(r.ms).toBeLessThan(5000);
    });
  }

  it.skipIf(!IS_ROOT)(`an unreadable image, as an unprivileged user ${NEEDS_ROOT}`, async () => {
    const secret = join(work, 'secret.qcow2');
    copyFileSync(image, secret);
    chmodSync(secret, 0o600);
    chmodSync(work, 0o755);
    const as = await runCliAsNobody(
      ['bench', '--image', secret, '--out', join(tmpdir(), `qcb-nobody-${process.pid}`)],
      { env: { HOME: tmpdir(), QCB_CACHE_DIR: join(tmpdir(), `qcb-nobody-cache-${process.pid}`) } },
    );
    expect(as.code, as.stderr).toBe(2);
    expect(as.stderr).toMatch(/cannot read image .*secret.qcow2 \(EACCES\)/);
  });

  it.skipIf(!IS_ROOT)(
    `an unwritable cache, as an unprivileged user: one line naming QCB_CACHE_DIR ${NEEDS_ROOT}`,
    async () => {
      const out = join(tmpdir(), `qcb-nobody3-${process.pid}`);
      // only HOME and PATH: CI exports QCB_CACHE_DIR, which would name a writable cache
      const as = await runCliAsNobody(['bench', '--target-dir', tmpdir(), '--out', out], {
        extendEnv: false,
        env: { HOME: '/nonexistent', PATH: process.env.PATH ?? '/usr/bin:/bin' },
      });
      expect(as.code, as.stderr).toBe(3);
      expect(as.stderr.trim().split('\n')).toHaveLength(1);
      expect(as.stderr).toMatch(
        /^qemu-cache-bench: error: cannot write the cache \/nonexistent\/\.cache\/qemu-cache-bench \(EACCES on \/\); set QCB_CACHE_DIR to a writable folder$/m,
      );
      expect(existsSync(out)).toBe(false);
    },
  );

  it.skipIf(!IS_ROOT)(`a read-only target dir, as an unprivileged user ${NEEDS_ROOT}`, async () => {
    chmodSync(join(work, 'readonly'), 0o555);
    const as = await runCliAsNobody(
      ['bench', '--target-dir', join(work, 'readonly'), '--out', join(tmpdir(), `qcb-nobody2-${process.pid}`)],
      { env: { HOME: tmpdir() } },
    );
    expect(as.code, as.stderr).toBe(3);
    expect(as.stderr).toMatch(/target dir .*readonly is not writable/);
  });

  it('--help prints usage and exits 0', async () => {
    const r = await runCli(['bench', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/--emulate-flush-latency/);
  });

  it('report of a file that is not a results file, or is newer, is one line and exit 2', async () => {
    writeFileSync(join(work, 'other.json'), '{"hello": 1}');
    writeFileSync(join(work, 'newer.json'), '{"schemaVersion": 99}');
    const a = await runCli(['report', join(work, 'other.json')]);
    expect(a.code).toBe(2);
    expect(a.stderr.trim()).toMatch(/not a qemu-cache-bench results file \(no schemaVersion\)/);
    const b = await runCli(['report', join(work, 'newer.json')]);
    expect(b.code).toBe(2);
    expect(b.stderr.trim()).toMatch(/schemaVersion 99, newer than this tool's 3; upgrade/);
    expect(readdirSync(work).filter((f) => f.startsWith('report'))).toEqual([]);
    expect(readFileSync(join(work, 'other.json'), 'utf8')).toBe('{"hello": 1}');
  });

  it('an image path with spaces, quotes, $(...), a newline and a leading dash works', async () => {
    const weird = join(work, `-x $(touch pwned) 'q' "d"\nnl.qcow2`);
    copyFileSync(image, weird);
    const target = join(work, 'weird-target');
    mkdirSync(target);
    const r = await runCli([
      'bench',
      '--image',
      weird,
      '--modes',
      'writeback',
      '--baseline',
      'writeback',
      '--runs',
      '1',
      '--no-flush-probe',
      '--target-dir',
      target,
      '--out',
      join(work, 'out-weird'),
      '--quiet',
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(join(ROOT, 'pwned'))).toBe(false);
    expect(existsSync(join(work, 'pwned'))).toBe(false);
    const results = JSON.parse(readFileSync(join(work, 'out-weird', 'results.json'), 'utf8'));
    expect(results.image.path).toBe(weird);
    expect(results.samples[0].state).toBe('ok');
  });

  it('--json prints the results object on stdout and nothing else', async () => {
    const target = join(work, 'json-target');
    mkdirSync(target);
    const r = await runCli([
      'bench',
      '--image',
      image,
      '--modes',
      'writeback',
      '--baseline',
      'writeback',
      '--runs',
      '1',
      '--no-flush-probe',
      '--target-dir',
      target,
      '--out',
      join(work, 'out-json'),
      '--json',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const results = JSON.parse(r.stdout);
    expect(results.schemaVersion).toBe(3);
    expect(results.samples).toHaveLength(1);
    expect(r.stderr).toBe('');
  });

  it('a target dir locked by a live harness is refused, and no results folder is left behind', async () => {
    const target = join(work, 'locked-target');
    mkdirSync(target);
    writeFileSync(join(target, '.qemu-cache-bench.lock'), '1\n');
    const out = join(work, 'out-locked');
    const r = await runCli([
      'bench',
      '--image',
      image,
      '--runs',
      '1',
      '--no-flush-probe',
      '--target-dir',
      target,
      '--out',
      out,
    ]);
    expect(r.code).toBe(3);
    expect(r.stderr.trim()).toMatch(
      /locked-target is in use by another qemu-cache-bench \(PID 1 on \S+\); wait for it or pass another --target-dir; if that run is gone, remove .*locked-target\/\.qemu-cache-bench\.lock$/,
    );
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(target)).toEqual(['.qemu-cache-bench.lock']);
  });
});

describe('exit codes: one per kind of ending', () => {
  it('nothing measured: every run failed, exit 4, one line, results kept', async () => {
    const out = join(work, 'out-nothing');
    const raw = join(work, 'nothing.raw');
    writeFileSync(raw, Buffer.alloc(65536));
    const r = await runCli(
      ['bench', '--qemu-img', fake, '--image', raw, '--image-format', 'raw', '--modes', 'none', '--runs', '1'].concat([
        '--no-flush-probe',
        '--target-dir',
        work,
        '--out',
        out,
        '--quiet',
      ]),
      { env: { FAKE_QEMU_IMG: 'fail-none', QCB_CACHE_DIR: join(work, 'cache3') } },
    );
    expect(r.code, r.stderr).toBe(4);
    expect(r.stderr).not.toMatch(/\bat .*\.[jt]s:\d+/);
    expect(JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')).samples[0].state).toBe('failed');
  });
  it('internal: a bug exits 70 and is the only kind printed with a stack', async () => {
    const r = await runCli(['bench', '--runs', '1'], { env: { QCB_FORCE_INTERNAL_ERROR: '1' } });
    expect(r.code).toBe(70);
    expect(r.stderr).toMatch(/^qemu-cache-bench: internal error \(please report it\): Error: forced internal error/);
    expect(r.stderr).toMatch(/\n\s+at .*main\.js:\d+/);
  });
  it('--help lists every exit code', async () => {
    const r = await runCli(['compare', '--help']);
    expect(r.code).toBe(0);
    const codes = [...r.stdout.split('Exit codes\n')[1]!.matchAll(/^ {2}(\d+)\s/gm)].map((m) => Number(m[1]));
    expect(codes).toEqual([0, 2, 3, 4, 70, 129, 130]);
  });
});
