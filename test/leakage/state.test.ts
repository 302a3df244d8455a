import { describe, expect, it } from 'vitest';
import * as lk from '../../src/models/leakage/index.js';
import { leakageObjectiveReference } from '../../src/kernels/leakage-objective/reference.js';

const trace = (m: lk.CMatrix) => {
  let t = 0;
  for (let i = 0; i < m.rows; i++) t += m.re[i * m.rows + i]!;
  return t;
};
const sum = (a: ArrayLike<number>) => Array.from(a).reduce((s, x) => s + x, 0);

const CASES: { dim: number; parties: number; settings: lk.Settings }[] = [
  { dim: 2, parties: 2, settings: [{ theta: 0.3, phi: 1.1 }, { theta: 2.2, phi: -0.4 }] },
  { dim: 2, parties: 3, settings: [{ theta: 0.7, phi: 0.2 }, { theta: 1.9 }, { theta: 0.1, phi: 3 }] },
  { dim: 3, parties: 2, settings: [{ basis: 'fourier' }, { basis: 'computational' }] },
  { dim: 3, parties: 2, settings: [{ basis: 'fourier' }, { basis: 'fourier' }] },
  { dim: 3, parties: 3, settings: [{ basis: 'computational' }, { basis: 'fourier' }, { basis: 'computational' }] },
];

describe('states (Eqs. 4, 6, 9; App. A)', () => {
  it('rho_v and rho_sep have unit trace; rho_sep = rho_v at the separable bound', () => {
    for (const [d, N] of [[2, 2], [2, 3], [3, 2]] as const) {
      expect(trace(lk.isotropicState(d, N, 0.7))).toBeCloseTo(1, 14);
      const sep = lk.separableState(d, N);
      expect(trace(sep)).toBeCloseTo(1, 14);
      const iso = lk.isotropicState(d, N, lk.separableBound(d, N));
      for (let k = 0; k < sep.re.length; k++) expect(Math.abs(sep.re[k]! - iso.re[k]!)).toBeLessThan(1e-15);
    }
  });
  it('q_v decomposition: rho_v = (1-q)|phi><phi| + q rho_sep (App. A)', () => {
    const d = 3, N = 2, v = 0.62;
    const q = lk.qOf(d, N, v);
    const ent = lk.isotropicState(d, N, 1);
    const sep = lk.separableState(d, N);
    const iso = lk.isotropicState(d, N, v);
    for (let k = 0; k < iso.re.length; k++) expect(iso.re[k]!).toBeCloseTo((1 - q) * ent.re[k]! + q * sep.re[k]!, 14);
  });
  it('density-matrix correlations obey App. A shortcuts: p_sep = (p_ent + 1/d)/(1+D), p_v = v p_ent + (1-v)/d^N, p_ent <= 1/d', () => {
    for (const c of CASES) {
      const { pEnt, pSep } = lk.entSepCorrelations(c.dim, c.settings);
      const D = lk.bigD(c.dim, c.parties);
      const n = c.dim ** c.parties;
      const v = 0.55;
      const pv = lk.correlations(lk.isotropicState(c.dim, c.parties, v), c.dim, c.settings);
      expect(sum(pEnt)).toBeCloseTo(1, 13);
      expect(sum(pSep)).toBeCloseTo(1, 13);
      for (let a = 0; a < n; a++) {
        expect(pSep[a]!).toBeCloseTo((pEnt[a]! + 1 / c.dim) / (1 + D), 14);
        expect(pv[a]!).toBeCloseTo(v * pEnt[a]! + (1 - v) / n, 14);
        expect(pEnt[a]!).toBeLessThanOrEqual(1 / c.dim + 1e-14);
      }
    }
  });
  it('GHZ in the computational basis: p_ent = 1/d on k..k, 0 elsewhere', () => {
    const { pEnt } = lk.entSepCorrelations(3, [{ basis: 'computational' }, { basis: 'computational' }, { basis: 'computational' }]);
    for (let a = 0; a < 27; a++) expect(pEnt[a]!).toBeCloseTo(a % 13 === 0 ? 1 / 3 : 0, 15);
  });
  it('|phi+>: only the relative XZ angle matters (common XZ rotation leaves p_ent invariant; phi does not)', () => {
    const p1 = lk.entSepCorrelations(2, [{ theta: 0 }, { theta: 0.8 }]).pEnt;
    const p2 = lk.entSepCorrelations(2, [{ theta: 1.3 }, { theta: 2.1 }]).pEnt;
    for (let a = 0; a < 4; a++) expect(p2[a]!).toBeCloseTo(p1[a]!, 14);
    // a common rotation out of the XZ plane (phi = pi/2 on both) is NOT a symmetry of |phi+>
    const p3 = lk.entSepCorrelations(2, [{ theta: Math.PI / 2, phi: Math.PI / 2 }, { theta: Math.PI / 2, phi: Math.PI / 2 }]).pEnt;
    expect(Math.abs(p3[0]! - 0.5)).toBeGreaterThan(0.4); // Y x Y on phi+ is anti-correlated
  });
  it('|phi+>: every pair of qubit projective measurements equals the family (Z, theta_rel) with cos theta_rel = r_A . (x,-y,z)_B', () => {
    let seed = 7;
    const rnd = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    for (let k = 0; k < 20; k++) {
      const A = { theta: Math.PI * rnd(), phi: 2 * Math.PI * rnd() };
      const B = { theta: Math.PI * rnd(), phi: 2 * Math.PI * rnd() };
      const r = (m: { theta: number; phi: number }, flipY: number) => [Math.sin(m.theta) * Math.cos(m.phi), flipY * Math.sin(m.theta) * Math.sin(m.phi), Math.cos(m.theta)];
      const ra = r(A, 1), rb = r(B, -1);
      const c = ra[0]! * rb[0]! + ra[1]! * rb[1]! + ra[2]! * rb[2]!;
      const gen = lk.entSepCorrelations(2, [A, B]);
      const fam = lk.entSepCorrelations(2, [{ theta: 0 }, { theta: Math.acos(Math.max(-1, Math.min(1, c))) }]);
      for (let a = 0; a < 4; a++) {
        expect(gen.pEnt[a]!).toBeCloseTo(fam.pEnt[a]!, 13);
        expect(gen.pSep[a]!).toBeCloseTo(fam.pSep[a]!, 13);
      }
    }
  });
  it('measurement unitaries are unitary', () => {
    for (const m of [{ theta: 0.4, phi: 2 }, { basis: 'fourier' as const }]) {
      expect(lk.unitarityDefect(lk.measurementUnitary('theta' in m ? 2 : 5, m))).toBeLessThan(1e-14);
    }
  });
});

describe('attack (Eqs. 11, 12, 20)', () => {
  const { pEnt, pSep } = lk.entSepCorrelations(2, [{ theta: 0 }, { theta: 0.5 }]);
  it('p(a, e | x) is normalised for both models and any gamma in [0,1]', () => {
    for (const model of ['uniform', 'junk'] as const) {
      for (const g of [[0, 0, 0, 0], [1, 1, 1, 1], [0.3, 0.9, 0.1, 0.6]]) {
        expect(lk.attackDistribution(pEnt, pSep, 0.4, 0.2, model, g).total).toBeCloseTo(1, 14);
      }
    }
  });
  it('rejects gamma outside [0,1] and bad q', () => {
    expect(() => lk.attackDistribution(pEnt, pSep, 0.4, 0.2, 'uniform', [0, 1.2, 0, 0])).toThrow(/gamma\[1\]/);
    expect(() => lk.attackDistribution(pEnt, pSep, 1.4, 0.2, 'uniform', [0, 0, 0, 0])).toThrow(/q must/);
  });
  it('kernel coefficients reproduce p(a, e=? | x)', () => {
    const g = [0.2, 0.7, 0.4, 1];
    for (const model of ['uniform', 'junk'] as const) {
      const { A, B } = lk.attackCoefficients(pEnt, pSep, 0.4, 0.2, model);
      const u = lk.attackDistribution(pEnt, pSep, 0.4, 0.2, model, g).unknown;
      for (let a = 0; a < 4; a++) expect(g[a]! * A[a]! + B[a]!).toBeCloseTo(u[a]!, 15);
    }
  });
  it("Eq. 16 attack gives I(A:B|?) = 0 below the threshold (gamma within [0,1], not clipped)", () => {
    const q = lk.qOf(2, 2, 0.35); // below v* = 0.3571 at L = 0.1
    const ae = lk.entSepCorrelations(2, [{ theta: 0 }, { theta: 0 }]);
    const g = lk.paperGamma(ae.pEnt, ae.pSep, q, 0.1, 'uniform');
    const { A, B } = lk.attackCoefficients(ae.pEnt, ae.pSep, q, 0.1, 'uniform');
    expect(Math.max(...g)).toBeLessThan(1);
    const F = leakageObjectiveReference(lk.singleBatch(2, 2, A, B, [g], 'conditional'))[0]!;
    expect(Math.abs(F)).toBeLessThan(1e-14);
  });
  it('analytic gradient matches central differences', () => {
    const { A, B } = lk.attackCoefficients(pEnt, pSep, 0.5, 0.3, 'uniform');
    const g0 = [0.3, 0.6, 0.2, 0.8];
    for (const obj of ['joint', 'conditional'] as const) {
      const gr = new Float64Array(4);
      lk.objectiveGradient(2, 2, A, B, g0, obj, gr);
      for (let a = 0; a < 4; a++) {
        const h = 1e-6;
        const gp = [...g0], gm = [...g0];
        gp[a]! += h;
        gm[a]! -= h;
        const [fp, fm] = leakageObjectiveReference(lk.singleBatch(2, 2, A, B, [gp, gm], obj));
        expect(gr[a]!).toBeCloseTo((fp! - fm!) / (2 * h), 6);
      }
    }
  });
});
