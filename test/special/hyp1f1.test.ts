import { describe, expect, it } from 'vitest';
import { lgamma, logHyp1f1, logErfc } from '../../src/special/index.js';
import { overBudget } from './fixtures.js';
import { measureHyp1f1 } from './measure.js';

describe('logHyp1f1', () => {
  // Budget: |d log M| <= 1e-13 max(1, |log M|). For large arguments the condition number of log M
  // in (a, z) is ~ z + a log z ~ |log M|, so a relative budget on the log is the natural one.
  it('matches mpmath for a up to 1e4+1, b in {0.5, 1, 1.5, 2.7, 3.3}, |z| up to 1e7', () => {
    const recs = measureHyp1f1();
    expect(recs.length).toBeGreaterThan(250);
    expect(overBudget(recs)).toEqual([]);
  });

  it("satisfies Kummer's transformation M(a,b,-z) = e^-z M(b-a,b,z), one side by the library, the other by a plain series", () => {
    // plain double-precision series sum_k (a)_k/(b)_k z^k/k! (any real a), for small |z| only
    const plain = (a: number, b: number, z: number): number => {
      let t = 1;
      let s = 1;
      for (let k = 0; k < 500; k++) {
        t *= ((a + k) * z) / ((b + k) * (k + 1));
        s += t;
        if (Math.abs(t) < 1e-18 * Math.abs(s)) break;
      }
      return s;
    };
    for (const [a, b, z] of [[2.5, 0.5, 0.7], [2.5, 0.5, 0.1], [3, 1.5, 0.4], [10.5, 0.5, 0.01], [1.5, 1, 0.3], [0.5, 1.5, 3], [1, 2.7, 4], [0.25, 0.5, 5]] as const) {
      const lib = logHyp1f1(a, b, -z); // b > a: Kummer + positive series; a > b: alternating series
      const m = plain(b - a, b, z);
      if (m <= 0) {
        expect(lib).toBeNaN(); // M(a, b, -z) < 0 here: no real log
        continue;
      }
      const other = -z + Math.log(m);
      expect(Math.abs(lib - other)).toBeLessThan(1e-13 * Math.max(1, Math.abs(lib)));
    }
  });

  it('contiguous relation (b-a) M(a-1) + (2a-b+z) M(a) - a M(a+1) = 0 (DLMF 13.3.1) at large a and z', () => {
    // differences of log M between neighbouring a: tests the peak-series and asymptotic paths at
    // points mpmath is too slow for; residual relative to the largest term <= 1e-13 + 1e-15 |log M|
    for (const [a, b, z] of [[10000.5, 0.5, 1e5], [10001, 1.5, 3e4], [10001, 0.5, 1e7], [100.5, 1.5, 1e3],
      [1000, 0.5, 1e6], [50.25, 1, 60], [1e4, 1.5, 1e3], [5000.5, 0.5, 2e4], [3e3, 1, 5e5]] as const) {
      const l0 = logHyp1f1(a, b, z);
      const t1 = (b - a) * Math.exp(logHyp1f1(a - 1, b, z) - l0);
      const t2 = 2 * a - b + z;
      const t3 = -a * Math.exp(logHyp1f1(a + 1, b, z) - l0);
      const res = Math.abs(t1 + t2 + t3) / Math.max(Math.abs(t1), Math.abs(t2), Math.abs(t3));
      expect(res).toBeLessThan(1e-13 + 1e-15 * Math.abs(l0));
    }
  });

  it('closed forms: M(a, a, z) = e^z, M(1, 2, z) = (e^z - 1)/z, M(1/2, 3/2, -x^2) = sqrt(pi) erf(x)/(2x)', () => {
    for (const z of [1e-8, 0.5, 30, 700, 1e5, 1e7]) {
      expect(Math.abs(logHyp1f1(3.25, 3.25, z) - z)).toBeLessThan(1e-13 * Math.max(1, z));
      const want = z + Math.log(-Math.expm1(-z)) - Math.log(z);
      expect(Math.abs(logHyp1f1(1, 2, z) - want)).toBeLessThan(1e-13 * Math.max(1, want));
    }
    // M(1/2, 3/2, x^2) = sqrt(pi) erfi(x)/(2x): use M(1/2,3/2,-x^2) = e^{-x^2} M(1,3/2,x^2) instead,
    // checked via erfc: M(1, 1/2, ...) is not elementary, so test M(1/2,3/2,-x^2) with erf = 1 - erfc
    for (const x of [0.25, 1, 3, 10]) {
      const lhs = logHyp1f1(0.5, 1.5, -x * x);
      const erfx = -Math.expm1(logErfc(x));
      const want = Math.log((Math.sqrt(Math.PI) * erfx) / (2 * x));
      expect(Math.abs(lhs - want)).toBeLessThan(1e-13 * Math.max(1, Math.abs(want)));
    }
  });

  it('terminating case a - b = n integer: e^-z M(n + 1/2, 1/2, z) is a Hermite-type polynomial', () => {
    // M(n+1/2, 1/2, z) = e^z sum_{k=0}^n C(n,k) z^k / (1/2)_k  -- via Kummer, DLMF 13.2.39
    for (const n of [1, 5, 40]) {
      for (const z of [0.1, 3, 80]) {
        let s = 0;
        let term = 1;
        for (let k = 0; k <= n; k++) {
          if (k > 0) term *= ((n - k + 1) * z) / (k * (k - 0.5));
          s += term;
        }
        const want = z + Math.log(s);
        expect(Math.abs(logHyp1f1(n + 0.5, 0.5, z) - want)).toBeLessThan(1e-13 * Math.max(1, want));
      }
    }
    expect(Number.isFinite(lgamma(2))).toBe(true);
  });

  it('throws RangeError naming the argument', () => {
    expect(() => logHyp1f1(NaN, 1, 1)).toThrow(/argument a/);
    expect(() => logHyp1f1(1, 0, 1)).toThrow(/argument b/);
    expect(() => logHyp1f1(1, 1, Infinity)).toThrow(/argument z/);
    expect(logHyp1f1(0, 1, 5)).toBe(0);
    expect(logHyp1f1(2, 1, 0)).toBe(0);
  });
  it('refuses at once (RangeError naming z) where the series would peak beyond 1e12 terms: found hanging by the property tests', () => {
    // logHyp1f1(2.48e136, 1.75e-242, 1) summed backwards from a peak index ~1.6e68, where k-- does not
    // move; (1.59e245, 1.9e170, 0.91) overflowed p^2 - 4q in the peak index and summed 1e8 terms
    for (const [a, b, z] of [[2.48e136, 1.75e-242, 1], [1.5920409998847184e245, 1.914780137178176e170, 0.9133965038478578]] as const) {
      const t0 = performance.now();
      let err: unknown;
      try {
        logHyp1f1(a, b, z);
      } catch (e) {
        err = e;
      }
      expect(performance.now() - t0).toBeLessThan(1000);
      if (err !== undefined) expect((err as Error).message).toMatch(/^logHyp1f1: argument z = /);
    }
    expect(() => logHyp1f1(2.48e136, 1.75e-242, 1)).toThrow(/logHyp1f1: argument z = 1 is invalid .*peaks at index <= 1000000000000/);
  });
});
