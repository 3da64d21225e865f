// The published 2019 measurement every verdict and chart compares against: the one place its figures are written.

/** Nova bug 1818847 (2019): Fedora-Cloud-Base-29 qcow2 -> raw on one SSD, timed by hand with `time`. */
export const REFERENCE_2019 = {
  /** Launchpad bug number of the Nova change from writethrough to writeback. */
  bug: 1818847,
  /** qemu-img release used for the measurement. */
  qemuImg: '2.11',
  /** Storage it ran on. */
  storage: 'SSD',
  /** Year of the measurement. */
  year: 2019,
  /** `qemu-img convert -t writethrough`, seconds. */
  writethroughSeconds: 103.47,
  /** `qemu-img convert -t writeback`, seconds. */
  writebackSeconds: 7.39,
  /** The ratio as published (103.47 / 7.39, rounded). */
  ratio: 14.0,
} as const;

/** "Nova bug 1818847 (2019, qemu-img 2.11, SSD)": the source as reports cite it. */
export const REFERENCE_SOURCE =
  `Nova bug ${REFERENCE_2019.bug} (${REFERENCE_2019.year}, qemu-img ` +
  `${REFERENCE_2019.qemuImg}, ${REFERENCE_2019.storage})`;

/** "2019 Nova bug 1818847: 14.0x": the label of the reference line on charts. */
export const REFERENCE_LINE_LABEL =
  `${REFERENCE_2019.year} Nova bug ${REFERENCE_2019.bug}: ` + `${REFERENCE_2019.ratio.toFixed(1)}x`;

/**
 * Write requests (each followed by a flush under writethrough) assumed for the 2019 image. Not published: an
 * assumption from the write counts measured on real root file system images converted by qemu-img 7.2 (13,373 for
 * 860 MiB of /usr and /etc; 14,000-16,000 per GiB of data), scaled to the ~0.9 GiB of data of Fedora-Cloud-Base-29.
 */
export const ASSUMED_2019_FLUSHES = 12_500;

/** Basis of {@link ASSUMED_2019_FLUSHES}, for reports. */
export const ASSUMED_2019_FLUSHES_BASIS =
  'an assumption: the 2019 report gives no flush count; real root file system images converted by qemu-img 7.2 ' +
  'make 14,000-16,000 writes per GiB of data';

/** Flush latency the 2019 figures imply: the writethrough penalty spread over the assumed flush count, ms. */
export const IMPLIED_2019_FLUSH_MS =
  ((REFERENCE_2019.writethroughSeconds - REFERENCE_2019.writebackSeconds) / ASSUMED_2019_FLUSHES) * 1000;

/** Real root file system images make about this many write requests per GiB of data (measured, qemu-img 7.2). */
export const REAL_IMAGE_WRITES_PER_GIB = '14,000-16,000';

/**
 * The power-cut check's model held against a real kernel (`npm run lab -- power-cut`): a whole guest cut off (its disk
 * on the power-cut file system, qemu-system and that file system killed together), the disk recovered by the next
 * boot, each mode on ext4 and XFS, cut at qemu-img's return and mid-conversion, against --durability-check in the
 * same guest. The committed run is `results/example-lab-power-cut/power-cut.json`; a test holds these figures to it.
 */
export const REAL_POWER_CUT_EVIDENCE = {
  /** When the committed run was made. */
  date: '2026-12-03',
  /** The guest's kernel. */
  kernel: 'Linux 6.1 (Debian 12)',
  fileSystems: 'ext4 and XFS',
  /** Cases (file system x mode x cut) where the real and simulated outcomes agreed, of all compared. */
  agreed: 16,
  compared: 16,
  where: 'results/example-lab-power-cut/power-cut.md',
} as const;

/** The sentence every Durability section cites the real-cut evidence with. */
export const REAL_POWER_CUT_TEXT =
  `This simulation agreed with a real power cut of a whole guest (${REAL_POWER_CUT_EVIDENCE.kernel}, ` +
  `${REAL_POWER_CUT_EVIDENCE.fileSystems}, every mode cut when qemu-img returned and mid-conversion, the disk ` +
  `recovered by the next boot) in ${REAL_POWER_CUT_EVIDENCE.agreed} of ${REAL_POWER_CUT_EVIDENCE.compared} cases ` +
  `on ${REAL_POWER_CUT_EVIDENCE.date} (${REAL_POWER_CUT_EVIDENCE.where} in the tool's repository).`;
