import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import {
  bobProbabilities,
  checkWindows,
  displacedThermalWindow,
  eveStateExact,
  line,
  photonNumberRate,
  windowEdges,
} from '../../src/models/amplified/index.js';

const fixture = JSON.parse(readFileSync(new URL('../fixtures/amplified/displaced-thermal.json', import.meta.url), 'utf8')) as {
  cases: { lo: number; hi: number; D: number; S: number; p: string }[];
};

describe('photon-number encoding (Note 4)', () => {
  const L = line({ distance: 1000, eveAt: 500 });
  const base = { photons: [1e4, 2e4] as [number, number], windows: [2000, 2000, 9000, 12000], G1: L.G1, G2: L.G2, leak: 1e-4 };

  it('Eq. 94 window probability equals the displaced-thermal (Laguerre) distribution to 1e-13 (mpmath fixture; S to 7200, D to 1e7: the 40,000 km regime)', () => {
    // measured: <= 5.3e-15 relative (D = 1e7); the budget was 1e-12 + 1e-10 p at S <= 180 before issue 12
    expect(fixture.cases.some((c) => c.S >= 7200 && c.D >= 1e7)).toBe(true);
    for (const c of fixture.cases) {
      const r = displacedThermalWindow(c.lo, c.hi, c.D, c.S);
      const ref = Number(c.p);
      expect(r.converged).toBe(true);
      expect(Math.abs(r.value - ref)).toBeLessThan(1e-15 + 1e-13 * ref);
    }
  });

  it('Bob: p(0|a) + p(1|a) + p(fail|a) = 1 at integer edges', () => {
    const pt = { ...base, windows: [2000, 3000, 9000, 12000] };
    const { pba } = bobProbabilities(pt);
    const w = windowEdges(pt.photons, pt.windows);
    const S = (1 - pt.leak) * (L.G1 - 1) + (L.G2 - 1);
    for (const a of [0, 1] as const) {
      const D = (1 - pt.leak) * pt.photons[a];
      const fail =
        displacedThermalWindow(0, w.lo0 - 1, D, S).value +
        displacedThermalWindow(w.hi0 + 1, w.lo1 - 1, D, S).value +
        displacedThermalWindow(w.hi1 + 1, 1e6, D, S).value;
      expect(pba[a][0] + pba[a][1] + fail).toBeCloseTo(1, 11);
    }
  });

  it("Eve's exact state: trace 1, and its marginal reproduces Bob's p(check|a) (two routes of Eq. 94)", () => {
    const { pba } = bobProbabilities(base);
    const w = windowEdges(base.photons, base.windows);
    for (const a of [0, 1] as const) {
      const st = eveStateExact(base, a, w);
      expect(st.truncated).toBeLessThan(1e-12);
      const pa = pba[a][0] + pba[a][1];
      expect(Math.abs(st.pCheckA - pa) / pa).toBeLessThan(1e-8);
    }
  });

  it('Eve next to Alice (G1 = 1): rho_a is exactly Poisson(rE gamma_a^2)', () => {
    const L0 = line({ distance: 1000, eveAt: 0 });
    const pt = { ...base, G1: L0.G1, G2: L0.G2, leak: 0.01 };
    const r = photonNumberRate(pt, 'exact', true);
    for (const a of [0, 1] as const) {
      const lam = pt.leak * pt.photons[a];
      let logp = -lam; // Poisson pmf by recurrence
      for (let n = 0; n < r.eve!.n0; n++) logp += Math.log(lam / (n + 1));
      for (let k = 0; k < r.eve!.rho[a].length; k++) {
        const n = r.eve!.n0 + k;
        const ref = Math.exp(logp);
        expect(Math.abs(r.eve!.rho[a][k]! - ref)).toBeLessThan(1e-13);
        logp += Math.log(lam / (n + 1));
      }
    }
  });

  it('Lf/L -> p_check I(A:B) as rE -> 0, and chi grows with rE (never clipped)', () => {
    const r0 = photonNumberRate({ ...base, leak: 0 });
    expect(r0.chi).toBe(0);
    expect(r0.rate).toBeCloseTo(r0.pCheck * r0.iAB, 15);
    const tiny = photonNumberRate({ ...base, leak: 1e-12 });
    expect(Math.abs(tiny.rate - r0.pCheck * r0.iAB)).toBeLessThan(1e-6);
    let prev = tiny.chi;
    let last = tiny;
    for (const leak of [1e-6, 1e-3, 2e-2]) {
      last = photonNumberRate({ ...base, leak });
      expect(last.chi).toBeGreaterThan(prev);
      prev = last.chi;
    }
    expect(last.rate).toBeLessThan(0); // no key: reported negative, not clipped
  });

  it('paper method (Eqs. 105-112, corrected) drops trace and differs from exact by a quantified amount', () => {
    const e = photonNumberRate(base, 'exact');
    const p = photonNumberRate(base, 'paper');
    for (const t of p.trace) {
      expect(t).toBeLessThan(1 - 1e-6);
      expect(t).toBeGreaterThan(0.99);
    }
    // measured: |chi_paper - chi_exact| ~ 5e-5 at rE = 1e-4 (docs/amplified.md)
    expect(Math.abs(p.chi - e.chi)).toBeLessThan(5e-4);
    expect(Math.abs(p.chi - e.chi)).toBeGreaterThan(1e-9);
  });

  it('Eve next to Bob (G2 = 1) is handled (pure Poisson windows after Eve)', () => {
    const L1 = line({ distance: 1000, eveAt: 1000 });
    const r = photonNumberRate({ ...base, G1: L1.G1, G2: L1.G2 });
    expect(L1.G2).toBe(1);
    expect(Number.isFinite(r.rate)).toBe(true);
    expect(r.trace[0]).toBeGreaterThan(1 - 1e-12);
  });

  it('rejects bad windows with InputError', () => {
    expect(() => checkWindows([1e4, 2e4], [10, 10, 5, 20])).toThrow(InputError); // theta3 < theta1
    expect(() => checkWindows([1e4, 2e4], [10, 30, 50, 20])).toThrow(InputError); // theta4 < theta2
    expect(() => checkWindows([1e4, 2e4], [0, 0.5, 50, 20])).toThrow(InputError); // overlapping
    expect(() => checkWindows([1e4, 2e4], [10, 10, 50])).toThrow(InputError);
  });
});
