import { describe, expect, it } from 'vitest';
import { parseStraceLog } from '../../src/flush/audit.ts';

const LOG = `4711  openat(AT_FDCWD, "/src/img.qcow2", O_RDONLY|O_CLOEXEC) = 8
4711  openat(AT_FDCWD, "/t/out-none.raw", O_RDWR|O_CREAT|O_DIRECT|O_CLOEXEC, 0644) = 9
4712  pwrite64(9, ""..., 65536, 1048576) = 65536
4713  pwritev(9, [...], 2, 2097152 <unfinished ...>
4713  <... pwritev resumed>) = 131072
4712  fdatasync(9 <unfinished ...>
4712  <... fdatasync resumed>) = 0
4711  pwrite64(8, ""..., 512, 0) = 512
4711  fsync(8) = 0
4711  fdatasync(9) = 0
4711  sync_file_range(9, 0, 0, SYNC_FILE_RANGE_WRITE) = 0
`;

describe('parseStraceLog', () => {
  it('counts writes and flushes on the target file only, and its open flags', () => {
    expect(parseStraceLog(LOG, '/t/out-none.raw')).toEqual({
      writes: 2,
      fsync: 0,
      fdatasync: 2,
      syncFileRange: 1,
      openFlags: ['O_DIRECT'],
    });
  });
  it('counts nothing for a file that was never opened', () => {
    expect(parseStraceLog(LOG, '/elsewhere.raw')).toEqual({
      writes: 0,
      fsync: 0,
      fdatasync: 0,
      syncFileRange: 0,
      openFlags: [],
    });
  });
});
