/**
 * The amplified model's `backend` option (src/backends/amplified-evaluator.ts): the optimiser's
 * batches run on wasm, the reported point is re-evaluated on the reference, and the optimum equals
 * the reference-backend optimum (same algorithm and seed; SPEC 4: identical to 1e-9 in the value).
 * The optimiser's finite-difference gradients (step 1e-5 in box units) turn the two kernels' 1e-14
 * differences into ~1e-9 gradient differences, so the iterates, and the argmax of this flat
 * objective, agree only to ~1e-6 relative: the photons are checked at that level.
 */
import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { rate, worstCase } from '../../src/models/amplified/index.js';
import { wasmPath } from '../../src/backends/wasm/load.js';
import { createAmplifiedEvaluator } from '../../src/backends/amplified-evaluator.js';
import { InputError } from '../../src/errors.js';

const built = existsSync(wasmPath('scalar'));

describe.runIf(built)('amplified backend option', () => {
  it('photon-number: wasm search gives the reference optimum, names both backends', async () => {
    const base = { encoding: 'photon-number' as const, distance: 1000, eveAt: 500, leak: 1e-3, optimize: { samples: 8, starts: 1, maxIter: 10 } };
    const ref = await rate({ ...base, backend: 'reference' });
    const wasm = await rate({ ...base, backend: 'wasm' });
    expect(ref.backend).toEqual({ search: 'reference', evaluation: 'reference' });
    expect(wasm.backend.search).toMatch(/^wasm-(simd|scalar)$/);
    expect(wasm.backend.evaluation).toBe('reference');
    expect(Math.abs(wasm.rate - ref.rate)).toBeLessThanOrEqual(1e-9 * Math.abs(ref.rate));
    wasm.params.photons.forEach((p, i) => expect(Math.abs(p - ref.params.photons[i]!)).toBeLessThanOrEqual(1e-6 * p));
    expect(wasm.status).toBe(ref.status);
  }, 120_000);

  it('phase worst case: same worst position and rate on auto and reference', async () => {
    const base = { encoding: 'phase' as const, distance: 1000, leak: 1e-4, gridPoints: 5 };
    const ref = await worstCase({ ...base, backend: 'reference' });
    const auto = await worstCase({ ...base, backend: 'auto' });
    expect(auto.eveAt).toBe(ref.eveAt);
    expect(Math.abs(auto.rate - ref.rate)).toBeLessThanOrEqual(1e-9 * ref.rate);
    expect(auto.backend.search).toMatch(/wasm/);
  }, 120_000);

  it('f32 or unknown backends are refused, naming the allowed ones', async () => {
    const p = { encoding: 'phase' as const, distance: 1000, eveAt: 500, leak: 1e-4 };
    await expect(rate({ ...p, backend: 'webgpu' })).rejects.toThrow(InputError);
    await expect(rate({ ...p, backend: 'webgpu' })).rejects.toThrow(/auto \| reference \| wasm/);
    await expect(createAmplifiedEvaluator({ backend: 'cuda' })).rejects.toThrow(/invalid backend/);
  });

  it("a wasm module that cannot load: 'wasm' throws, 'auto' logs and uses the reference", async () => {
    const bogus = { module: new WebAssembly.Module(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0])), flavor: 'scalar' as const, file: 'empty.wasm' };
    await expect(createAmplifiedEvaluator({ backend: 'wasm', compiled: bogus, log: () => {} })).rejects.toThrow(/backend wasm unavailable/);
    const lines: string[] = [];
    const ev = await createAmplifiedEvaluator({ backend: 'auto', compiled: bogus, log: (l) => lines.push(l) });
    expect(ev.primary).toBe('reference');
    expect(lines[0]).toMatch(/backend wasm skipped: .*amplifiedRateBatch/);
  });
});
