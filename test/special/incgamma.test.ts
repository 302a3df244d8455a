import { describe, expect, it } from 'vitest';
import { gammaP, gammaQ, lgamma, logGammaP, logGammaQ, poissonCdfWindow } from '../../src/special/index.js';
import { overBudget } from './fixtures.js';
import { measureIncGamma, measurePoisson } from './measure.js';

describe('gammaP / gammaQ / logGammaP / logGammaQ', () => {
  // Budget (fixtures.ts incGammaBudget): max(1e-13, 2 eps kappa), kappa = |x dlnF/dx| + |a dlnF/da|
  // from the fixture. Near x ~ a at large a, kappa ~ sqrt(a / (2 pi)) (about 1.3e3 at a = 1e7), so
  // the budget stays 1e-13 there; deep in the tails kappa ~ |log F| and the budget grows with it.
  it('match mpmath (50 digits) within the condition-number budget for 1e-10 <= a <= 1e7', () => {
    const recs = measureIncGamma();
    expect(recs.length).toBeGreaterThan(2000);
    expect(overBudget(recs)).toEqual([]);
  });

  it('P + Q = 1', () => {
    for (const a of [1e-6, 0.3, 1, 7.5, 19.99, 20, 250, 1e4, 3e5, 1e7]) {
      for (const m of [0.01, 0.5, 0.9, 1, 1.1, 2, 10]) {
        const x = a * m;
        expect(Math.abs(gammaP(a, x) + gammaQ(a, x) - 1)).toBeLessThan(4.5e-16);
      }
    }
  });

  it('recurrence Q(a+1, x) = Q(a, x) + x^a e^-x / Gamma(a+1), across the Temme switch', () => {
    for (const a of [0.5, 3, 18.7, 19.5, 20.25, 40, 150]) {
      for (const m of [0.3, 0.61, 0.8, 1, 1.2, 1.59, 1.7, 3]) {
        const x = a * m;
        const term = Math.exp(a * Math.log(x) - x - lgamma(a + 1));
        const lhs = gammaQ(a + 1, x);
        const rhs = gammaQ(a, x) + term;
        expect(Math.abs(lhs - rhs) / lhs).toBeLessThan(2e-13);
      }
    }
  });

  it('log forms stay finite and accurate far below the f64 range', () => {
    // P(a, x) ~ x^a e^-x / Gamma(a+1) for x << a
    const a = 1e4;
    const x = 10;
    const lead = a * Math.log(x) - x - lgamma(a + 1) + Math.log1p(x / (a + 1) + (x * x) / ((a + 1) * (a + 2)));
    expect(gammaP(a, x)).toBe(0);
    expect(Math.abs(logGammaP(a, x) - lead)).toBeLessThan(1e-13 * Math.abs(lead));
    // Q(1, x) = e^-x exactly
    expect(logGammaQ(1, 1e6)).toBeCloseTo(-1e6, 6);
    expect(Math.abs(logGammaQ(1, 1e6) + 1e6)).toBeLessThan(1e-9);
    expect(logGammaQ(5, 1e-3)).toBeLessThan(0);
    expect(Math.abs(logGammaQ(1, 1e-20) + 1e-20)).toBeLessThan(1e-35);
  });

  it('edge values and RangeError for bad arguments', () => {
    expect(gammaP(3, 0)).toBe(0);
    expect(gammaQ(3, 0)).toBe(1);
    expect(gammaQ(3, Infinity)).toBe(0);
    expect(logGammaP(3, 0)).toBe(-Infinity);
    expect(() => gammaP(0, 1)).toThrow(/argument a/);
    expect(() => gammaQ(-1, 1)).toThrow(RangeError);
    expect(() => gammaQ(1, -1)).toThrow(/argument x/);
    expect(() => logGammaQ(NaN, 1)).toThrow(/argument a/);
    expect(() => logGammaP(1, NaN)).toThrow(/argument x/);
  });
});

describe('poissonCdfWindow', () => {
  it('matches mpmath (integer edges: direct pmf sums; real edges: 50-digit Q differences) to 1e-13', () => {
    const recs = measurePoisson();
    expect(recs.length).toBeGreaterThan(150);
    expect(overBudget(recs)).toEqual([]);
  });

  it('equals the integer window sum ceil(lo)..floor(hi) at integer edges (SPEC 3.2)', () => {
    const mean = 7.3;
    const pmf = (k: number) => Math.exp(k * Math.log(mean) - mean - lgamma(k + 1));
    for (const [lo, hi] of [[0, 0], [0, 5], [3, 9], [7, 7], [12, 40]] as const) {
      let s = 0;
      for (let k = lo; k <= hi; k++) s += pmf(k);
      expect(Math.abs(poissonCdfWindow(lo, hi, mean) / s - 1)).toBeLessThan(1e-13);
    }
  });

  it('uses Q(a <= 0, x) = 0: windows starting at or below 0 are P(k <= hi)', () => {
    expect(poissonCdfWindow(-3.5, 4, 2)).toBe(gammaQ(5, 2));
    expect(poissonCdfWindow(-Infinity, Infinity, 2)).toBe(1);
    expect(poissonCdfWindow(0, 0, 0)).toBe(1);
    expect(poissonCdfWindow(1, 3, 0)).toBe(0);
    expect(poissonCdfWindow(5, 4, 3)).toBe(0);
    // all windows of a partition sum to 1
    const m = 1234.5;
    let s = 0;
    for (let lo = -0.25; lo < 4000; lo += 100) s += poissonCdfWindow(lo, lo + 99, m);
    expect(Math.abs(s - 1)).toBeLessThan(1e-13);
  });

  it('is a smooth, monotone relaxation between integer edges', () => {
    const m = 50;
    let prev = 0;
    for (let hi = 40; hi <= 60; hi += 0.125) {
      const v = poissonCdfWindow(30, hi, m);
      expect(v).toBeGreaterThan(prev);
      prev = v;
    }
  });

  it('throws RangeError naming the argument', () => {
    expect(() => poissonCdfWindow(NaN, 1, 1)).toThrow(/argument lo/);
    expect(() => poissonCdfWindow(0, NaN, 1)).toThrow(/argument hi/);
    expect(() => poissonCdfWindow(0, 1, -1)).toThrow(/argument mean/);
  });
});
