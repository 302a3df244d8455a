// gpu.js comparison backend: same best cells as the f64 reference screen (to f32 tolerance).
import { describe, expect, it } from 'vitest';
import { createGpujsBackend } from '../../src/backends/gpujs/index.js';
import { leakageGridScreenReference } from '../../src/kernels/leakage-grid-screen/reference.js';
import { gridPoint, type LeakageGridScreenInput, type LeakageGridScreenOutput } from '../../src/kernels/leakage-grid-screen/spec.js';
import { objectiveAt } from '../../src/kernels/leakage-objective/reference.js';
import { randomCoef, rng } from './gate.js';

describe('gpujs backend', () => {
  for (const [d, N, G, objective] of [
    [2, 3, 4, 'joint'],
    [3, 2, 4, 'conditional'],
  ] as const) {
    it(`leakage-grid-screen d=${d} N=${N} G=${G} ${objective}: cells as good as the reference's`, async () => {
      const be = createGpujsBackend({ chunk: 5000 }); // several chunks
      await be.init();
      const n = d ** N;
      const coef = randomCoef(n, 2, rng(d + N + G));
      const input: LeakageGridScreenInput = { dim: d, parties: N, coef, grid: G, topK: 5, objective };
      const ref = leakageGridScreenReference(input);
      const got = await be.run<LeakageGridScreenInput, LeakageGridScreenOutput>('leakage-grid-screen', input);
      expect(be.has('leakage-objective')).toBe(false);
      for (let i = 0; i < 10; i++) {
        const p = Math.floor(i / 5);
        const f64 = objectiveAt(d, N, coef, p * 2 * n, gridPoint(got.index[i]!, G, n), 0, objective);
        const tol = 1e-5 * Math.max(1, Math.abs(f64)); // f32 output (2^-24) with margin for ~20-term sums
        expect(Math.abs(got.values[i]! - f64)).toBeLessThanOrEqual(tol);
        expect(f64).toBeLessThanOrEqual(ref.values[i]! + 2 * tol);
      }
      await be.dispose();
    });
  }
});
