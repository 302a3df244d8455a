/** The agreement helper itself: a NaN anywhere or a length mismatch must fail the check. */
import { describe, expect, it } from 'vitest';
import { leakageObjectiveReference } from '../../src/kernels/leakage-objective/reference.js';
import { agreementCases, worstAgreement } from './cases.js';

const c = agreementCases()[0]!.batch;
const ref = leakageObjectiveReference(c);

describe('worstAgreement', () => {
  it('passes the reference against itself and fails a perturbed point', () => {
    expect(worstAgreement(c, ref.slice(), ref).ratio).toBe(0);
    const bad = ref.slice();
    const k = bad.findIndex((x) => x > 0.1);
    bad[k] = bad[k]! * (1 + 1e-6);
    expect(worstAgreement(c, bad, ref)).toEqual({ ratio: expect.any(Number), index: k });
    expect(worstAgreement(c, bad, ref).ratio).toBeGreaterThan(1);
  });
  it.each([['first', 0], ['middle', Math.floor(ref.length / 2)], ['last', ref.length - 1]])('fails on a NaN at the %s index, in got or in ref', (_pos, i) => {
    for (const side of ['got', 'ref'] as const) {
      const g = ref.slice();
      const r = ref.slice();
      (side === 'got' ? g : r)[i] = Number.NaN;
      const w = worstAgreement(c, g, r);
      expect(w.ratio, `${side}[${i}]`).toBe(Infinity);
      expect(w.index).toBe(i);
    }
  });
  it('fails on a length mismatch (shorter got, longer got, both shorter than the batch)', () => {
    expect(worstAgreement(c, ref.subarray(0, ref.length - 1), ref).ratio).toBe(Infinity);
    expect(worstAgreement(c, Float64Array.from([...ref, 0]), ref).ratio).toBe(Infinity);
    expect(worstAgreement(c, ref.subarray(1), ref.subarray(1)).ratio).toBe(Infinity);
  });
});
