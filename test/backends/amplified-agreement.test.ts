/**
 * 'amplified-rate' on the wasm backend (assembly/amplified, both builds) against the reference
 * (src/models/amplified: photonNumberRate / phaseRate, batch contract evaluateBatch), on the same
 * points, SPEC 4: relative difference <= 1e-12.
 *
 * The port repeats the reference's arithmetic operation by operation ('exact': the separable kernel
 * src/kernels/pn-separable at the batch width PN_ALPHA, same node sets, same summation order;
 * 'paper': the same adaptive panels); the two differ only where V8's and AssemblyScript's libm (exp,
 * log, log1p, expm1, log2) round differently (<= 1 ulp each, test/special/wasm-agreement.test.ts). So
 *  - p_check, I(A:B) and chi (Eve's bound) must each agree to 1e-12 relative;
 *  - the node sets / adaptive quadratures must take the same decisions: equal inner evaluation counts;
 *  - Lf/L = p_check (I(A:B) - chi) (Eq. 7) to 1e-12 relative where it is not a cancellation: where
 *    I(A:B) ~ chi, the difference of two numbers each known to 1e-12 relative is known to
 *    1e-12 (I(A:B) + chi) absolute, i.e. |d Lf/L| <= 1e-12 p_check (I(A:B) + chi). The test checks
 *    that this bound is the binding one only where |Lf/L| < 0.2 of it (condition number > 5; e.g.
 *    40,000 km, rE 0.5: I(A:B) = 0.0233, chi = 0.0281, chi to 6e-13 -> Lf/L to 3.6e-12), and at no
 *    more than a quarter of the points.
 * The scalar and SIMD builds must be bit-identical (checked on the cheaper cases) (the SIMD build only vectorises Temme's sum in
 * assembly/special/incgamma.ts, same operations per lane).
 *
 * Line parameters as the model builds them (src/models/amplified/channel.ts line(): G1, G2 from
 * distance / eveAt / span / loss): 1000 km and 40,000 km with Eve mid-line, Eve next to Alice
 * (G1 = 1: point-mass P-function) and next to Bob (G2 = 1: pure Poisson windows); leaks rE 1e-7,
 * 1e-3, 0.5; photons ~1e4 (W2), 3e5 and on-off keying (|gamma0|^2 = 0).
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { line } from '../../src/models/amplified/channel.js';
import { pnFromUnit, phaseFromUnit } from '../../src/models/amplified/model.js';
import { photonNumberRate } from '../../src/models/amplified/photon-number.js';
import { PN_ALPHA } from '../../src/kernels/pn-separable/spec.js';
import { phaseRate } from '../../src/models/amplified/phase.js';
import { evaluateBatch, type BatchFixed } from '../../src/models/amplified/kernels.js';
import { WasmAmplifiedKernel, type AmplifiedDiagnostics } from '../../src/backends/wasm/amplified-rate.js';
import { wasmPath } from '../../src/backends/wasm/load.js';
import { InputError } from '../../src/errors.js';
import type { WasmModule } from '../../src/backends/wasm/wa.js';

const REL = 1e-12; // SPEC 4

const scalar = WasmAmplifiedKernel.fromModule(new WebAssembly.Module(readFileSync(wasmPath('scalar'))) as unknown as WasmModule);
const simd = WasmAmplifiedKernel.fromModule(new WebAssembly.Module(readFileSync(wasmPath('simd'))) as unknown as WasmModule);

const W2 = [1e4, 2e4, 2000, 2000, 9000, 12000]; // bench/amplified-w2.ts
const P3E5 = [1.5e5, 3e5, 3e4, 3e4, 1.2e5, 1.2e5];
const P1E7 = [9.5e6, 1e7, 3000, 3000, 6e4, 6e4]; // 40,000 km optima reach |gamma|^2 ~ 1e7
type Pt = 'W2' | '3e5' | 'onoff' | '1e7';
/** simd: also run the SIMD build and require bit-identity with the scalar one. */
interface PnCase { distance: number; eveAt: number; leak: number; pts: Pt[]; method?: 'exact' | 'paper'; simd?: boolean }
// rE = 0.5 at 40,000 km with Eve mid-line is the costliest exact case (~0.3 s a point: Fock band
// ~1e4 wide on ~6000 outer nodes); the paper route at 3e5 photons ~10 s
const PN_CASES: PnCase[] = [
  { distance: 1000, eveAt: 500, leak: 1e-7, pts: ['W2', '3e5'] },
  { distance: 1000, eveAt: 500, leak: 1e-3, pts: ['W2', '3e5'], simd: true },
  { distance: 1000, eveAt: 500, leak: 0.5, pts: ['W2', '3e5', 'onoff'] },
  { distance: 40000, eveAt: 20000, leak: 1e-7, pts: ['W2', '3e5', 'onoff', '1e7'] },
  { distance: 40000, eveAt: 20000, leak: 0.5, pts: ['3e5'] },
  { distance: 40000, eveAt: 20000, leak: 1e-3, pts: ['onoff'], simd: true },
  { distance: 40000, eveAt: 40000, leak: 0.5, pts: ['W2', 'onoff'] }, // mid-line rE 0.5 at 40,000 km: ~20 s a point
  { distance: 1000, eveAt: 0, leak: 1e-7, pts: ['W2', '3e5', 'onoff'], simd: true },
  { distance: 1000, eveAt: 0, leak: 0.5, pts: ['W2', '3e5', 'onoff'], simd: true },
  { distance: 1000, eveAt: 1000, leak: 1e-3, pts: ['W2', '3e5', 'onoff'], simd: true },
  { distance: 1000, eveAt: 1000, leak: 0.5, pts: ['3e5'] },
  { distance: 40000, eveAt: 40000, leak: 1e-3, pts: ['W2', 'onoff'], simd: true },
  { distance: 1000, eveAt: 500, leak: 1e-7, pts: ['W2'], method: 'paper', simd: true },
  { distance: 1000, eveAt: 500, leak: 1e-3, pts: ['W2'], method: 'paper' },
  { distance: 40000, eveAt: 20000, leak: 1e-7, pts: ['W2'], method: 'paper' },
];

const diagOf = (n: number): AmplifiedDiagnostics => ({
  pCheck: new Float64Array(n), iAB: new Float64Array(n), chi: new Float64Array(n), evaluations: new Float64Array(n),
});
const rel = (a: number, b: number): number => (a === b ? 0 : Math.abs(a - b) / Math.abs(b));

describe('amplified-rate: wasm == reference (photon-number encoding)', () => {
  let bound = 0; // points where the cancellation bound, not 1e-12 |Lf/L|, decided
  for (const c of PN_CASES) {
    const method = c.method ?? 'exact';
    it(`${method}, ${c.distance} km, Eve at ${c.eveAt} km, rE ${c.leak}: ${c.pts.join(', ')}`, () => {
      const L = line({ distance: c.distance, eveAt: c.eveAt });
      const on = pnFromUnit([0.5, 0, 0.5, 0.5, 0.5, 0.5], L, c.leak);
      const byName: Record<Pt, number[]> = { W2, '3e5': P3E5, onoff: [...on.photons, ...on.windows], '1e7': P1E7 };
      const points = Float64Array.from(c.pts.flatMap((p) => byName[p]));
      const fixed: BatchFixed = { encoding: 'photon-number', G1: L.G1, G2: L.G2, leak: c.leak, method, tol: 1e-15 };
      const n = c.pts.length;
      const out = new Float64Array(n);
      const diag = diagOf(n);
      const evals = scalar.evaluateBatch(fixed, points, out, diag);
      if (c.simd) {
        const outSimd = new Float64Array(n);
        expect(simd.evaluateBatch(fixed, points, outSimd)).toBe(evals);
        expect(Array.from(outSimd)).toEqual(Array.from(out)); // bit-identical builds
      }
      let refEvals = 0;
      for (let i = 0; i < n; i++) {
        const p = points.subarray(6 * i, 6 * i + 6);
        const r = photonNumberRate({ photons: [p[0]!, p[1]!], windows: Array.from(p.subarray(2)), G1: L.G1, G2: L.G2, leak: c.leak, tol: 1e-15, alpha: method === 'exact' ? PN_ALPHA : undefined }, method);
        refEvals += r.evaluations;
        expect(diag.evaluations[i]).toBe(r.evaluations); // same quadrature decisions
        expect(rel(diag.pCheck[i]!, r.pCheck)).toBeLessThanOrEqual(REL);
        expect(rel(diag.iAB[i]!, r.iAB)).toBeLessThanOrEqual(REL);
        expect(rel(diag.chi[i]!, r.chi)).toBeLessThanOrEqual(REL);
        const d = Math.abs(out[i]! - r.rate);
        const scale = r.pCheck * (r.iAB + r.chi);
        expect(d).toBeLessThanOrEqual(REL * Math.max(Math.abs(r.rate), scale));
        if (d > REL * Math.abs(r.rate)) {
          bound++;
          expect(Math.abs(r.rate)).toBeLessThan(0.2 * scale); // only where I(A:B) and chi nearly cancel
        }
      }
      expect(evals).toBe(refEvals);
    });
  }
  it('the cancellation bound decided at a minority of the points', () => {
    const points = PN_CASES.reduce((n, c) => n + c.pts.length, 0);
    expect(bound).toBeLessThanOrEqual(Math.floor(points / 4));
  });
});

describe('amplified-rate: wasm == reference (phase encoding)', () => {
  for (const [distance, eveAt] of [[1000, 500], [40000, 20000], [1000, 0], [40000, 40000]] as const) {
    it(`${distance} km, Eve at ${eveAt} km, rE 1e-7 / 1e-3 / 0.5, photons 0.1 .. 1e6`, () => {
      const L = line({ distance, eveAt });
      for (const leak of [1e-7, 1e-3, 0.5]) {
        const us: number[][] = [];
        for (const u0 of [0, 0.3, 0.55, 0.8, 1]) for (const u1 of [0.2, 0.5, 0.8]) us.push([u0, u1, 0.3]);
        const pts = us.map((u) => phaseFromUnit(u, L, leak));
        const points = Float64Array.from(pts.flatMap((p) => [...p.photons, ...p.windows]));
        const fixed: BatchFixed = { encoding: 'phase', G1: L.G1, G2: L.G2, leak, method: 'exact' };
        const n = pts.length;
        const out = new Float64Array(n);
        const diag = diagOf(n);
        expect(scalar.evaluateBatch(fixed, points, out, diag)).toBe(n);
        const outSimd = new Float64Array(n);
        simd.evaluateBatch(fixed, points, outSimd);
        expect(Array.from(outSimd)).toEqual(Array.from(out));
        const ref = new Float64Array(n);
        expect(evaluateBatch(fixed, points, ref)).toBe(n);
        for (let i = 0; i < n; i++) {
          const r = phaseRate({ photons: pts[i]!.photons[0], windows: pts[i]!.windows, G1: L.G1, G2: L.G2, leak });
          expect(ref[i]).toBe(r.rate);
          expect(rel(diag.pCheck[i]!, r.pCheck)).toBeLessThanOrEqual(REL);
          expect(rel(diag.iAB[i]!, r.iAB)).toBeLessThanOrEqual(REL);
          expect(rel(diag.chi[i]!, r.chi)).toBeLessThanOrEqual(REL);
          expect(Math.abs(out[i]! - r.rate)).toBeLessThanOrEqual(REL * Math.max(Math.abs(r.rate), r.pCheck * (r.iAB + r.chi)));
        }
      }
    });
  }
});

describe('SIMD build: Temme sum (assembly/special/incgamma.ts) vectorised bit-identically', () => {
  it('gammaQ / poissonCdfWindow over the Temme region agree bit for bit between the builds', () => {
    type Ex = { gammaQ(a: number, x: number): number; poissonCdfWindow(lo: number, hi: number, m: number): number };
    const [s, v] = ['scalar', 'simd'].map((f) =>
      new WebAssembly.Instance(new WebAssembly.Module(readFileSync(wasmPath(f as 'scalar' | 'simd'))), {}).exports as unknown as Ex);
    let n = 0;
    for (let i = 0; i <= 60; i++) {
      const a = 20 * 10 ** (i / 10); // 20 .. 2e7
      for (let j = 0; j <= 40; j++) {
        const x = a * (1 + (-0.4 + j / 40)); // sigma = (x - a)/a in [-0.4, 0.6]
        const q = s!.gammaQ(a, x);
        expect(v!.gammaQ(a, x)).toBe(q);
        expect(v!.poissonCdfWindow(0.9 * a, a, x)).toBe(s!.poissonCdfWindow(0.9 * a, a, x));
        if (q > 0 && q < 1) n++;
      }
    }
    expect(n).toBeGreaterThan(1000);
  });
});

describe('amplified-rate: batch contract on wasm', () => {
  it('invalid points give NaN at the same places, valid neighbours are unaffected', () => {
    const L = line({ distance: 1000, eveAt: 0 });
    const fixed: BatchFixed = { encoding: 'photon-number', G1: L.G1, G2: L.G2, leak: 1e-3, method: 'exact', tol: 1e-12 };
    const points = Float64Array.from([
      ...W2,
      1e4, 2e4, 0.4, 0.4, 9000, 12000, // theta1 + theta2 < 1
      1e4, 0, 2000, 2000, 9000, 12000, // |gamma1|^2 = 0
      1e4, 2e4, 2000, 2000, 1000, 12000, // theta3 < theta1
      1e4, 2e4, NaN, 2000, 9000, 12000,
      1e4, 2e4, 2000, 2000, 9000, Infinity,
      1e4, 2e4, 2e4, 2000, 2e4, 12000, // mu - theta1 < 0
      1e4, 2e4, 2500, 2500, 9000, 12000,
    ]);
    const ref = new Float64Array(8);
    const out = new Float64Array(8);
    expect(scalar.evaluateBatch(fixed, points, out)).toBe(evaluateBatch(fixed, points, ref));
    expect(out.map((v) => (Number.isNaN(v) ? 1 : 0))).toEqual(Float64Array.from([0, 1, 1, 1, 1, 1, 1, 0]));
    expect(ref.map((v) => (Number.isNaN(v) ? 1 : 0))).toEqual(Float64Array.from([0, 1, 1, 1, 1, 1, 1, 0]));
    for (const i of [0, 7]) expect(rel(out[i]!, ref[i]!)).toBeLessThanOrEqual(REL);
    const ph: BatchFixed = { encoding: 'phase', G1: L.G1, G2: L.G2, leak: 1e-3, method: 'exact' };
    const phPts = Float64Array.from([100, 1, 5, 0, 1, 5, 100, 5, 1, 100, -1, 5]);
    const phOut = new Float64Array(4);
    scalar.evaluateBatch(ph, phPts, phOut);
    expect(phOut.map((v) => (Number.isNaN(v) ? 1 : 0))).toEqual(Float64Array.from([0, 1, 1, 1]));
  });

  it("'paper' outside its domain (Eve next to Alice, G1 = 1) throws the reference's InputError", () => {
    const L = line({ distance: 1000, eveAt: 0 });
    const fixed: BatchFixed = { encoding: 'photon-number', G1: L.G1, G2: L.G2, leak: 1e-3, method: 'paper', tol: 1e-15 };
    const pts = Float64Array.from(W2);
    let refErr: unknown;
    try {
      evaluateBatch(fixed, pts, new Float64Array(1));
    } catch (e) {
      refErr = e;
    }
    expect(refErr).toBeInstanceOf(InputError);
    expect(() => scalar.evaluateBatch(fixed, pts, new Float64Array(1))).toThrow((refErr as Error).message);
  });

  it('rE = 0: Eve holds vacuum, chi = 0 (both)', () => {
    const L = line({ distance: 1000, eveAt: 500 });
    const fixed: BatchFixed = { encoding: 'photon-number', G1: L.G1, G2: L.G2, leak: 0, method: 'exact', tol: 1e-15 };
    const out = new Float64Array(1);
    const diag = diagOf(1);
    scalar.evaluateBatch(fixed, Float64Array.from(W2), out, diag);
    const r = photonNumberRate({ photons: [1e4, 2e4], windows: W2.slice(2), G1: L.G1, G2: L.G2, leak: 0, tol: 1e-15 });
    expect(diag.chi[0]).toBe(0);
    expect(r.chi).toBe(0);
    expect(rel(out[0]!, r.rate)).toBeLessThanOrEqual(REL);
  });
});
