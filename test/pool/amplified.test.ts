/**
 * 'amplified-rate' on the reference backend (the amplified model's own TS twin, handed to the
 * registry as ModelKernels.references) and its absence from the pool's reference backend: pool
 * workers run only the AssemblyScript port (wasm engine; test/backends/amplified-wasm-backend.test.ts),
 * since a worker of the pool layer does not load model code.
 */
import { describe, expect, it } from 'vitest';
import { createLeakagePool } from '../../src/pool/index.js';
import { runAmplifiedBatch, type AmplifiedRateInput } from '../../src/kernels/amplified-rate/spec.js';
import { AMPLIFIED_KERNELS } from '../../src/models/amplified/model.js';
import { evaluateBatch } from '../../src/models/amplified/kernels.js';

const amplifiedRateReference = async (input: AmplifiedRateInput) => runAmplifiedBatch(evaluateBatch, input);
import { createReferenceBackend } from '../../src/backends/reference/index.js';
import { KERNELS } from '../../src/backends/kernels.js';

const phase: AmplifiedRateInput = {
  fixed: { encoding: 'phase', G1: 10, G2: 10, leak: 0.1, method: 'exact' },
  // [|g|^2, th1', th2'] x 24, plus one invalid point (th2' < th1') -> NaN
  points: Float64Array.from([
    ...Array.from({ length: 24 }, (_, i) => [0.5 + 0.1 * i, 0.1 + 0.02 * i, 1.2 + 0.05 * i]).flat(),
    1, 2, 1,
  ]),
};

describe('amplified-rate', () => {
  it('the pool refuses it on the reference backend (no model code in pool workers)', async () => {
    const direct = await amplifiedRateReference(phase);
    expect(direct.values.some((v) => Number.isFinite(v))).toBe(true);
    expect(Number.isNaN(direct.values.at(-1)!)).toBe(true);
    const pool = await createLeakagePool({ workers: 2, backend: 'reference', log: () => {} });
    try {
      await expect(pool.amplifiedRate(phase, { chunkPoints: 4 })).rejects.toThrow(/wasm backend only/);
    } finally {
      await pool.close();
    }
  });

  it('the reference backend runs it as a kernel', async () => {
    expect(createReferenceBackend().has(KERNELS.amplifiedRate)).toBe(false); // without the model's twin
    const b = createReferenceBackend(AMPLIFIED_KERNELS.references as Record<string, (input: unknown) => unknown>);
    expect(b.has(KERNELS.amplifiedRate)).toBe(true);
    const r = await b.run<AmplifiedRateInput, { values: Float64Array }>(KERNELS.amplifiedRate, phase);
    expect(Array.from(r.values)).toEqual(Array.from((await amplifiedRateReference(phase)).values));
    await expect(b.run(KERNELS.amplifiedRate, { ...phase, points: new Float64Array(4) })).rejects.toThrow(/not a multiple of the stride 3/);
  });
});
