import { describe, expect, it } from 'vitest';
import { logHyp1f1 } from '../../src/special/index.js';
import { EPS, REL_BUDGET, load, logErr } from './fixtures.js';

/**
 * logHyp1f1 outside the model's range (issue #12 item 12), against test/fixtures/special/
 * hyp1f1-large-b.json (test/fixtures/gen/hyp1f1_large_b.py: mpmath at 50 digits, checked at 80).
 *
 * Budget, as for the main fixture: |d log M| <= 1e-13 max(1, |log M|), where the point is well
 * conditioned. "Well conditioned" means: kappa = (|a dL/da| + |b dL/db| + |z dL/dz|) / max(1, |L|),
 * L = log M (stored per point, from mpmath), is at most KAPPA_WELL, so that rounding the inputs to
 * doubles alone moves L by at most kappa eps / 2 <= 1.2e-14 max(1, |L|), a tenth of the budget.
 * Every fixture point outside the tiny-b region is well conditioned in that sense (asserted).
 * In the near-1 region (|a z| <= b/8 and |z| max(1, (a+1)/2) <= (b+1)/4) the budget is relative to
 * |L| itself: |d L| <= 1e-13 |L| (kappaRel, the same sum over |L|, <= KAPPA_WELL asserted), which
 * also fixes the sign of log M where M is just below 1.
 */
const KAPPA_WELL = 100;
const rows = load('hyp1f1-large-b');
const regions = ['large-b z<0', 'large-b z>0', 'near-1', 'tiny-b'];

function fmt(r: Record<string, number>): string {
  return `(${r.a}, ${r.b}, ${r.z})`;
}

describe('logHyp1f1: large b, M near 1, tiny b (hyp1f1-large-b fixture)', () => {
  it('fixture covers every region', () => {
    for (const reg of regions) expect(rows.filter((r) => r.region === reg).length).toBeGreaterThan(7);
    expect(rows.length).toBeGreaterThan(300);
  });

  it('all points outside tiny-b are well conditioned (kappa <= 100) and have M > 0', () => {
    const bad = rows.filter((r) => r.region !== 'tiny-b' && !(r.kappa <= KAPPA_WELL && r.sign === 1));
    expect(bad.map(fmt)).toEqual([]);
    const badRel = rows.filter((r) => r.region === 'near-1' && !(r.kappaRel <= KAPPA_WELL));
    expect(badRel.map(fmt)).toEqual([]);
    expect(KAPPA_WELL * EPS / 2).toBeLessThan(REL_BUDGET / 8);
  });

  for (const reg of ['large-b z<0', 'large-b z>0', 'near-1']) {
    it(`${reg}: |d log M| <= 1e-13 max(1, |log M|)`, () => {
      const over: string[] = [];
      let worst = 0;
      for (const r of rows.filter((x) => x.region === reg)) {
        const got = logHyp1f1(r.a, r.b, r.z);
        const e = logErr(got, r.logAbsM);
        worst = Math.max(worst, e);
        if (!(e <= REL_BUDGET)) over.push(`${fmt(r)}: got ${got}, want ${r.logAbsM}, err ${e.toExponential(2)}`);
      }
      console.log(`${reg}: max err ${worst.toExponential(2)}`);
      expect(over).toEqual([]);
    });
  }

  it('near-1: relative error on log M <= 1e-13 and the sign of log M right (M just below and above 1)', () => {
    const over: string[] = [];
    let worst = 0;
    let below = 0;
    for (const r of rows.filter((x) => x.region === 'near-1')) {
      const got = logHyp1f1(r.a, r.b, r.z);
      if (r.logAbsM < 0) below++;
      const e = Math.abs(got - r.logAbsM) / Math.abs(r.logAbsM);
      worst = Math.max(worst, e);
      if (!(e <= REL_BUDGET) || Math.sign(got) !== Math.sign(r.logAbsM)) {
        over.push(`${fmt(r)}: got ${got}, want ${r.logAbsM}, rel err ${e.toExponential(2)}`);
      }
    }
    console.log(`near-1: max relative err ${worst.toExponential(2)}`);
    expect(below).toBeGreaterThan(20);
    expect(over).toEqual([]);
  });

  it('tiny b (1e-31) with a = 1e4..8e5, z ~ -16: RangeError naming z (never NaN)', () => {
    const tiny = rows.filter((r) => r.region === 'tiny-b');
    expect(tiny.some((r) => r.sign === 1)).toBe(true); // M > 0 at some of them: NaN would be wrong
    for (const r of tiny) expect(() => logHyp1f1(r.a, r.b, r.z)).toThrow(/argument z .*a > b/);
  });

  it('z < 0, a > b: well conditioned points still computed, M <= 0 gives NaN', () => {
    // mpmath (40 digits): log M(1.5, 1, -0.3), log M(4, 2, -1)
    expect(Math.abs(logHyp1f1(1.5, 1, -0.3) - -0.46950801256195784)).toBeLessThan(1e-13);
    expect(Math.abs(logHyp1f1(4, 2, -1) - -2.791759469228055) / 2.79).toBeLessThan(1e-13);
    // M(2.5, 0.5, -0.7) < 0 and M(3, 1.5, -2) < 0 (main fixture: NaN): genuinely non-positive M
    expect(logHyp1f1(2.5, 0.5, -0.7)).toBeNaN();
    expect(logHyp1f1(3, 1.5, -2)).toBeNaN();
    // a > b with the direct series far from converging / ill conditioned: RangeError, not NaN
    expect(() => logHyp1f1(1e4, 0.5, -50)).toThrow(RangeError);
  });
});
