// Seeded bytes for the default image: random (incompressible) and text-like (compressible), same on every host.
import { createCipheriv, createHash } from 'node:crypto';
import { type Random, seededRandom } from '../model/prng.ts';

const WORDS = (
  'usr lib bin etc share doc locale systemd python3 perl include x86_64-linux-gnu libc so config ' +
  'default install package version copyright license debian changelog gz man page service unit ' +
  'network interface address route kernel module firmware boot grub efi cloud init user group ' +
  'password shadow login shell bash profile environment path home root var log cache apt dpkg ' +
  'status info list md5sums conffiles triggers postinst prerm README NEWS TODO AUTHORS 0 1 2 3 ' +
  'true false yes no enable disable start stop restart reload after before wants requires'
).split(' ');

/** A stream of pseudo-random bytes from a seed (AES-256-CTR keystream). */
export class RandomBytes {
  readonly #cipher;
  constructor(seed: number) {
    const key = createHash('sha256').update(`qemu-cache-bench random ${seed}`).digest();
    this.#cipher = createCipheriv('aes-256-ctr', key, Buffer.alloc(16));
  }
  /** The next `length` bytes of the stream. */
  next(length: number): Buffer {
    return this.#cipher.update(Buffer.alloc(length));
  }
}

/** A pool of text-like lines (words, paths, numbers) to copy compressible extents from. */
export function textPool(seed: number, bytes = 1024 * 1024): Buffer {
  const random: Random = seededRandom(seed ^ 0x5eed);
  const parts: string[] = [];
  let size = 0;
  while (size < bytes) {
    const count = 3 + Math.floor(random() * 9);
    const line: string[] = [];
    for (let i = 0; i < count; i++) line.push(WORDS[Math.floor(random() * WORDS.length)] as string);
    const text = `${random() < 0.3 ? `/${line.join('/')}` : line.join(' ')} ${Math.floor(random() * 100000)}\n`;
    parts.push(text);
    size += text.length;
  }
  return Buffer.from(parts.join('')).subarray(0, bytes);
}

/** Fills `length` bytes of text by copying slices of `pool` from seeded offsets. */
export function textBytes(pool: Buffer, length: number, random: Random): Buffer {
  const out = Buffer.alloc(length);
  let filled = 0;
  while (filled < length) {
    const start = Math.floor(random() * pool.length);
    const take = Math.min(length - filled, pool.length - start, 4096 + Math.floor(random() * 60000));
    pool.copy(out, filled, start, start + take);
    filled += take;
  }
  return out;
}
