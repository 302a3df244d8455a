// Pure-TS checks of the leakage-grid-screen contract (no GPU needed).
import { describe, expect, it } from 'vitest';
import { absDerivIntegral, cellModulus, checkGridScreenShape, gridDigits, gridPoint, phiModulus } from '../../src/kernels/leakage-grid-screen/spec.js';
import { leakageGridScreenReference } from '../../src/kernels/leakage-grid-screen/reference.js';
import { screenAndRefine } from '../../src/runtime/screen-refine.js';
import { objectiveAt } from '../../src/kernels/leakage-objective/reference.js';
import { randomCoef, rng } from './gate.js';

const phi = (x: number) => (x > 0 ? x * Math.log2(x) : 0);

describe('leakage-grid-screen spec', () => {
  it('absDerivIntegral equals a midpoint quadrature of |log2 t + 1/ln2|', () => {
    for (const [a, b] of [
      [0.01, 0.2],
      [0.1, 0.9],
      [0.5, 0.8],
      [1e-6, 1e-3],
    ]) {
      let q = 0;
      const M = 200000;
      for (let j = 0; j < M; j++) {
        const t = a + ((j + 0.5) * (b - a)) / M;
        q += Math.abs(Math.log2(t) + 1 / Math.LN2);
      }
      q *= (b - a) / M;
      expect(Math.abs(absDerivIntegral(a, b) - q)).toBeLessThan(1e-6 * q);
    }
  });

  it('phiModulus is the exact sup |phi(x)-phi(y)| over |x-y| <= delta in [0,U] (brute force)', () => {
    for (const [delta, U] of [
      [0.01, 1],
      [0.1, 0.5],
      [0.3, 0.6],
      [0.001, 0.05],
    ]) {
      let sup = 0;
      const M = 4000;
      for (let i = 0; i <= M; i++) {
        const x = (U * i) / M;
        for (const y of [Math.max(0, x - delta), Math.min(U, x + delta)]) sup = Math.max(sup, Math.abs(phi(x) - phi(y)));
      }
      const w = phiModulus(delta, U);
      expect(sup).toBeLessThanOrEqual(w * (1 + 1e-12));
      expect(sup).toBeGreaterThan(w * (1 - 1e-3)); // tight: attained at an end of [0, U]
    }
  });

  it('cellModulus bounds |F(g) - F(g\')| for max|g-g\'| <= step/2 (random pairs, d=2 N=3 and d=3 N=2)', () => {
    const r = rng(5);
    for (const [d, N] of [
      [2, 3],
      [3, 2],
    ]) {
      const n = d ** N;
      const coef = randomCoef(n, 3, r);
      for (const h of [0.5, 0.05, 0.005]) {
        for (let p = 0; p < 3; p++) {
          const M = cellModulus(d, N, coef, p, h);
          let worst = 0;
          for (let t = 0; t < 3000; t++) {
            const g = new Float64Array(n).map(() => (r() < 0.3 ? 0 : r()));
            const g2 = g.map((x) => Math.min(1, Math.max(0, x + (r() < 0.5 ? -1 : 1) * h * (r() < 0.5 ? 1 : r()))));
            const F1 = objectiveAt(d, N, coef, p * 2 * n, g, 0, 'joint');
            const F2 = objectiveAt(d, N, coef, p * 2 * n, g2, 0, 'joint');
            worst = Math.max(worst, Math.abs(F1 - F2));
          }
          expect(worst).toBeLessThanOrEqual(M);
          expect(worst).toBeGreaterThan(0);
        }
      }
    }
  });

  it('grid indices and points round-trip; shape checks reject bad inputs', () => {
    expect(Array.from(gridDigits(1 + 3 * 5 + 4 * 25, 5, 3))).toEqual([1, 3, 4]);
    expect(Array.from(gridPoint(1 + 3 * 5 + 4 * 25, 5, 3))).toEqual([0.25, 0.75, 1]);
    const coef = new Float64Array(16).fill(0.05);
    expect(() => checkGridScreenShape({ dim: 2, parties: 3, coef, grid: 5, topK: 9, objective: 'joint' })).toThrow(/invalid topK: 9 \(allowed: integer in 1..8\)/);
    expect(() => checkGridScreenShape({ dim: 2, parties: 3, coef, grid: 1, topK: 2, objective: 'joint' })).toThrow(/grid/);
    expect(() => checkGridScreenShape({ dim: 2, parties: 4, coef, grid: 5, topK: 2, objective: 'joint' })).toThrow(/invalid parties.*exceeds 9/);
    expect(() => checkGridScreenShape({ dim: 2, parties: 3, coef: new Float64Array(16).fill(-1), grid: 5, topK: 2, objective: 'joint' })).toThrow(/coef/);
  });

  it('screenAndRefine finds min F = 0 at an off-grid point where w is a product distribution', async () => {
    // F >= 0 (P times a total correlation). Choose gamma* off the grid and B = c*pi - gamma* A
    // with pi = product distribution, so w(gamma*) = c*pi is a product: F(gamma*) = 0 exactly.
    const r = rng(11);
    const d = 2;
    const N = 3;
    const n = 8;
    const p1 = [0.3, 0.7];
    const p2 = [0.6, 0.4];
    const p3 = [0.2, 0.8];
    const coef = new Float64Array(2 * n);
    const gstar = Array.from({ length: n }, () => 0.1 + 0.8 * r());
    for (let a = 0; a < n; a++) {
      const pi = p1[(a >> 2) & 1]! * p2[(a >> 1) & 1]! * p3[a & 1]!;
      const A = 0.3 * 0.9 * pi * (0.2 + 0.8 * r());
      coef[a] = A;
      coef[n + a] = 0.9 * pi - gstar[a]! * A;
    }
    const input = { dim: d, parties: N, coef, grid: 4, topK: 3, objective: 'joint' as const };
    const res = await screenAndRefine(input);
    expect(res.screenedBy).toBe('reference');
    expect(res.refinedBy).toBe('reference');
    // F >= 0 exactly; f64 evaluation cancels sums of |x log2 x| ~ 6 bits: error <= ~64 eps * 6 < 1e-13
    expect(res.min[0]!).toBeGreaterThanOrEqual(-1e-13);
    expect(res.min[0]!).toBeLessThan(1e-12);
    expect(res.screen.values[0]!).toBeGreaterThan(1e-9); // the grid alone does not find it
    // certified: grid min - modulus <= true min (0)
    expect(res.screen.values[0]! - res.screen.modulus[0]!).toBeLessThanOrEqual(0);
    const screen = leakageGridScreenReference(input);
    expect(Array.from(screen.index)).toEqual(Array.from(res.screen.index));
  });

  it('refines on an f64 refiner backend (wasm when built) to the same minimum as reference', async () => {
    const { createWasmBackend } = await import('../../src/backends/wasm/index.js');
    const wasm = createWasmBackend();
    await wasm.init(); // a failing init fails the test (`npm run build` builds the module)
    const input = { dim: 3, parties: 2, coef: randomCoef(9, 2, rng(21)), grid: 4, topK: 3, objective: 'joint' as const };
    const warns: string[] = [];
    const a = await screenAndRefine(input, { refiner: wasm, warn: (l) => warns.push(l) });
    const b = await screenAndRefine(input);
    expect(warns).toEqual([]);
    expect(a.refinedBy).toBe('wasm');
    expect(b.refinedBy).toBe('reference');
    for (let p = 0; p < 2; p++) {
      expect(Math.abs(a.min[p]! - b.min[p]!)).toBeLessThanOrEqual(1e-9); // SPEC 4: same algorithm, f64
      expect(a.min[p]!).toBeLessThanOrEqual(a.screen.values[p * 3]!);
    }
    await wasm.dispose();
  });
});
