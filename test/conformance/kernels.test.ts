/**
 * Conformance (issue 11 f): one declarative case table per kernel, run on every backend that is
 * available here and has the kernel (reference, wasm scalar and SIMD, webgpu when an adapter
 * opens: lavapipe in CI with KEYRATE_REQUIRE_WEBGPU=1), against the kernel's TypeScript twin with
 * the tolerance of its spec. f64 backends must agree to the f64 rule; an f32 backend (webgpu) only
 * screens, so its rule is the screen's (its best cell is a best cell in f64 up to the f32 error).
 * amplified-screen's twin is src/kernels/amplified-screen/reference.ts (f64, from pn-separable).
 * The leakage-objective table is test/backends/cases.ts (test/backends/agreement.test.ts runs it on
 * every f64 backend; test/webgpu/webgpu.test.ts within the derived f32 budget).
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { Backend } from '../../src/backends/backend.js';
import { createReferenceBackend } from '../../src/backends/reference/index.js';
import { createWasmBackend, simdSupported } from '../../src/backends/wasm/index.js';
import { createWebgpuBackend } from '../../src/backends/webgpu/index.js';
import { KERNELS, type KernelName } from '../../src/kernels/names.js';
import { leakageGridMinReference } from '../../src/kernels/leakage-grid-min/reference.js';
import type { LeakageGridMinInput, LeakageGridMinOutput } from '../../src/kernels/leakage-grid-min/spec.js';
import { leakageGridScreenReference } from '../../src/kernels/leakage-grid-screen/reference.js';
import { gridPoint, type LeakageGridScreenInput, type LeakageGridScreenOutput } from '../../src/kernels/leakage-grid-screen/spec.js';
import { objectiveAt } from '../../src/kernels/leakage-objective/reference.js';
import { amplifiedPointValid, runAmplifiedBatch, type AmplifiedRateInput, type AmplifiedRateOutput } from '../../src/kernels/amplified-rate/spec.js';
import { AMPLIFIED_KERNELS } from '../../src/models/amplified/model.js';
import { evaluateBatch } from '../../src/models/amplified/kernels.js';
import { line, pnFromUnit } from '../../src/models/amplified/index.js';
import { coefficients, type Problem } from '../backends/cases.js';
import { amplifiedScreenReference } from '../../src/kernels/amplified-screen/reference.js';
import type { AmplifiedScreenInput, AmplifiedScreenOutput } from '../../src/kernels/amplified-screen/spec.js';

// ---------------------------------------------------------------------------------------------
// backends available here

const backends: Backend[] = [createReferenceBackend(AMPLIFIED_KERNELS.references as Record<string, (i: unknown) => unknown>)];
for (const flavor of simdSupported() ? (['scalar', 'simd'] as const) : (['scalar'] as const)) {
  const b = createWasmBackend({ flavor });
  await b.init();
  backends.push(b);
}
const gpu = createWebgpuBackend();
try {
  await gpu.init();
  backends.push(gpu);
} catch (e) {
  if (process.env['KEYRATE_REQUIRE_WEBGPU'] === '1') throw e;
  console.warn(`conformance: webgpu not available (${(e as Error).message.split('\n')[0]})`);
}
afterAll(async () => {
  for (const b of backends) await b.dispose();
});
const label = (b: Backend) => b.label ?? b.name;

// ---------------------------------------------------------------------------------------------
// the case tables

const coefOf = (ps: Problem[]) => Float64Array.from(ps.flatMap(coefficients));
const P = (dim: number, parties: number, leakage: number, visibility: number, model: 'uniform' | 'junk' = 'uniform', theta = 0): Problem => ({ dim, parties, leakage, visibility, model, theta });

const gridMinCases: { label: string; input: LeakageGridMinInput }[] = [
  { label: 'd=2 N=2 G=6 joint, 3 problems', input: { dim: 2, parties: 2, grid: 6, objective: 'joint', coef: coefOf([P(2, 2, 0.1, 0.8), P(2, 2, 0.3, 0.6, 'junk'), P(2, 2, 0.2, 0.5, 'uniform', 0.3)]) } },
  { label: 'd=2 N=2 G=5 conditional', input: { dim: 2, parties: 2, grid: 5, objective: 'conditional', coef: coefOf([P(2, 2, 0.1, 0.9), P(2, 2, 0, 1)]) } },
  { label: 'd=3 N=2 G=3 joint', input: { dim: 3, parties: 2, grid: 3, objective: 'joint', coef: coefOf([P(3, 2, 0.2, 0.8), P(3, 2, 0.999, 0.9, 'junk')]) } },
  { label: 'd=2 N=3 G=3 joint', input: { dim: 2, parties: 3, grid: 3, objective: 'joint', coef: coefOf([P(2, 3, 0.1, 0.7)]) } },
];

const screenCases: { label: string; input: LeakageGridScreenInput }[] = [
  { label: 'd=2 N=2 G=6 K=4 joint', input: { dim: 2, parties: 2, grid: 6, topK: 4, objective: 'joint', coef: coefOf([P(2, 2, 0.1, 0.8), P(2, 2, 0.3, 0.6, 'junk')]) } },
  { label: 'd=3 N=2 G=3 K=8 joint', input: { dim: 3, parties: 2, grid: 3, topK: 8, objective: 'joint', coef: coefOf([P(3, 2, 0.2, 0.8)]) } },
  { label: 'd=2 N=3 G=4 K=2 conditional', input: { dim: 2, parties: 3, grid: 4, topK: 2, objective: 'conditional', coef: coefOf([P(2, 3, 0.1, 0.7)]) } },
];

function pnPoints(distance: number, eveAt: number, leak: number, us: number[][]): Float64Array {
  const L = line({ distance, eveAt });
  const out = new Float64Array(us.length * 6);
  us.forEach((u, i) => {
    const m = pnFromUnit(u, L, leak);
    out.set([...m.photons, ...m.windows], i * 6);
  });
  return out;
}
const amplifiedCases: { label: string; input: AmplifiedRateInput; rel: number; abs: number }[] = [
  {
    label: 'phase, 1000 km Eve mid-line, 6 points (one invalid)', rel: 1e-12, abs: 1e-15,
    input: { fixed: { encoding: 'phase', G1: 91, G2: 91, leak: 1e-3, method: 'exact' }, points: Float64Array.from([1e3, 10, 40, 5e3, 30, 90, 1e4, 50, 120, 2e2, 0, 30, 4e4, 100, 260, 10, 5, 1]) },
  },
  {
    label: 'photon-number exact, Eve at Alice (G1 = 1), 4 points + an invalid one', rel: 1e-10, abs: 1e-13,
    input: { fixed: { encoding: 'photon-number', ...(({ G1, G2 }) => ({ G1, G2 }))(line({ distance: 1000, eveAt: 0 })), leak: 1e-2, method: 'exact', tol: 1e-9 },
      points: Float64Array.from([...pnPoints(1000, 0, 1e-2, [[0.3, 0, 0, 0.5, 0, 0], [0.4, 0.2, 0.1, 0.4, 0.2, 0.1], [0.5, 0, 0, 0.5, 0, 0], [0.2, 0.5, 0.3, 0.6, 0.3, 0.2]]), 1, 2, 5, 5, 1, 1]) },
  },
];

// ---------------------------------------------------------------------------------------------
// running the tables

const has = (k: KernelName) => backends.filter((b) => b.has(k));

describe('conformance: leakage-grid-min', () => {
  const refs = gridMinCases.map((c) => leakageGridMinReference(c.input));
  for (const b of has(KERNELS.leakageGridMin)) {
    it.each(gridMinCases.map((c, i) => [c.label, i] as const))(`${label(b)}: %s`, async (_l, i) => {
      const c = gridMinCases[i]!;
      const got = await b.run<LeakageGridMinInput, LeakageGridMinOutput>(KERNELS.leakageGridMin, c.input);
      const n = c.input.dim ** c.input.parties;
      const marg = new Float64Array(c.input.dim * c.input.parties);
      refs[i]!.min.forEach((m, p) => {
        const tol = 1e-12 * Math.abs(m) + 1e-14;
        expect(Math.abs(got.min[p]! - m), `problem ${p}`).toBeLessThanOrEqual(tol);
        // argmin may differ between near-equal grid points: F_ref at the returned point is the min
        const F = objectiveAt(c.input.dim, c.input.parties, c.input.coef, p * 2 * n, got.arg, p * n, c.input.objective, marg);
        expect(Math.abs(F - m), `problem ${p} argmin`).toBeLessThanOrEqual(tol);
      });
    });
  }
});

describe('conformance: leakage-grid-screen', () => {
  const refs = screenCases.map((c) => leakageGridScreenReference(c.input));
  for (const b of has(KERNELS.leakageGridScreen)) {
    it.each(screenCases.map((c, i) => [c.label, i] as const))(`${label(b)} (${b.precision}): %s`, async (_l, i) => {
      const c = screenCases[i]!;
      const ref = refs[i]!;
      const got = await b.run<LeakageGridScreenInput, LeakageGridScreenOutput>(KERNELS.leakageGridScreen, c.input);
      const K = c.input.topK;
      const n = c.input.dim ** c.input.parties;
      expect(got.precision).toBe(b.precision);
      expect(got.step).toBe(ref.step);
      expect(got.evaluations).toBe(ref.evaluations);
      // the proven modulus is computed in f64 on the host by every backend
      for (let p = 0; p < ref.modulus.length; p++) {
        if (Number.isNaN(ref.modulus[p]!)) expect(Number.isNaN(got.modulus[p]!)).toBe(true);
        else expect(got.modulus[p]).toBe(ref.modulus[p]);
      }
      if (b.precision === 'f64') {
        expect(Array.from(got.index)).toEqual(Array.from(ref.index));
        got.values.forEach((v, j) => expect(Math.abs(v - ref.values[j]!)).toBeLessThanOrEqual(1e-12 * Math.abs(ref.values[j]!) + 1e-15));
        return;
      }
      // f32: the best cell's f64 value is within the f32 screening error of the f64 grid minimum
      const marg = new Float64Array(c.input.dim * c.input.parties);
      for (let p = 0; p < ref.modulus.length; p++) {
        const g = gridPoint(got.index[p * K]!, c.input.grid, n);
        const F = objectiveAt(c.input.dim, c.input.parties, c.input.coef, p * 2 * n, g, 0, c.input.objective, marg);
        expect(F - ref.values[p * K]!, `problem ${p}`).toBeLessThanOrEqual(1e-5);
        expect(Math.abs(got.values[p * K]! - ref.values[p * K]!)).toBeLessThanOrEqual(1e-5);
      }
    });
  }
});

describe('conformance: amplified-rate', () => {
  const refs = amplifiedCases.map((c) => runAmplifiedBatch(evaluateBatch, c.input));
  it('the table covers valid and invalid points of both encodings', () => {
    for (const c of amplifiedCases) {
      const n = c.input.points.length / (c.input.fixed.encoding === 'phase' ? 3 : 6);
      const valid = Array.from({ length: n }, (_, i) => amplifiedPointValid(c.input.fixed.encoding, c.input.points, i));
      expect(valid.some((v) => v) && valid.some((v) => !v), c.label).toBe(true);
    }
  });
  for (const b of has(KERNELS.amplifiedRate)) {
    it.each(amplifiedCases.map((c, i) => [c.label, i] as const))(`${label(b)}: %s`, async (_l, i) => {
      const c = amplifiedCases[i]!;
      const ref = refs[i]!;
      const got = await b.run<AmplifiedRateInput, AmplifiedRateOutput>(KERNELS.amplifiedRate, c.input);
      expect(got.values.length).toBe(ref.values.length);
      ref.values.forEach((r, j) => {
        const valid = amplifiedPointValid(c.input.fixed.encoding, c.input.points, j);
        expect(Number.isNaN(r), `point ${j}: invalid points are NaN in the twin`).toBe(!valid);
        if (Number.isNaN(r)) expect(Number.isNaN(got.values[j]!), `point ${j}`).toBe(true);
        else expect(Math.abs(got.values[j]! - r), `point ${j}`).toBeLessThanOrEqual(c.rel * Math.abs(r) + c.abs);
      });
      expect(got.evaluations).toBe(ref.evaluations);
    });
  }
});

/** Eve at Alice (G1 = 1: Eve's state is exact in f64) at small and mid rE; budgets of
 *  test/webgpu/amplified-screen.test.ts (measured f32 error x 3, docs/webgpu.md). */
const screenAmpCases: { label: string; input: AmplifiedScreenInput; chi: number }[] = [1e-4, 1e-2].map((leak) => {
  const L = line({ distance: 1000, eveAt: 0 });
  return {
    label: `1000 km, Eve at Alice, rE = ${leak}, 4 points + an invalid one`, chi: 5e-6,
    input: { fixed: { G1: L.G1, G2: L.G2, leak }, points: Float64Array.from([...pnPoints(1000, 0, leak, [[0.3, 0, 0, 0.5, 0, 0], [0.4, 0.2, 0.1, 0.4, 0.2, 0.1], [0.5, 0, 0, 0.5, 0, 0], [0.2, 0.5, 0.3, 0.6, 0.3, 0.2]]), 1, 2, 5, 5, 1, 1]) },
  };
});

describe('conformance: amplified-screen', () => {
  const refs = screenAmpCases.map((c) => amplifiedScreenReference(c.input));
  it('the TS twin: f64, the validity rule, the same rate as amplified-rate at PN_ALPHA nodes', () => {
    for (const [i, c] of screenAmpCases.entries()) {
      const r = refs[i]!;
      expect(r.precision).toBe('f64');
      expect(Array.from(r.valid)).toEqual([1, 1, 1, 1, 0]);
      const rate = runAmplifiedBatch(evaluateBatch, { fixed: { encoding: 'photon-number', ...c.input.fixed, method: 'exact' }, points: c.input.points });
      rate.values.forEach((v, j) => (Number.isNaN(v) ? expect(Number.isNaN(r.rate[j]!)).toBe(true) : expect(r.rate[j]).toBe(v)));
      // Eve's route to p(check|a) agrees with Bob's (the shader's consistency check, here in f64)
      for (let j = 0; j < 4; j++) for (let a = 0; a < 2; a++) {
        expect(Math.abs(r.logPCheckEve[2 * j + a]! - Math.log(Math.exp(r.logPba[4 * j + 2 * a]!) + Math.exp(r.logPba[4 * j + 2 * a + 1]!)))).toBeLessThan(1e-9);
      }
    }
  });
  for (const b of has(KERNELS.amplifiedScreen).filter((x) => x.precision === 'f32')) {
    it.each(screenAmpCases.map((c, i) => [c.label, i] as const))(`${label(b)} (f32) vs the twin: %s`, async (_l, i) => {
      const c = screenAmpCases[i]!;
      const ref = refs[i]!;
      const got = await b.run<AmplifiedScreenInput, AmplifiedScreenOutput>(KERNELS.amplifiedScreen, c.input);
      expect(Array.from(got.valid)).toEqual(Array.from(ref.valid));
      for (let j = 0; j < got.valid.length; j++) {
        if (!ref.valid[j]) continue;
        for (let k = 0; k < 4; k++) if (Math.exp(ref.logPba[4 * j + k]!) >= 1e-4) expect(Math.abs(got.logPba[4 * j + k]! - ref.logPba[4 * j + k]!), `point ${j} p(b|a) ${k}`).toBeLessThanOrEqual(1e-4);
        if (got.resolved[j]) {
          expect(Math.abs(got.chi[j]! - ref.chi[j]!), `point ${j} chi`).toBeLessThanOrEqual(c.chi);
          expect(Math.abs(got.rate[j]! - ref.rate[j]!), `point ${j} rate`).toBeLessThanOrEqual(c.chi);
        }
      }
    }, 600_000);
  }
});

describe('conformance: which backend ran which table', () => {
  it('every kernel table ran on the reference and at least one other backend', () => {
    for (const k of [KERNELS.leakageGridMin, KERNELS.leakageGridScreen, KERNELS.amplifiedRate, ...(gpu.device ? [KERNELS.amplifiedScreen] : [])]) {
      const names = has(k).map((b) => b.name);
      expect(names, k).toContain('reference');
      expect(names.length, k).toBeGreaterThanOrEqual(2);
    }
  });
});
