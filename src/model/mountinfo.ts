// /proc/self/mountinfo as data (pure): the storage facts, the power-cut mounts and the discard wait read it through
// this parser; the mount that holds a path.

/** One mount: where, what file system, its options and source. */
export interface Mount {
  mountPoint: string;
  fsType: string;
  options: string;
  source: string;
}

/** Parses /proc/self/mountinfo lines (octal escapes such as \040 decoded). */
export function parseMountInfo(text: string): Mount[] {
  const mounts: Mount[] = [];
  for (const line of text.split('\n')) {
    const sep = line.indexOf(' - ');
    if (sep < 0) continue;
    const left = line.slice(0, sep).split(' ');
    const right = line.slice(sep + 3).split(' ');
    const unescapeOctal = (s: string) => s.replace(/\\(\d{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
    mounts.push({
      mountPoint: unescapeOctal(left[4] ?? ''),
      options: `${left[5] ?? ''}${right[2] ? ` (${right[2]})` : ''}`,
      fsType: right[0] ?? '',
      source: unescapeOctal(right[1] ?? ''),
    });
  }
  return mounts;
}

/** The mount holding `path`: the longest mount point that prefixes it (last mounted wins). */
export function mountFor(path: string, mounts: Mount[]): Mount | null {
  let best: Mount | null = null;
  for (const m of mounts) {
    const prefix = m.mountPoint === '/' ? '/' : `${m.mountPoint}/`;
    if (path === m.mountPoint || path.startsWith(prefix)) {
      if (!best || m.mountPoint.length >= best.mountPoint.length) best = m;
    }
  }
  return best;
}
