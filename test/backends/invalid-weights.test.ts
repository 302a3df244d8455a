/**
 * The leakage-objective contract for invalid weights (src/kernels/leakage-objective/spec.ts): a NaN
 * or negative w_a (NaN or negative coefficients, only from a bug upstream) gives F = NaN on every
 * backend, never a silent 0 ("no key"); P = 0 with all w_a = 0 gives F = 0. Issue 12 item 23: the
 * f32 WGSL kernel returned 0 there. (gpu.js has no leakage-objective kernel; it is a comparison
 * backend for benches, not offered by the CLI.)
 */
import { describe, expect, it } from 'vitest';
import { leakageObjectiveReference } from '../../src/kernels/leakage-objective/reference.js';
import { createWasmBackend, simdSupported } from '../../src/backends/wasm/index.js';
import type { Backend } from '../../src/backends/backend.js';
import type { LeakageObjectiveBatch } from '../../src/kernels/leakage-objective/spec.js';
import { openWebgpu } from '../webgpu/gate.js';

/** d = 2, N = 2 (n = 4): problem 0 valid, 1 with a NaN coefficient, 2 negative, 3 all zero. */
function batch(objective: 'joint' | 'conditional'): LeakageObjectiveBatch {
  const n = 4;
  const valid = [0.05, 0.02, 0.03, 0.04, 0.3, 0.05, 0.05, 0.3];
  const nan = valid.slice();
  nan[1] = NaN;
  const neg = valid.slice();
  neg[5] = -0.2; // w_1 = gamma_1 A_1 + B_1 < 0 at gamma_1 <= 1
  const zero = new Array<number>(2 * n).fill(0);
  const coef = Float64Array.from([...valid, ...nan, ...neg, ...zero]);
  const gammas = Float64Array.from([0.5, 0.5, 0.5, 0.5, 0.2, 0.7, 0.1, 0.9, 0.5, 0.5, 0.5, 0.5, 0.3, 0.3, 0.3, 0.3]);
  return { dim: 2, parties: 2, coef, gammas, problemOf: Uint32Array.from([0, 1, 2, 3]), objective };
}

async function check(be: Backend, objective: 'joint' | 'conditional'): Promise<void> {
  const b = batch(objective);
  const ref = leakageObjectiveReference(b);
  expect(Number.isFinite(ref[0]!) && ref[0]! > 0).toBe(true);
  expect([Number.isNaN(ref[1]!), Number.isNaN(ref[2]!), ref[3]]).toEqual([true, true, 0]);
  const got = await be.run<LeakageObjectiveBatch, Float64Array>('leakage-objective', b);
  expect(Number.isFinite(got[0]!), `${be.name}: valid point`).toBe(true);
  expect(Number.isNaN(got[1]!), `${be.name}: NaN coefficient -> NaN, got ${got[1]}`).toBe(true);
  expect(Number.isNaN(got[2]!), `${be.name}: negative weight -> NaN, got ${got[2]}`).toBe(true);
  expect(got[3], `${be.name}: P = 0 -> 0`).toBe(0);
}

describe('leakage-objective: invalid weights give NaN on every backend', () => {
  for (const objective of ['joint', 'conditional'] as const) {
    it(`wasm (${simdSupported() ? 'scalar and SIMD' : 'scalar'}), ${objective}`, async () => {
      for (const flavor of simdSupported() ? (['scalar', 'simd'] as const) : (['scalar'] as const)) {
        const be = createWasmBackend({ flavor });
        await be.init();
        await check(be, objective);
      }
    });
    it(`webgpu (f32; lavapipe in CI), ${objective}`, async () => {
      const be = await openWebgpu();
      if (!be) return; // openWebgpu printed why (a failure under KEYRATE_REQUIRE_WEBGPU=1)
      try {
        await check(be, objective);
      } finally {
        be.dispose?.();
      }
    });
  }
});
