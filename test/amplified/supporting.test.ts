import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { correlation, naturalLosses, plob, precision } from '../../src/models/amplified/index.js';

/** Independent moments by Monte-Carlo-free exact sums: Bob's count is displaced thermal with
 * D = (1-rE)|gamma|^2, S = (1-rE)(G1-1) + (G2-1): Var = D + S + S^2 + 2 D S. */
function varDisplacedThermal(D: number, S: number): number {
  return D + S + S * S + 2 * D * S;
}

describe('supporting results', () => {
  it('R_BE = 0 at eveAt = 0 and grows with eveAt (Eqs. 117-127)', () => {
    const base = { distance: 1000, leak: 1e-3, photons: 1e4 };
    expect(correlation({ ...base, eveAt: 0 }).R).toBe(0);
    let prev = 0;
    for (let e = 50; e <= 1000; e += 50) {
      const r = correlation({ ...base, eveAt: e }).R;
      expect(r).toBeGreaterThan(prev);
      prev = r;
    }
  });

  it('Eq. 126 sigma_B^2 equals the displaced-thermal variance; Eq. 127 the Poisson-mixture variance', () => {
    const c = correlation({ distance: 1000, eveAt: 300, leak: 0.01, photons: 5000 });
    const rE = 0.01;
    const N1 = c.G1 - 1;
    const N2 = c.G2 - 1;
    expect(c.sigmaB ** 2 / varDisplacedThermal((1 - rE) * 5000, (1 - rE) * N1 + N2)).toBeCloseTo(1, 13);
    // Eve: Poisson(rE |alpha|^2) mixed over |alpha|^2 with mean g2+N1 and variance N1^2 + 2 g2 N1
    const varE = rE * (5000 + N1) + rE * rE * (N1 * N1 + 2 * 5000 * N1);
    expect(c.sigmaE ** 2 / varE).toBeCloseTo(1, 13);
  });

  it('rE_min: exact, corrected sqrt(2M(G-1)/n) and the paper sqrt(MG/n) (SPEC 3.1 erratum)', () => {
    const p1 = precision({ distance: 1000, photons: 1e14 });
    expect(p1.rEminCorrected).toBeCloseTo(1.897e-6, 9);
    expect(p1.rEminPaper).toBeCloseTo(1.414e-6, 9);
    // exact Eq. 81 variance 2nS + n + S + S^2: ratio sqrt(1 + 1/(2S)) up to O(S/n), S = M(G-1) = 180
    expect(p1.rEminExact / p1.rEminCorrected).toBeCloseTo(Math.sqrt(1 + 1 / 360), 9);
    const p2 = precision({ distance: 40000, photons: 1e14 });
    expect(p2.rEminCorrected).toBeCloseTo(1.2e-5, 7);
    expect(p2.rEminPaper).toBeCloseTo(8.94e-6, 8);
  });

  it('PLOB in log domain: no underflow at 40,000 km', () => {
    const a = plob({ distance: 1000 });
    expect(a.log10T).toBe(-20);
    expect(a.bits).toBeCloseTo(1e-20 / Math.LN2, 30);
    const b = plob({ distance: 40000 });
    expect(b.T).toBe(0);
    expect(b.log10Bits).toBeCloseTo(-800 - Math.log10(Math.LN2), 12);
    const c = plob({ distance: 10, loss: 0.02 });
    expect(c.bits).toBeCloseTo(-Math.log2(1 - 10 ** -0.2), 14);
  });

  it('natural losses (Note 1): Eq. 31 equals Eq. 37, information grows with device length, Eq. 26 both forms', () => {
    const r = naturalLosses({ lengths: [2e-4, 2e-3, 0.2, 1] });
    expect(r.rl / (1 - 10 ** (-0.02 * 2e-4))).toBeCloseTo(1, 10); // reference itself loses ~6 digits to cancellation
    let prev = 0;
    for (const row of r.rows) {
      expect(Math.abs(row.collective - row.holevoPR)).toBeLessThan(1e-12);
      expect(row.individual).toBeGreaterThan(prev);
      expect(row.holevoNoPR).toBeGreaterThan(row.collective);
      prev = row.individual;
    }
    // Eq. 26 as printed gives ~1e3 detectors (paper); the corrected |q1 - q0| form needs more
    expect(r.criticalN.printed).toBeCloseTo(943.0, 0);
    expect(r.criticalN.corrected).toBeGreaterThan(r.criticalN.printed);
    // individual clicks: binomial distribution sums to 1 is implicit; check N = 1 closed form
    const q = r.q;
    const h = (x: number) => (x <= 0 || x >= 1 ? 0 : -x * Math.log2(x) - (1 - x) * Math.log2(1 - x));
    const one = 1 - 0.5 * ((q[0] + q[1]) * h(q[0] / (q[0] + q[1])) + (2 - q[0] - q[1]) * h((1 - q[0]) / (2 - q[0] - q[1])));
    expect(r.rows[0]!.individual).toBeCloseTo(one, 14);
  });

  it('rejects bad input', () => {
    expect(() => correlation({ distance: 1000, eveAt: 2000, leak: 0.1, photons: 1 })).toThrow(InputError);
    expect(() => correlation({ distance: 1000, eveAt: 100, leak: 1, photons: 1 })).toThrow(InputError);
    expect(() => precision({ distance: -1, photons: 1e14 })).toThrow(InputError);
  });
});
