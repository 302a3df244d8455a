/**
 * 'amplified-rate' through the reference backend and the pool: the amplified model's own batch
 * evaluator (src/models/amplified/kernels.ts) run across workers must give exactly what it gives
 * in the main thread (same code, same inputs, deterministic), NaN for invalid points included.
 * The wasm engine's workers run the AssemblyScript port instead: test/backends/amplified-wasm-backend.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { createLeakagePool } from '../../src/pool/index.js';
import { amplifiedRateReference, type AmplifiedRateInput } from '../../src/backends/amplified.js';
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
  it('pool (2 workers) == main thread, bit for bit, with evaluation counts summed', async () => {
    const direct = await amplifiedRateReference(phase);
    expect(direct.values.some((v) => Number.isFinite(v))).toBe(true);
    expect(Number.isNaN(direct.values.at(-1)!)).toBe(true);
    const pool = await createLeakagePool({ workers: 2, engine: 'reference', log: () => {}, testHooks: { exitOnChunk: 1 } });
    try {
      const r = await pool.amplifiedRate(phase, { chunkPoints: 4 });
      expect(Array.from(r.values)).toEqual(Array.from(direct.values));
      expect(r.evaluations).toBe(direct.evaluations);
      expect(pool.retries()).toBe(1); // chunk 1's worker was killed once and retried
    } finally {
      await pool.close();
    }
  });

  it('the reference backend runs it as a kernel', async () => {
    const b = createReferenceBackend();
    expect(b.has(KERNELS.amplifiedRate)).toBe(true);
    const r = await b.run<AmplifiedRateInput, { values: Float64Array }>(KERNELS.amplifiedRate, phase);
    expect(Array.from(r.values)).toEqual(Array.from((await amplifiedRateReference(phase)).values));
    await expect(b.run(KERNELS.amplifiedRate, { ...phase, points: new Float64Array(4) })).rejects.toThrow(/not a multiple of the stride 3/);
  });
});
