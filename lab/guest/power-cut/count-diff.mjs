// Bytes of a recovered output that differ from the source's raw reference over the reference's size (a byte past the
// output's end reads as zero), as the tool's power-cut check counts them; qemu-img compare's exit code decides intact.
// Usage: node count-diff.mjs OUTPUT REFERENCE COMPARE_EXIT   -> one JSON line
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

const [output, reference, compareExit] = process.argv.slice(2);
const CHUNK = 1 << 20;
const fa = openSync(output, 'r');
const fb = openSync(reference, 'r');
const size = fstatSync(fb).size;
const ba = Buffer.alloc(CHUNK);
const bb = Buffer.alloc(CHUNK);
let bytes = 0;
let first = null;
function readFull(fd, buf, len, pos) {
  let got = 0;
  while (got < len) {
    const n = readSync(fd, buf, got, len - got, pos + got);
    if (n === 0) break;
    got += n;
  }
  buf.fill(0, got, len);
}
for (let pos = 0; pos < size; pos += CHUNK) {
  const len = Math.min(CHUNK, size - pos);
  readFull(fa, ba, len, pos);
  readFull(fb, bb, len, pos);
  if (ba.subarray(0, len).equals(bb.subarray(0, len))) continue;
  for (let i = 0; i < len; i++) {
    if (ba[i] === bb[i]) continue;
    bytes++;
    first ??= pos + i;
  }
}
const outputSize = fstatSync(fa).size;
closeSync(fa);
closeSync(fb);
const compared = Number(compareExit);
const json = {
  output: compared === 2 ? 'unreadable' : 'present',
  compareExit: compared,
  outputSize,
  differingBytes: bytes,
  firstDifferenceOffset: first,
};
console.log(JSON.stringify(json));
