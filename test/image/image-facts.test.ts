// Images qemu-img cannot open for a reason other than absence: each gets its own one-line message (real qemu-img).
import {
  appendFileSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { cachedSha256File, validateImage } from '../../src/image/image-facts.ts';
import { UsageError } from '../../src/model/errors.ts';

const dir = mkdtempSync(join(tmpdir(), 'qcb-open-'));
const at = (name: string) => join(dir, name);

beforeAll(async () => {
  await execa('qemu-img', ['create', '-f', 'qcow2', at('base.qcow2'), '64M']);
  await execa('qemu-img', ['create', '-f', 'qcow2', '-b', at('base.qcow2'), '-F', 'qcow2', at('over.qcow2')]);
  rmSync(at('base.qcow2'));
  // iter-time: 10 ms of key derivation instead of the default 2 s (the header is the same kind; nothing here opens it).
  const luks = 'encrypt.format=luks,encrypt.key-secret=s0,encrypt.iter-time=10';
  const secret = ['--object', 'secret,id=s0,data=abc', '-o', luks];
  // LUKS creation times its key derivation by the thread's CPU time; when a first batch measures 0 ms qemu-img gives
  // up ("Unable to get accurate CPU usage", seen once in CI): a fixture flake, so try again, a few times at most.
  for (let attempt = 1; ; attempt++) {
    const made = await execa('qemu-img', ['create', '-f', 'qcow2', ...secret, at('enc.qcow2'), '16M'], {
      reject: false,
    });
    if (made.exitCode === 0) break;
    if (attempt === 3 || !/accurate CPU usage/.test(String(made.stderr))) throw new Error(String(made.stderr));
    rmSync(at('enc.qcow2'), { force: true });
  }
  await execa('qemu-img', ['create', '-f', 'qcow2', at('held.qcow2'), '16M']);
});

async function refusal(path: string): Promise<string> {
  try {
    await validateImage('qemu-img', path, undefined);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error(`${path} was accepted`);
}

describe('validateImage names why an existing image cannot be opened', () => {
  it('a missing backing file, by its name', async () => {
    expect(await refusal(at('over.qcow2'))).toBe(
      `the backing file of ${at('over.qcow2')} is missing: ${at('base.qcow2')}; restore it, or pass an image without a backing chain (qemu-img convert the overlay once)`,
    );
  });
  it('an encrypted image without its secret', async () => {
    expect(await refusal(at('enc.qcow2'))).toMatch(
      new RegExp(
        `^${at('enc.qcow2')} is encrypted \\(luks\\) and qemu-cache-bench passes no secret; decrypt a copy first`,
      ),
    );
  });
  it('an image held open by another qemu process (qemu image locking)', async () => {
    const holder = execa('qemu-io', ['-f', 'qcow2', '-c', 'sleep 20000', at('held.qcow2')], { reject: false });
    try {
      await new Promise((r) => setTimeout(r, 800));
      expect(await refusal(at('held.qcow2'))).toBe(
        `${at('held.qcow2')} is in use: a running VM or another qemu-img holds qemu's lock on it; stop it, or pass a copy of the image`,
      );
    } finally {
      holder.kill('SIGKILL');
      await holder;
    }
  });
});

describe('cachedSha256File reads a file once per version of it', () => {
  const sha256sum = async (path: string) => (await execa('sha256sum', [path])).stdout.split(' ')[0];

  it('keeps the hash by path and stamp, and reads again when the file was written, even with its mtime set back', async () => {
    const file = at('hashed.bin');
    const cache = mkdtempSync(join(tmpdir(), 'qcb-sha-'));
    writeFileSync(file, 'the first version\n');
    const first = await sha256sum(file);
    expect(await cachedSha256File(file, cache)).toBe(first);
    const [kept] = readdirSync(join(cache, 'sha256'));
    expect(readFileSync(join(cache, 'sha256', kept as string), 'utf8')).toBe(`${first}\n`);
    // Taken from the cache, not the file: a planted value comes back.
    writeFileSync(join(cache, 'sha256', kept as string), `${'a'.repeat(64)}\n`);
    expect(await cachedSha256File(file, cache)).toBe('a'.repeat(64));
    // Appended: size, mtime and ctime move.
    appendFileSync(file, 'more\n');
    const second = await sha256sum(file);
    expect(second).not.toBe(first);
    expect(await cachedSha256File(file, cache)).toBe(second);
    // The same size rewritten and its mtime set back: ctime still moves.
    const { atime, mtime } = statSync(file);
    writeFileSync(file, 'THE FIRST VERSION\nmore\n');
    utimesSync(file, atime, mtime);
    const third = await sha256sum(file);
    expect(third).not.toBe(second);
    expect(await cachedSha256File(file, cache)).toBe(third);
    expect(readdirSync(join(cache, 'sha256'))).toHaveLength(3);
  });

  it('an unwritable cache only costs the reading', async () => {
    const file = at('hashed2.bin');
    writeFileSync(file, 'data\n');
    const cacheIsAFile = at('not-a-folder');
    writeFileSync(cacheIsAFile, '');
    expect(await cachedSha256File(file, cacheIsAFile)).toBe(await sha256sum(file));
    expect(await cachedSha256File(file, cacheIsAFile)).toBe(await sha256sum(file));
  });
});
