import { describe, expect, it } from 'vitest';
import { runRounds } from '../../src/engine/scheduler.ts';

type Cell = { id: number };

describe('runRounds', () => {
  const rounds: Cell[][] = [
    [{ id: 1 }, { id: 2 }],
    [{ id: 3 }, { id: 4 }],
  ];

  it('measures every cell in order and records each before the next starts', async () => {
    const log: string[] = [];
    const outcome = await runRounds<Cell, number>(
      rounds,
      {
        measure: async (c) => {
          log.push(`m${c.id}`);
          return c.id * 10;
        },
        record: (s) => void log.push(`r${s}`),
      },
      new AbortController().signal,
    );
    expect(log).toEqual(['m1', 'r10', 'm2', 'r20', 'm3', 'r30', 'm4', 'r40']);
    expect(outcome).toEqual({ state: 'complete', measured: 4, rounds: 2 });
  });

  it('ends the plan between rounds when continueAfterRound says so', async () => {
    const seen: number[] = [];
    const asked: number[] = [];
    const out = await runRounds<Cell, number>(
      [...rounds, [{ id: 5 }]],
      {
        measure: async (c) => c.id,
        record: (s) => void seen.push(s),
        continueAfterRound: (walked) => {
          asked.push(walked);
          return walked < 2;
        },
      },
      new AbortController().signal,
    );
    expect(seen).toEqual([1, 2, 3, 4]);
    expect(asked).toEqual([1, 2]);
    expect(out).toEqual({ state: 'complete', measured: 4, rounds: 2 });
  });

  it('skips cells already done (resume)', async () => {
    const seen: number[] = [];
    await runRounds<Cell, number>(
      rounds,
      { measure: async (c) => c.id, record: (s) => void seen.push(s), isDone: (c) => c.id <= 2 },
      new AbortController().signal,
    );
    expect(seen).toEqual([3, 4]);
  });

  it('leaves out a cell that skip() names just before it would run, deciding with what was recorded so far', async () => {
    const seen: number[] = [];
    const out = await runRounds<Cell, number>(
      rounds,
      { measure: async (c) => c.id, record: (s) => void seen.push(s), skip: (c) => c.id === 4 && seen.includes(3) },
      new AbortController().signal,
    );
    expect(seen).toEqual([1, 2, 3]);
    expect(out).toEqual({ state: 'complete', measured: 3, rounds: 2 });
  });

  it('records a failed measurement and goes on; stops when asked', async () => {
    const seen: number[] = [];
    const out = await runRounds<Cell, number>(
      rounds,
      { measure: async (c) => (c.id === 2 ? -1 : c.id), record: (s) => void seen.push(s) },
      new AbortController().signal,
    );
    expect(seen).toEqual([1, -1, 3, 4]);
    expect(out.state).toBe('complete');
    const stopped = await runRounds<Cell, number>(
      rounds,
      { measure: async (c) => (c.id === 2 ? -1 : c.id), record: () => {}, shouldStop: (s) => s < 0 },
      new AbortController().signal,
    );
    expect(stopped).toEqual({ state: 'stopped', measured: 2, rounds: 0 });
  });

  it('drops the sample measured while aborting and reports the interruption', async () => {
    const controller = new AbortController();
    const seen: number[] = [];
    const out = await runRounds<Cell, number>(
      rounds,
      {
        measure: async (c) => {
          if (c.id === 3) controller.abort();
          return c.id;
        },
        record: (s) => void seen.push(s),
      },
      controller.signal,
    );
    expect(seen).toEqual([1, 2]);
    expect(out).toMatchObject({ state: 'interrupted', measured: 2 });
  });
});
