/**
 * 'amplified-rate' through the registry and the pool on the wasm engine: selection, run-time
 * fallback to reference with a warning when the wasm kernel traps, a module built before the port
 * (no amplifiedRateBatch export) leaves the kernel to reference, and the pool's workers run the
 * wasm port bit-identically to the main thread (retrying a crashed chunk).
 */
import { describe, expect, it } from 'vitest';
import asc from 'assemblyscript/asc';
import { resolveBackend } from '../../src/backends/registry.js';
import { createWasmBackend } from '../../src/backends/wasm/index.js';
import { compileKernelModule } from '../../src/backends/wasm/load.js';
import { WasmAmplifiedKernel } from '../../src/backends/wasm/amplified-rate.js';
import { KERNELS } from '../../src/backends/kernels.js';
import { runAmplifiedBatch, type AmplifiedRateInput, type AmplifiedRateOutput } from '../../src/kernels/amplified-rate/spec.js';
import { AMPLIFIED_KERNELS } from '../../src/models/amplified/model.js';
import { evaluateBatch } from '../../src/models/amplified/kernels.js';

// the amplified model's TS twin, as createEvaluator hands it to the reference backend
const REFS = AMPLIFIED_KERNELS.references as Record<string, (input: unknown) => unknown>;
const amplifiedRateReference = (input: AmplifiedRateInput) => runAmplifiedBatch(evaluateBatch, input);
import { createLeakagePool } from '../../src/pool/index.js';
import { line } from '../../src/models/amplified/channel.js';
import type { WasmModule } from '../../src/backends/wasm/wa.js';

const L0 = line({ distance: 1000, eveAt: 0 }); // G1 = 1: cheap exact points (~ms)
const pn: AmplifiedRateInput = {
  fixed: { encoding: 'photon-number', G1: L0.G1, G2: L0.G2, leak: 1e-3, method: 'exact', tol: 1e-15 },
  points: Float64Array.from([
    ...Array.from({ length: 9 }, (_, i) => [1e4 + 500 * i, 2e4, 2000 + 100 * i, 2000, 9000, 12000]).flat(),
    1e4, 2e4, 0.2, 0.2, 9000, 12000, // invalid (theta1 + theta2 < 1) -> NaN
  ]),
};
const phase: AmplifiedRateInput = {
  fixed: { encoding: 'phase', G1: 10, G2: 10, leak: 0.1, method: 'exact' },
  points: Float64Array.from([...Array.from({ length: 24 }, (_, i) => [0.5 + 0.1 * i, 0.1 + 0.02 * i, 1.2 + 0.05 * i]).flat(), 1, 2, 1]),
};

async function compileAs(src: string): Promise<WasmModule> {
  const r = await asc.compileString(src, { runtime: 'stub', optimizeLevel: 0 });
  if (!r.binary) throw new Error(`asc failed: ${r.stderr.toString()}`);
  return (await WebAssembly.compile(r.binary)) as unknown as WasmModule;
}
const LEAKAGE_ABI = `
  export function kernelAbiVersion(): i32 { return 2; }
  export function heapBase(): usize { return __heap_base; }
  export function simdEnabled(): i32 { return 0; }
  export function leakageScratchBytes(d: i32, n: i32): usize { return 1024; }
  export function leakageObjective(a: i32, b: i32, c: usize, d: usize, e: usize, f: i32, g: i32, h: usize, i: usize): void { unreachable(); }
`;

describe('amplified-rate on the wasm backend', () => {
  it('the wasm backend has the kernel and the registry runs it there, equal to the kernel class', async () => {
    const lines: string[] = [];
    const sel = await resolveBackend('wasm', { references: REFS, log: (l) => lines.push(l), kernels: [KERNELS.amplifiedRate] });
    try {
      expect(sel.primary.name).toBe('wasm');
      expect(sel.primary.has(KERNELS.amplifiedRate)).toBe(true);
      const r = await sel.run<AmplifiedRateOutput>(KERNELS.amplifiedRate, pn);
      expect(r.backend).toBe('wasm');
      expect(r.failed).toEqual([]);
      const k = WasmAmplifiedKernel.fromModule((sel.primary as unknown as { module: WasmModule }).module);
      const direct = k.run(pn);
      expect(Array.from(r.value.values)).toEqual(Array.from(direct.values));
      expect(r.value.evaluations).toBe(direct.evaluations);
      expect(Number.isNaN(r.value.values.at(-1)!)).toBe(true);
      await expect(sel.run(KERNELS.amplifiedRate, { ...phase, points: new Float64Array(4) })).rejects.toThrow(/not a multiple of the stride 3/);
    } finally {
      await sel.dispose();
    }
  });

  it('a trapping wasm amplified kernel falls back to reference for that batch, with a warning', async () => {
    const module = await compileAs(LEAKAGE_ABI + `
      export function amplifiedRateBatch(e: i32, m: i32, g1: f64, g2: f64, l: f64, t: f64, p: usize, n: i32, o: usize, d: usize, s: usize): f64 { unreachable(); return 0; }
    `);
    const lines: string[] = [];
    const sel = await resolveBackend('wasm', { references: REFS, log: (l) => lines.push(l), factories: { wasm: () => createWasmBackend({ module }) } });
    try {
      expect(sel.primary.has(KERNELS.amplifiedRate)).toBe(true);
      const r = await sel.run<AmplifiedRateOutput>(KERNELS.amplifiedRate, phase);
      expect(r.backend).toBe('reference');
      expect(r.failed).toEqual([{ name: 'wasm', error: 'RuntimeError: unreachable' }]);
      expect(lines.at(-1)).toBe('backend wasm failed on amplified-rate (RuntimeError: unreachable); falling back to reference for this batch');
      expect(Array.from(r.value.values)).toEqual(Array.from((await amplifiedRateReference(phase)).values));
    } finally {
      await sel.dispose();
    }
  });

  it('a module without the amplified port leaves amplified-rate to reference (and says so)', async () => {
    const module = await compileAs(LEAKAGE_ABI);
    const lines: string[] = [];
    const sel = await resolveBackend('wasm', { references: REFS, log: (l) => lines.push(l), factories: { wasm: () => createWasmBackend({ module }) } });
    try {
      expect(sel.primary.has(KERNELS.leakageObjective)).toBe(true);
      expect(sel.primary.has(KERNELS.amplifiedRate)).toBe(false);
      expect(sel.primary.detail).toMatch(/no amplified-rate: .*no amplifiedRateBatch export/);
      const r = await sel.run<AmplifiedRateOutput>(KERNELS.amplifiedRate, phase);
      expect(r.backend).toBe('reference');
      expect(r.failed).toEqual([]);
    } finally {
      await sel.dispose();
    }
  });

  it('pool (2 workers, wasm engine) == wasm in the main thread, bit for bit, retrying a crashed chunk', async () => {
    const { module } = await compileKernelModule({ flavor: 'scalar' });
    const k = WasmAmplifiedKernel.fromModule(module);
    const pool = await createLeakagePool({ workers: 2, module, log: () => {}, testHooks: { exitOnChunk: 1 } });
    try {
      expect(pool.backend).toBe('wasm');
      for (const input of [pn, phase]) {
        const direct = k.run(input);
        const r = await pool.amplifiedRate(input, { chunkPoints: 3 });
        expect(Array.from(r.values)).toEqual(Array.from(direct.values));
        expect(r.evaluations).toBe(direct.evaluations);
      }
      expect(pool.retries()).toBe(2); // chunk 1 of each batch: its worker was killed once and retried
    } finally {
      await pool.close();
    }
  });
});
