import { describe, expect, it } from 'vitest';
import { line, phaseOverlap, phaseProbabilities, phaseRate } from '../../src/models/amplified/index.js';
import { binaryEntropy } from '../../src/special/index.js';

/** Gauss-Legendre-free composite Simpson on [a, b]. */
function simpson(f: (x: number) => number, a: number, b: number, n = 4000): number {
  const h = (b - a) / n;
  let s = f(a) + f(b);
  for (let i = 1; i < n; i++) s += (i % 2 ? 4 : 2) * f(a + i * h);
  return (s * h) / 3;
}
const gauss = (x: number, m: number, v: number) => Math.exp(-((x - m) ** 2) / (2 * v)) / Math.sqrt(2 * Math.PI * v);

describe('phase encoding (Note 5)', () => {
  const L = line({ distance: 1000, eveAt: 400 });
  const pt = { photons: 900, windows: [5, 60], G1: L.G1, G2: L.G2, leak: 1e-3 };

  it('Eq. 131 prefactor sqrt(2/pi) normalises |<q|beta>|^2', () => {
    expect(simpson((q) => Math.sqrt(2 / Math.PI) * Math.exp(-2 * (q - 0.7) ** 2), -10, 10)).toBeCloseTo(1, 12);
  });

  it('p(b|a) (Eq. 132, corrected sign) equals direct integration of Eq. 129 and p(0|0) > p(1|0)', () => {
    const pba = phaseProbabilities(pt);
    expect(pba[0][0]).toBeGreaterThan(pba[0][1]);
    // Re(alpha) ~ N(gamma, (G1-1)/2); Re(beta) ~ N(sqrt(1-rE) Re alpha, (G2-1)/2); q ~ N(Re beta, 1/4)
    const g = Math.sqrt(pt.photons);
    const v = (1 - pt.leak) * (L.G1 - 1) / 2 + (L.G2 - 1) / 2 + 0.25;
    const m = Math.sqrt(1 - pt.leak) * g;
    const sd = Math.sqrt(v);
    const p00 = simpson((q) => gauss(q, m, v), 5, 60, 20000);
    const p10 = simpson((q) => gauss(q, m, v), -60, -5, 20000);
    expect(pba[0][0]).toBeCloseTo(p00, 12);
    expect(pba[0][1]).toBeCloseTo(p10, 12);
    // fail region (-5, 5) and the outer tails complete the distribution
    const fail = simpson((q) => gauss(q, m, v), -5, 5, 20000);
    const tails = simpson((q) => gauss(q, m, v), 60, m + 20 * sd, 20000) + simpson((q) => gauss(q, m, v), m - 20 * sd, -60, 20000);
    expect(pba[0][0] + pba[0][1] + fail + tails).toBeCloseTo(1, 10);
  });

  it('Eq. 143 closed form equals 2-D quadrature of Eq. 142', () => {
    for (const p of [pt, { ...pt, leak: 0.05, photons: 200, windows: [0, 30] }, { ...pt, G1: 1, G2: 181, leak: 0.2 }]) {
      const pba = phaseProbabilities(p);
      const pCheck = pba[0][0] + pba[0][1];
      const closed = phaseOverlap(p, pCheck);
      // a = 0: alpha = x + i y, x ~ N(gamma, v1), y ~ N(0, v1), v1 = (G1-1)/2 (Eq. 52 erratum)
      const g = Math.sqrt(p.photons);
      const v1 = (p.G1 - 1) / 2;
      const vq = (p.G2 - 1) / 2 + 0.25;
      const s1 = Math.sqrt(1 - p.leak);
      const [t1, t2] = p.windows as [number, number];
      const pwin = (x: number) => {
        const F = (a: number, b: number) => simpson((q) => gauss(q, s1 * x, vq), a, b, 400);
        return F(t1, t2) + F(-t2, -t1);
      };
      let val: number;
      if (v1 === 0) {
        val = (pwin(g) * Math.exp(-2 * p.leak * g * g)) / pCheck;
      } else {
        const sd = Math.sqrt(v1);
        const fy = simpson((y) => gauss(y, 0, v1) * Math.exp(-2 * p.leak * y * y), -12 * sd, 12 * sd, 2000);
        const fx = simpson((x) => gauss(x, g, v1) * Math.exp(-2 * p.leak * x * x) * pwin(x), g - 12 * sd, g + 12 * sd, 1200);
        val = (fx * fy) / pCheck;
      }
      expect(Math.abs(closed - val) / val).toBeLessThan(1e-7);
    }
  });

  it('Lf/L = p_check (I(A:B) - I_E); rE -> 0 gives p_check I(A:B); Eve grows with rE', () => {
    const r0 = phaseRate({ ...pt, leak: 0 });
    expect(r0.chi).toBe(0);
    expect(r0.rate).toBeCloseTo(r0.pCheck * (1 - binaryEntropy(r0.pba[0][1] / r0.pCheck)), 15);
    const tiny = phaseRate({ ...pt, leak: 1e-12 });
    expect(Math.abs(tiny.rate - r0.rate)).toBeLessThan(1e-6);
    let prev = 0;
    for (const leak of [1e-6, 1e-4, 1e-2, 0.1]) {
      const r = phaseRate({ ...pt, leak });
      expect(r.chi).toBeGreaterThan(prev);
      prev = r.chi;
    }
  });
});
