/**
 * The amplified model on an evaluator (createEvaluator, src/runtime/evaluator.ts): the optimiser's
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
import { createEvaluator, type EvaluatorOptions } from '../../src/runtime/evaluator.js';
import { AMPLIFIED_KERNELS } from '../../src/models/amplified/model.js';
import { createWasmBackend } from '../../src/backends/wasm/index.js';

const on = (backend: string, opts: EvaluatorOptions = {}) => createEvaluator(AMPLIFIED_KERNELS, { backend, log: () => {}, ...opts });
import { InputError } from '../../src/errors.js';

const built = existsSync(wasmPath('scalar'));

describe.runIf(built)('amplified backend option', () => {
  it('photon-number: wasm search gives the reference optimum, names both backends', async () => {
    // central differences: the same search path on both twins (forward differences, the default,
    // amplify the twins' ~1e-14 differences 100x more: the 10-iteration paths then part by ~1e-9)
    const base = { encoding: 'photon-number' as const, distance: 1000, eveAt: 500, leak: 1e-3, optimize: { samples: 8, starts: 1, maxIter: 10, differences: 'central' as const } };
    const ref = await rate({ ...base, backend: 'reference' });
    const wasm = await rate({ ...base, evaluator: await on('wasm') });
    expect(ref.backend).toEqual({ search: 'reference', evaluation: 'reference' });
    expect(wasm.backend.search).toMatch(/^wasm-(simd|scalar)$/);
    expect(wasm.backend.evaluation).toBe('reference');
    expect(Math.abs(wasm.rate - ref.rate)).toBeLessThanOrEqual(1e-9 * Math.abs(ref.rate));
    wasm.params.photons.forEach((p, i) => expect(Math.abs(p - ref.params.photons[i]!)).toBeLessThanOrEqual(1e-6 * p));
    expect(wasm.status).toBe(ref.status);
  }, 120_000);

  it('phase worst case: same worst position and rate on auto and reference', async () => {
    const base = { encoding: 'phase' as const, distance: 1000, leak: 1e-4, gridPoints: 5 };
    const ref = await worstCase({ ...base, evaluator: await on('reference') });
    const auto = await worstCase({ ...base, evaluator: await on('auto') });
    expect(ref.backend.search).toBe('reference');
    expect(auto.eveAt).toBe(ref.eveAt);
    expect(Math.abs(auto.rate - ref.rate)).toBeLessThanOrEqual(1e-9 * ref.rate);
    expect(auto.backend.search).toMatch(/wasm/);
  }, 120_000);

  it('f32 (no screening path for this use) or unknown backends are refused, naming the allowed ones', async () => {
    const p = { encoding: 'phase' as const, distance: 1000, eveAt: 500, leak: 1e-4 };
    await expect(rate({ ...p, backend: 'webgpu' })).rejects.toThrow(InputError);
    await expect(rate({ ...p, backend: 'webgpu' })).rejects.toThrow(/createEvaluator\(MODELS\.amplified/);
    await expect(on('cuda')).rejects.toThrow(/invalid backend: "cuda" \(allowed: auto \| reference \| wasm \| webgpu\)/);
    await expect(createEvaluator({ ...AMPLIFIED_KERNELS, screens: [] }, { backend: 'webgpu', log: () => {} })).rejects.toThrow(/backend webgpu unavailable: precision f32/);
  });

  it("a wasm module that does not load: 'wasm' is unavailable, 'auto' logs (at its first batch) and uses the reference", async () => {
    const bogus = new WebAssembly.Module(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]));
    await expect(on('wasm', { factories: { wasm: () => createWasmBackend({ module: bogus }) } })).rejects.toThrow(/backend wasm unavailable/);
    const lines: string[] = [];
    const ev = await on('auto', { factories: { wasm: () => createWasmBackend({ module: bogus }) }, log: (l) => lines.push(l) });
    expect(ev.primary).toBe('reference');
    expect(lines).toEqual([]); // selection lines wait for the first batch
    ev.runSync('amplified-rate', { fixed: { encoding: 'phase', G1: 10, G2: 10, leak: 0.1, method: 'exact' }, points: Float64Array.from([1, 0.1, 1.2]) });
    expect(lines.some((l) => /backend wasm skipped: init failed/.test(l))).toBe(true);
    expect(ev.backendsSince(0)).toBe('reference');
  });
});
