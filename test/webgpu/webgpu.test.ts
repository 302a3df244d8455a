import { afterAll, describe, expect, it } from 'vitest';
import { openWebgpu, randomCoef, rng } from './gate.js';
import { leakageObjectiveReference } from '../../src/kernels/leakage-objective/reference.js';
import type { LeakageObjectiveBatch } from '../../src/kernels/leakage-objective/spec.js';
import { leakageGridScreenReference } from '../../src/kernels/leakage-grid-screen/reference.js';
import { gridPoint, type LeakageGridScreenInput, type LeakageGridScreenOutput } from '../../src/kernels/leakage-grid-screen/spec.js';
import { objectiveAt } from '../../src/kernels/leakage-objective/reference.js';
import { DF64_PROBE_INPUTS, probeDf64 } from '../../src/backends/webgpu/df64-probe.js';

const be = await openWebgpu();
afterAll(async () => {
  await be?.dispose();
});

const EPS = 2 ** -24;
const phi = (x: number) => (x > 0 ? x * Math.log2(x) : 0);
/**
 * Error budget of the f32 objective (docs/webgpu.md): inputs rounded to f32 and w = g*A + B
 * (<= 3 eps relative in w -> <= 3 eps (|phi(w)| + w/ln2) in phi(w)); WGSL log2: 3 ulp, or
 * 2^-21 absolute on [0.5, 2] (-> 8 eps * w); sums of n + Nd + 1 terms (<= (n+Nd+1) eps * S).
 */
function f32Budget(d: number, N: number, coef: Float64Array, c0: number, g: Float64Array, g0: number, joint: boolean): number {
  const n = d ** N;
  const m = new Float64Array(d * N);
  let P = 0;
  let S = 0;
  let mass = 0;
  for (let a = 0; a < n; a++) {
    const w = g[g0 + a]! * coef[c0 + a]! + coef[c0 + n + a]!;
    P += w;
    S += Math.abs(phi(w));
    mass += w;
    let rest = a;
    for (let i = N - 1; i >= 0; i--) {
      const k = rest % d;
      rest = (rest - k) / d;
      m[i * d + k] += w;
    }
  }
  for (const x of m) {
    S += Math.abs(phi(x));
    mass += x;
  }
  S += (N - 1) * Math.abs(phi(P));
  mass += (N - 1) * P;
  const abs = EPS * ((n + d * N + 8) * S + 16 * mass);
  return joint ? abs : P > 0 ? abs / P : abs;
}

describe.skipIf(!be)('webgpu backend (Dawn)', () => {
  it('reports an adapter and the kernels it has', () => {
    expect(be!.adapterInfo).toBeDefined();
    expect(be!.has('leakage-objective')).toBe(true);
    expect(be!.has('leakage-grid-screen')).toBe(true);
    expect(be!.has('amplified-rate')).toBe(false);
  });

  for (const [d, N] of [
    [2, 2],
    [2, 3],
    [3, 2],
    [2, 5],
    [3, 3],
    [5, 2],
  ] as const) {
    for (const objective of ['joint', 'conditional'] as const) {
      it(`leakage-objective f32 within the derived budget of the f64 reference (d=${d}, N=${N}, ${objective})`, async () => {
        const n = d ** N;
        const r = rng(100 * d + N);
        const problems = 5;
        const points = 3000;
        const coef = randomCoef(n, problems, r);
        const gammas = new Float64Array(points * n);
        for (let i = 0; i < gammas.length; i++) gammas[i] = r() < 0.1 ? Math.round(r()) : r(); // include box faces
        const problemOf = new Uint32Array(points).map((_, i) => i % problems);
        const b: LeakageObjectiveBatch = { dim: d, parties: N, coef, gammas, problemOf, objective };
        const ref = leakageObjectiveReference(b);
        const got = await be!.run<LeakageObjectiveBatch, Float64Array>('leakage-objective', b);
        let worst = 0;
        for (let i = 0; i < points; i++) {
          const budget = f32Budget(d, N, coef, problemOf[i]! * 2 * n, gammas, i * n, objective === 'joint');
          worst = Math.max(worst, Math.abs(got[i]! - ref[i]!) / budget);
        }
        expect(worst).toBeLessThanOrEqual(1);
        expect(worst).toBeGreaterThan(0); // it really is f32, not a copy of the reference
      });
    }
  }

  it('splits leakage-objective batches to the limits and gets the same values', async () => {
    const small = await openWebgpu({ limits: { maxComputeWorkgroupsPerDimension: 2, maxStorageBufferBindingSize: 4096 } });
    const r = rng(7);
    const n = 8;
    const coef = randomCoef(n, 3, r);
    const points = 1000; // 1000*8*4 bytes > 4096 and > 2 workgroups of 64 -> 8+ dispatches
    const gammas = new Float64Array(points * n).map(() => r());
    const problemOf = new Uint32Array(points).map((_, i) => (i * 7) % 3);
    const b: LeakageObjectiveBatch = { dim: 2, parties: 3, coef, gammas, problemOf, objective: 'joint' };
    let dispatches = 0;
    const counted = await openWebgpu({
      limits: { maxComputeWorkgroupsPerDimension: 2, maxStorageBufferBindingSize: 4096 },
      beforeDispatch: () => dispatches++,
    });
    const a1 = await be!.run<LeakageObjectiveBatch, Float64Array>('leakage-objective', b);
    const a2 = await counted!.run<LeakageObjectiveBatch, Float64Array>('leakage-objective', b);
    expect(dispatches).toBe(Math.ceil(points / 128));
    expect(Array.from(a2)).toEqual(Array.from(a1));
    await small!.dispose();
    await counted!.dispose();
  });

  for (const [d, N, G] of [
    [2, 3, 5],
    [3, 2, 5],
    [2, 2, 21],
  ] as const) {
    it(`leakage-grid-screen best K agrees with the exhaustive f64 screen (d=${d}, N=${N}, G=${G})`, async () => {
      const n = d ** N;
      const r = rng(d * 1000 + N * 10 + G);
      const coef = randomCoef(n, 4, r);
      const input: LeakageGridScreenInput = { dim: d, parties: N, coef, grid: G, topK: 6, objective: 'joint' };
      const ref = leakageGridScreenReference(input);
      const got = await be!.run<LeakageGridScreenInput, LeakageGridScreenOutput>('leakage-grid-screen', input);
      expect(got.precision).toBe('f32');
      expect(got.step).toBe(ref.step);
      expect(Array.from(got.modulus)).toEqual(Array.from(ref.modulus));
      for (let p = 0; p < 4; p++) {
        for (let k = 0; k < 6; k++) {
          const c = got.index[p * 6 + k]!;
          expect(Number.isInteger(c) && c >= 0 && c < G ** n).toBe(true);
          // value reported = F at that cell, to the f32 budget
          const g = gridPoint(c, G, n);
          const f64 = objectiveAt(d, N, coef, p * 2 * n, g, 0, 'joint');
          const budget = f32Budget(d, N, coef, p * 2 * n, g, 0, true);
          expect(Math.abs(got.values[p * 6 + k]! - f64)).toBeLessThanOrEqual(budget);
          // the k-th cell found is as good as the true k-th best, up to the f32 budget
          expect(f64).toBeLessThanOrEqual(ref.values[p * 6 + k]! + 2 * budget);
        }
        for (let k = 1; k < 6; k++) expect(got.values[p * 6 + k]!).toBeGreaterThanOrEqual(got.values[p * 6 + k - 1]!);
      }
    });
  }

  it('splits the screen over many dispatches (lowered limits) with identical results', async () => {
    let dispatches = 0;
    const small = await openWebgpu({
      limits: { maxComputeWorkgroupsPerDimension: 3, maxStorageBufferBindingSize: 2 * 8 * 5 * 3 },
      pointsPerThread: 4,
      beforeDispatch: () => dispatches++,
    });
    const r = rng(99);
    const coef = randomCoef(4, 5, r);
    const input: LeakageGridScreenInput = { dim: 2, parties: 2, coef, grid: 17, topK: 5, objective: 'conditional' };
    const one = await be!.run<LeakageGridScreenInput, LeakageGridScreenOutput>('leakage-grid-screen', input);
    const many = await small!.run<LeakageGridScreenInput, LeakageGridScreenOutput>('leakage-grid-screen', input);
    // problems per dispatch = min(5, maxWG 3, ...) = 3, then 2. Candidate buffer np*wg*K*8 <= 240 B:
    // np=3 -> 2 workgroups -> chunk 2*64*4 = 512 points; np=2 -> 3 workgroups -> 768 points; 17^4 = 83521.
    expect(dispatches).toBe(Math.ceil(17 ** 4 / 512) + Math.ceil(17 ** 4 / 768));
    expect(Array.from(many.index)).toEqual(Array.from(one.index));
    expect(Array.from(many.values)).toEqual(Array.from(one.values));
    expect(Array.from(one.modulus).every(Number.isNaN)).toBe(true);
    await small!.dispose();
  });

  it('df64 start-up probe: its exact terms and its verdict match an f32 emulation of the same algorithms', async () => {
    // independent expectation: the probe's WGSL run in JS with every operation rounded to f32
    // (Math.fround), i.e. what a correct IEEE f32 adapter without reassociation or FMA returns
    const f = Math.fround;
    const { a, b, x, y } = DF64_PROBE_INPUTS;
    const s = f(a + b);
    const bb = f(s - a);
    const twoSum = f(f(a - f(s - bb)) + f(b - bb));
    const fastTwoSum = f(b - f(s - a));
    const p = f(x * y);
    const split = (v: number) => {
      const c = f(4097 * v);
      const hi = f(c - f(c - v));
      return [hi, f(v - hi)] as const;
    };
    const [xh, xl] = split(x);
    const [yh, yl] = split(y);
    const twoProduct = f(f(f(f(f(xh * yh) - p) + f(xh * yl)) + f(xl * yh)) + f(xl * yl));
    // the emulated error terms are the exact rounding errors (f64 arithmetic, exact here), nonzero
    expect(s + twoSum).toBe(a + b);
    expect(fastTwoSum).toBe(twoSum);
    expect(p + twoProduct).toBe(x * y);
    expect(twoSum).not.toBe(0);
    expect(twoProduct).not.toBe(0);
    const res = await probeDf64(be!.device!);
    expect([res.twoSum.exact, res.fastTwoSum.exact, res.twoProduct.exact]).toEqual([twoSum, fastTwoSum, twoProduct]);
    const correct = res.twoSum.got === twoSum && res.fastTwoSum.got === fastTwoSum && res.twoProduct.got === twoProduct;
    expect(res.ok).toBe(correct);
    console.log(`df64 probe: ${JSON.stringify(res)}`);
  });
});
