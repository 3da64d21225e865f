// The report's "Durability" section and its verdict bullet: what a simulated power cut left of each mode's output
// (--durability-check), and the bytes each timed run left unflushed at exit (the flush meter) (pure).
import { powerCutOf, unflushedPerRun } from '../analyze/durability.ts';
import { REAL_POWER_CUT_TEXT } from '../model/reference.ts';
import type { DurabilityCheck, PowerCutOutcome, Results } from '../model/results.ts';
import { formatBytes, secs } from '../model/units.ts';
import type { Block } from './document-model.ts';
import { notMeasuredText } from './finding-text.ts';

/** What the simulation assumes, said wherever its results are. */
export const POWER_CUT_ASSUMPTION =
  'The simulation assumes the worst case: nothing unflushed survives a cut; a flush cut half-way counts as not ' +
  "done; a file's directory entry survives only once the file itself was flushed; O_DIRECT writes count as reaching " +
  'a disk with a volatile write cache, durable only after a flush.';

/** One power-cut outcome in words: "intact" or "lost: 12.0 MiB of 4.0 GiB differ (first at offset 8388608)". */
export function powerCutText(outcome: PowerCutOutcome, virtualSize: number): string {
  if (outcome.state === 'intact') return 'intact';
  if (outcome.output === 'missing') return 'lost: the output does not exist (it was never flushed)';
  if (outcome.output === 'unreadable') return 'lost: qemu-img cannot open the output';
  const at = outcome.firstDifferenceOffset === null ? '' : ` (first at offset ${outcome.firstDifferenceOffset})`;
  return `lost: ${formatBytes(outcome.differingBytes)} of ${formatBytes(virtualSize)} differ${at}`;
}

function atReturnText(check: DurabilityCheck, virtualSize: number): string {
  if (check.state === 'failed' || check.atReturn === null) return `not checked: ${check.error ?? 'failed'}`;
  const outcome = {
    state: check.atReturn,
    output: check.output ?? 'present',
    differingBytes: check.differingBytes ?? 0,
    firstDifferenceOffset: check.firstDifferenceOffset,
  };
  return powerCutText(outcome, virtualSize);
}

/** The mid-conversion cut: when (seconds into the conversion, of its duration at return) and what it left. */
function midCells(check: DurabilityCheck, virtualSize: number): [string, string] {
  const mid = check.midConversion;
  if (!mid) return ['-', '-'];
  const when = `${secs(mid.cutAtSeconds)} of ${secs(check.convertSeconds)}`;
  if (mid.cut === 'returned') return [when, 'not cut: qemu-img returned first'];
  return [when, powerCutText(mid.outcome, virtualSize)];
}

/** The unflushed bytes at exit of each timed run ("0 B in each of 4 runs", or each), or why there are none. */
function unflushedText(results: Results, caseId: string, mode: string): string {
  const runs = unflushedPerRun(results, caseId, mode);
  if (!runs.length) return 'no measured run';
  if (runs.every((r) => r === null)) return 'not metered';
  const texts = runs.map((r) => (r === null ? '?' : formatBytes(r)));
  if (texts.every((t) => t === texts[0]))
    return `${texts[0]} in ${runs.length > 1 ? `each of ${runs.length} runs` : '1 run'}`;
  return texts.join(', ');
}

/** How a block-device target was simulated, when the run has one. */
function blockText(results: Results): string {
  if (!results.cases.some((c) => c.targetKind !== 'dir')) return '';
  return (
    'A block-device target was simulated by a loop device over a zeroed file of the image size on that file ' +
    "system, converted onto with -n; the loop forwards the device's flushes as fsync of the file (the check never " +
    'writes the device itself). '
  );
}

/** The "Durability" section: the power-cut results (or why there are none) and the meter's unflushed bytes. */
export function durabilityBlocks(results: Results): Block[] {
  const many = results.summary.cases.length > 1;
  const size = results.image.virtualSize;
  const checked = results.config.durabilityCheck;
  const rows = results.summary.cases.flatMap((c) =>
    c.modes.map((m) => {
      const check = results.durability.find((d) => d.caseId === c.caseId && d.mode === m.mode);
      const cut = check ? [atReturnText(check, size), ...midCells(check, size)] : ['not checked', '-', '-'];
      return [...(many ? [c.caseId] : []), m.mode, ...(checked ? cut : []), unflushedText(results, c.caseId, m.mode)];
    }),
  );
  const head = [
    ...(many ? ['case'] : []),
    'mode',
    ...(checked ? ['power cut when qemu-img returned', 'power cut mid-conversion at', 'what that cut left'] : []),
    'unflushed at exit, each timed run (flush meter)',
  ];
  const unavailable = results.notMeasured.filter((n) => n.code.startsWith('durability-')).map(notMeasuredText);
  const intro = checked
    ? 'Power-cut check (--durability-check, untimed): each mode converted the image once more onto a FUSE file ' +
      "system of this tool's own (scripts/power-cut-fs.c) that keeps written data in a volatile cache until the " +
      "file's own fsync/fdatasync persists it to a backing folder. The power was cut (the file system killed with " +
      'SIGKILL) right after qemu-img returned, and in a second conversion at a random point of it; the backing ' +
      'folder was then mounted again and the output compared with the source (qemu-img compare, and the differing ' +
      `bytes counted against a raw copy of the source). ${blockText(results)}${POWER_CUT_ASSUMPTION} ` +
      REAL_POWER_CUT_TEXT
    : 'Power cut: not checked: run with --durability-check (untimed; needs /dev/fuse and root) to convert each mode ' +
      'onto a file system that loses everything unflushed when its power is cut, and compare the output afterwards.';
  return [
    { kind: 'heading', level: 2, text: 'Durability' },
    { kind: 'para', text: intro },
    ...(unavailable.length ? [{ kind: 'list' as const, items: unavailable }] : []),
    { kind: 'table', head, rows },
  ];
}

/** The verdict's durability bullet from the power-cut check of a case, or null when it has none. */
export function powerCutBullet(results: Results, caseId: string): string | null {
  const modes = results.summary.cases.find((c) => c.caseId === caseId)?.modes ?? [];
  const checks = modes.flatMap((m) => powerCutOf(results, caseId, m.mode) ?? []);
  if (!checks.length) return null;
  const intact = checks.filter((c) => c.atReturn === 'intact').map((c) => c.mode);
  const lost = checks
    .filter((c) => c.atReturn === 'lost')
    .map((c) => `${c.mode} ${atReturnText(c, results.image.virtualSize)}`);
  const cut = checks.filter((c) => c.midConversion?.cut === 'cut');
  const broken = cut.filter((c) => c.midConversion?.outcome.state === 'lost').length;
  const mid = !cut.length
    ? ''
    : broken === cut.length
      ? 'a cut mid-conversion broke the output in every mode'
      : `a cut mid-conversion broke the output in ${broken} of ${cut.length} modes`;
  const parts = [intact.length ? `${intact.join(', ')} intact` : '', ...lost, mid].filter(Boolean);
  return `Durability, measured by a simulated power cut when qemu-img returned: ${parts.join('; ')}.`;
}
