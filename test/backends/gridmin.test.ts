/** 'leakage-grid-min' (src/kernels/leakage-grid-min/spec.ts): wasm vs reference twin, and a closed form. */
import { describe, expect, it } from 'vitest';
import { createWasmBackend, simdSupported } from '../../src/backends/wasm/index.js';
import { createReferenceBackend } from '../../src/backends/reference/index.js';
import { KERNELS } from '../../src/backends/kernels.js';
import { leakageObjectiveReference } from '../../src/kernels/leakage-objective/reference.js';
import type { LeakageGridMinInput, LeakageGridMinOutput } from '../../src/kernels/leakage-grid-min/spec.js';
import { agreementCases, coefficients, termScale } from './cases.js';

/** One problem's F at gamma (reference) and its term scale S. */
function fAt(inp: LeakageGridMinInput, p: number, gamma: ArrayLike<number>): { F: number; S: number } {
  const n = inp.dim ** inp.parties;
  const batch = { dim: inp.dim, parties: inp.parties, coef: inp.coef.slice(p * 2 * n, (p + 1) * 2 * n), gammas: Float64Array.from(gamma), problemOf: new Uint32Array(1), objective: inp.objective };
  return { F: leakageObjectiveReference(batch)[0]!, S: termScale(batch, 0) };
}

// coefficient tables of the agreement cases, with a grid size per (d, N) keeping G^n small
const inputs: [string, LeakageGridMinInput][] = agreementCases().map((c) => {
  const n = c.batch.dim ** c.batch.parties;
  const grid = n === 4 ? 6 : n === 8 ? 3 : 2;
  return [c.label.replace(/\(.*\)/, `grid ${grid}`), { dim: c.batch.dim, parties: c.batch.parties, coef: c.batch.coef, grid, objective: c.batch.objective }];
});

const flavors = simdSupported() ? (['scalar', 'simd'] as const) : (['scalar'] as const);

describe.each(flavors)('wasm %s grid-min vs reference', (flavor) => {
  it.each(inputs)('%s', async (_l, inp) => {
    const w = createWasmBackend({ flavor });
    await w.init();
    const got = await w.run<LeakageGridMinInput, LeakageGridMinOutput>(KERNELS.leakageGridMin, inp);
    const ref = await createReferenceBackend().run<LeakageGridMinInput, LeakageGridMinOutput>(KERNELS.leakageGridMin, inp);
    const n = inp.dim ** inp.parties;
    expect(got.min.length).toBe(ref.min.length);
    for (let p = 0; p < ref.min.length; p++) {
      // the two minima may sit at different grid points whose F differ by rounding only (e.g. two
      // points with I = 0 computed as +-1e-17), so the floor uses the larger term scale of the two
      const S = Math.max(fAt(inp, p, ref.arg.subarray(p * n, (p + 1) * n)).S, fAt(inp, p, got.arg.subarray(p * n, (p + 1) * n)).S);
      const tol = 1e-12 * Math.abs(ref.min[p]!) + 4e-15 * S;
      expect(Math.abs(got.min[p]! - ref.min[p]!), `problem ${p}`).toBeLessThanOrEqual(tol);
      // the wasm argmin is a grid point whose reference F equals the reference minimum
      const atArg = fAt(inp, p, got.arg.subarray(p * n, (p + 1) * n));
      expect(Math.abs(atArg.F - ref.min[p]!), `problem ${p} argmin`).toBeLessThanOrEqual(tol);
      for (const g of got.arg.subarray(p * n, (p + 1) * n)) expect(Math.round(g * (inp.grid - 1))).toBeCloseTo(g * (inp.grid - 1), 12);
    }
  });
});

describe('grid-min against the d=2 N=2 closed form', () => {
  // SPEC 2: aligned bases, K = (1-q)(1-L), w = qL/3, P = K + w, e = w/P: min_gamma F = P(1 - h2(e))
  // for e < 1/2, attained at a box corner (gamma = 1 on discordant outcomes), so any grid finds it.
  it.each([[0.1, 0.5], [0.1, 0.8], [0.3, 0.6], [0.2, 0.95]])('L=%f v=%f', async (L, v) => {
    const coef = Float64Array.from(coefficients({ dim: 2, parties: 2, leakage: L, visibility: v, model: 'uniform', theta: 0 }));
    const q = (3 * (1 - v)) / 2;
    const K = (1 - q) * (1 - L);
    const w = (q * L) / 3;
    const P = K + w;
    const e = w / P;
    expect(e).toBeLessThan(0.5);
    const closed = P * (1 + e * Math.log2(e) + (1 - e) * Math.log2(1 - e));
    const wb = createWasmBackend();
    await wb.init();
    const r = await wb.run<LeakageGridMinInput, LeakageGridMinOutput>(KERNELS.leakageGridMin, { dim: 2, parties: 2, coef, grid: 5, objective: 'joint' });
    expect(Math.abs(r.min[0]! - closed)).toBeLessThanOrEqual(1e-12 * closed);
    expect(Array.from(r.arg)).toEqual([0, 1, 1, 0]);
  });
});

it('rejects a grid below 2 and oversized grids', async () => {
  const wb = createWasmBackend();
  await wb.init();
  const coef = new Float64Array(8);
  await expect(wb.run(KERNELS.leakageGridMin, { dim: 2, parties: 2, coef, grid: 1, objective: 'joint' })).rejects.toThrow(/grid must be an integer >= 2/);
  await expect(wb.run(KERNELS.leakageGridMin, { dim: 3, parties: 3, coef: new Float64Array(54), grid: 4, objective: 'joint' })).rejects.toThrow(/exceeds 2\^40/);
});
