/** Grid expansion (counts, order, ranges) and shard slicing. */
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { Grid, parseShard, shardRange } from '../../src/sweep/grid.js';
import { validateSpec } from '../../src/sweep/spec.js';

process.env['KEYRATE_TEST_EVALUATORS'] = '1';

const spec3 = validateSpec({ engine: 'test', quantity: 'fake', axes: { label: ['p', 'q'], y: [10, 20, 30], x: [1, 2, 3, 4] } });

describe('grid', () => {
  it('is the product of the axes in row-major order (first axis outermost)', () => {
    const g = new Grid(spec3, false);
    expect(g.size).toBe(24);
    const seen: string[] = [];
    for (let i = 0; i < g.size; i++) seen.push(g.axisValues(i).join('|'));
    const expected: string[] = [];
    for (const l of ['p', 'q']) for (const y of [10, 20, 30]) for (const x of [1, 2, 3, 4]) expected.push(`${l}|${y}|${x}`);
    expect(seen).toEqual(expected);
    expect(g.point(7)).toEqual({ label: 'p', y: 20, x: 4, delayMs: 0, failAt: -1e300 });
    expect(() => g.point(24)).toThrow(RangeError);
  });

  it('step ranges are inclusive and rounded like the CLI; count ranges hit both ends', () => {
    const s = validateSpec({ engine: 'test', quantity: 'fake', axes: { x: { from: 0.34, to: 1, step: 0.01 } } });
    const v = s.axes[0]!.values as number[];
    expect(v.length).toBe(67);
    expect(v[0]).toBe(0.34);
    expect(v[66]).toBe(1);
    expect(v[1]).toBe(0.35); // 0.34 + 0.01 rounded to 12 digits, not 0.35000000000000003
    const lin = validateSpec({ engine: 'test', quantity: 'fake', axes: { x: { from: 0, to: 1, count: 5 } } }).axes[0]!.values;
    expect(lin).toEqual([0, 0.25, 0.5, 0.75, 1]);
  });

  it('log ranges are geometric with exact end points', () => {
    const v = validateSpec({ engine: 'test', quantity: 'fake', axes: { x: { from: 1e-6, to: 1e-2, count: 5, scale: 'log' } } }).axes[0]!.values as number[];
    expect(v[0]).toBe(1e-6);
    expect(v[4]).toBe(1e-2);
    for (let i = 1; i < 5; i++) expect(Math.log10(v[i]! / v[i - 1]!)).toBeCloseTo(1, 12);
  });

  it('a spec without axes is one point', () => {
    const g = new Grid(validateSpec({ engine: 'test', quantity: 'fake', fixed: { x: 1 } }), true);
    expect(g.size).toBe(1);
    expect(g.point(0)['x']).toBe(1);
  });

  it('warm-start chains run along the innermost axis, cut every `chain` points', () => {
    const g = new Grid(spec3, true);
    const starts = [...Array(24).keys()].filter((i) => !g.continuesChain(i));
    expect(starts).toEqual([0, 4, 8, 12, 16, 20]);
    const c = new Grid({ ...spec3, chain: 3 }, true);
    expect([...Array(24).keys()].filter((i) => !c.continuesChain(i))).toEqual([0, 3, 4, 7, 8, 11, 12, 15, 16, 19, 20, 23]);
    expect(c.blockCount).toBe(12);
    expect(new Grid(spec3, false).blockCount).toBe(24);
  });
});

describe('shards', () => {
  it('slices are contiguous, disjoint, cover the grid and respect chain blocks', () => {
    for (const warm of [true, false]) {
      const g = new Grid(spec3, warm);
      for (const N of [1, 2, 3, 4, 5, 7, 24, 30]) {
        let next = 0;
        for (let i = 0; i < N; i++) {
          const r = shardRange(g, { index: i, count: N });
          expect(r.start).toBe(next);
          expect(r.end).toBeGreaterThanOrEqual(r.start);
          if (warm && r.end > r.start) expect(g.continuesChain(r.start)).toBe(false);
          next = r.end;
        }
        expect(next).toBe(24);
      }
    }
  });

  it('parses i/N and takes the index from the scheduler environment', () => {
    expect(parseShard('2/5', {})).toEqual({ index: 2, count: 5 });
    expect(parseShard('5', { JOB_COMPLETION_INDEX: '4' })).toEqual({ index: 4, count: 5 });
    expect(parseShard('5', { SLURM_ARRAY_TASK_ID: '3' })).toEqual({ index: 3, count: 5 });
    // 1-based SLURM arrays (--array=1-5): the minimum is subtracted.
    expect(parseShard('5', { SLURM_ARRAY_TASK_ID: '5', SLURM_ARRAY_TASK_MIN: '1' })).toEqual({ index: 4, count: 5 });
    for (const [text, env] of [['5/5', {}], ['x/2', {}], ['0/0', {}], ['3', {}], ['3', { SLURM_ARRAY_TASK_ID: '3' }]] as const) {
      expect(() => parseShard(text, env)).toThrow(InputError);
      try {
        parseShard(text, env);
      } catch (e) {
        expect((e as InputError).param).toBe('shard');
      }
    }
  });
});
