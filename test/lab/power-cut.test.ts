// The power-cut scenario's step logic without a guest: a boot that ended before its step began is booted once more,
// and only such a boot (a scripted boot function stands in for qemu-system and the power-cut file system).
import { describe, expect, it } from 'vitest';
import type { GuestRun } from '../../lab/guest-run.ts';
import type { ScenarioInputs } from '../../lab/lab-work.ts';
import { bootStep, type CutBoot, type CutBootOptions } from '../../lab/power-cut.ts';

function options(n: number, signal = new AbortController().signal): CutBootOptions {
  const o = {} as ScenarioInputs;
  return { o, share: '/nowhere', binary: '/nowhere', diskFolder: '/nowhere', n, midAfter: null, signal, extra: [] };
}

function run(console: string, failure: string | null): GuestRun {
  return { exitCode: failure ? null : 0, accelerator: 'tcg', seconds: 20, console, failure };
}

const started: CutBoot = {
  startedMs: 1000,
  returnedMs: 1500,
  convertExit: 0,
  cutMs: 1510,
  run: run('LAB: convert start 3\nLAB: convert returned 3 0\n', 'cancelled'),
  bootedAgainAfter: null,
};
const hung: CutBoot = {
  startedMs: null,
  returnedMs: null,
  convertExit: null,
  cutMs: null,
  run: run('LAB: init up\nLAB: recover 2\n', 'the guest did not finish within 300 s'),
  bootedAgainAfter: null,
};

/** A boot function that answers the scripted boots in turn and counts its calls. */
function scripted(...boots: CutBoot[]) {
  const calls: CutBootOptions[] = [];
  const boot = async (b: CutBootOptions) => {
    calls.push(b);
    const next = boots[calls.length - 1];
    if (!next) throw new Error('booted more often than scripted');
    return next;
  };
  return { boot, calls };
}

describe('bootStep', () => {
  it('keeps a boot whose conversion started, even when the guest then failed (a cut case always does)', async () => {
    const s = scripted(started);
    const failed: CutBoot[] = [];
    expect(await bootStep(options(3), (f) => failed.push(f), s.boot)).toEqual(started);
    expect([s.calls.length, failed.length]).toEqual([1, 0]);
  });

  it('boots once more when the conversion never started, and says why the first ended', async () => {
    const s = scripted(hung, started);
    const failed: CutBoot[] = [];
    const got = await bootStep(options(3), (f) => failed.push(f), s.boot);
    expect(got).toEqual({ ...started, bootedAgainAfter: 'the guest did not finish within 300 s' });
    expect(failed).toEqual([hung]);
    expect(s.calls.length).toBe(2);
  });

  it('a second failure stands: no third boot', async () => {
    const s = scripted(hung, hung);
    const got = await bootStep(options(3), () => {}, s.boot);
    expect([got.startedMs, got.bootedAgainAfter, s.calls.length]).toEqual([
      null,
      'the guest did not finish within 300 s',
      2,
    ]);
  });

  it("the lane's last boot began when the tool's run was announced", async () => {
    const ran: CutBoot = { ...hung, run: run('LAB: recover 7\nLAB: run: qemu-cache-bench bench\n', 'cancelled') };
    const once = scripted(ran);
    expect(await bootStep(options(-1), () => {}, once.boot)).toEqual(ran);
    const twice = scripted(hung, ran);
    expect((await bootStep(options(-1), () => {}, twice.boot)).bootedAgainAfter).toBe(hung.run.failure);
  });

  it('does not boot again once the lab was stopped', async () => {
    const stop = new AbortController();
    stop.abort();
    const s = scripted(hung);
    expect(await bootStep(options(3, stop.signal), () => {}, s.boot)).toEqual(hung);
    expect(s.calls.length).toBe(1);
  });
});
