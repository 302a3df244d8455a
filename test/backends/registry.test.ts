/** Registry: logged selection, skip reasons, forced backends, per-batch run-time fallback. */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import asc from 'assemblyscript/asc';
import { resolveBackend } from '../../src/backends/registry.js';
import { createWasmBackend } from '../../src/backends/wasm/index.js';
import { createLeakageEvaluator } from './leakage-evaluator.js';
import { KERNELS } from '../../src/backends/kernels.js';
import { leakageObjectiveReference } from '../../src/kernels/leakage-objective/reference.js';
import { agreementCases } from './cases.js';

const batch = agreementCases()[0]!.batch;
const ref = leakageObjectiveReference(batch);

/** A real WASM module with the kernel ABI whose leakageObjective traps (`unreachable`). */
async function trappingModule() {
  const src = `
    export function kernelAbiVersion(): i32 { return 2; }
    export function heapBase(): usize { return __heap_base; }
    export function simdEnabled(): i32 { return 0; }
    export function leakageScratchBytes(d: i32, n: i32): usize { return 1024; }
    export function leakageObjective(a: i32, b: i32, c: usize, d: usize, e: usize, f: i32, g: i32, h: usize, i: usize): void { unreachable(); }
  `;
  const r = await asc.compileString(src, { runtime: 'stub', optimizeLevel: 0 });
  if (!r.binary) throw new Error(`asc failed: ${r.stderr.toString()}`);
  return WebAssembly.compile(r.binary);
}

describe('resolveBackend', () => {
  it("'auto' logs a skip reason for every unavailable backend and the one selected", async () => {
    const lines: string[] = [];
    const sel = await resolveBackend('auto', {
      log: (l) => lines.push(l),
      factories: { webgpu: () => { throw new Error('no adapter'); } },
    });
    expect(lines).toContain('backend webgpu skipped: init failed: Error: no adapter');
    expect(sel.primary.name).toBe('wasm');
    expect(lines.at(-1)).toMatch(/^backend wasm selected \((simd|scalar), .*keyrate(\.simd)?\.wasm.*\); fallback: reference$/);
    expect(sel.backends.map((b) => b.name)).toEqual(['wasm', 'reference']);
    await sel.dispose();
  });

  it('default logger writes stderr lines prefixed keyrate:', async () => {
    const writes: string[] = [];
    const orig = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((s: string) => { writes.push(String(s)); return true; }) as typeof process.stderr.write;
    try {
      const sel = await resolveBackend('reference');
      await sel.dispose();
    } finally {
      process.stderr.write = orig;
    }
    expect(writes).toEqual(['keyrate: backend reference selected (TypeScript, main thread)\n']);
  });

  it('a wasm module that fails to load is skipped by auto with the reason, and is an error when forced', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'keyrate-badwasm-'));
    writeFileSync(path.join(dir, 'keyrate.wasm'), 'not wasm');
    writeFileSync(path.join(dir, 'keyrate.simd.wasm'), 'not wasm');
    const lines: string[] = [];
    const factories = { webgpu: () => { throw new Error('off'); }, wasm: () => createWasmBackend({ dir }) };
    const sel = await resolveBackend('auto', { log: (l) => lines.push(l), factories });
    expect(sel.primary.name).toBe('reference');
    expect(lines.some((l) => /^backend wasm skipped: init failed: CompileError/.test(l))).toBe(true);
    await expect(resolveBackend('wasm', { log: () => {}, factories })).rejects.toThrow(/backend wasm unavailable: init failed/);
  });

  it('an f32 backend is skipped when f64 is required, naming the precision', async () => {
    const lines: string[] = [];
    const fake = {
      name: 'webgpu' as const, precision: 'f32' as const, async init() {}, has: () => true,
      async run<I, O>(): Promise<O> { throw new Error('not used'); }, async dispose() {},
    };
    const sel = await resolveBackend('auto', { log: (l) => lines.push(l), factories: { webgpu: () => fake }, requireF64: true });
    expect(lines[0]).toBe('backend webgpu skipped: precision f32, f64 required');
    expect(sel.primary.name).toBe('wasm');
  });

  it("'auto' with f64 required does not start the f32 backends at all (no GPU device for nothing)", async () => {
    const lines: string[] = [];
    const sel = await resolveBackend('auto', { log: (l) => lines.push(l), requireF64: true });
    expect(lines[0]).toBe('backend webgpu skipped: precision f32, f64 required (not started)');
    expect(sel.skipped.map((s) => s.name)).toEqual(['webgpu']);
    expect(sel.primary.precision).toBe('f64');
    await sel.dispose();
  });

  it('rejects an unknown backend name', async () => {
    await expect(resolveBackend('cuda' as never, { log: () => {} })).rejects.toThrow('invalid backend: "cuda" (allowed: auto | reference | wasm | webgpu | gpujs)');
    await expect(createLeakageEvaluator({ workers: 0, log: () => {} })).rejects.toThrow('invalid workers: 0 (allowed: integer in [1, 256])');
  });

  it('a wasm kernel that traps at run time falls back to reference for that batch, with a warning', async () => {
    const module = await trappingModule();
    const lines: string[] = [];
    const sel = await resolveBackend('wasm', { log: (l) => lines.push(l), factories: { wasm: () => createWasmBackend({ module }) } });
    expect(sel.primary.name).toBe('wasm');
    const r = await sel.run<Float64Array>(KERNELS.leakageObjective, batch);
    expect(r.backend).toBe('reference');
    expect(r.failed).toEqual([{ name: 'wasm', error: 'RuntimeError: unreachable' }]);
    expect(Array.from(r.value)).toEqual(Array.from(ref));
    expect(lines.at(-1)).toBe('backend wasm failed on leakage-objective (RuntimeError: unreachable); falling back to reference for this batch');
  });

  it('the evaluator reports the backend that computed each batch', async () => {
    const module = await trappingModule();
    const lines: string[] = [];
    const ev = await createLeakageEvaluator({ backend: 'wasm', log: (l) => lines.push(l), factories: { wasm: () => createWasmBackend({ module }) } });
    expect(ev.backendUsed()).toMatch(/^wasm-(simd|scalar)$/);
    const out = await ev.evaluate(batch);
    expect(ev.backendUsed()).toBe('reference');
    expect(Array.from(out)).toEqual(Array.from(ref));
    const mark = ev.batches();
    expect(mark).toBe(1);
    await ev.evaluate(batch);
    expect(ev.backendsSince(mark)).toBe('reference');
    expect(ev.backendsSince(0)).toBe('reference');
    await ev.close();
    const good = await createLeakageEvaluator({ backend: 'auto', log: () => {}, factories: { webgpu: () => { throw new Error('off'); } } });
    await good.evaluate(batch);
    expect(good.backendUsed()).toMatch(/^wasm-(simd|scalar)$/);
    await good.close();
  });

  it('a malformed batch is a RangeError naming the field, on every backend', async () => {
    const ev = await createLeakageEvaluator({ backend: 'wasm', log: () => {} });
    await expect(ev.evaluate({ ...batch, problemOf: batch.problemOf.subarray(1) })).rejects.toThrow(/problemOf length/);
    await ev.close();
  });
});

describe('backend modules', () => {
  it('webgpu and gpujs load through string-literal dynamic imports (no variable specifiers: test/architecture)', async () => {
    const lines: string[] = [];
    // a forced gpujs either initialises or is unavailable with its reason (never a module-resolution error)
    const r = await resolveBackend('gpujs', { log: (l) => lines.push(l) }).then((s) => s.dispose().then(() => 'ok'), (e: Error) => e.message);
    expect(r).not.toMatch(/not loadable|Cannot find module/);
  });
});

it('a backend whose init hangs is skipped after initTimeoutMs', async () => {
  const lines: string[] = [];
  const hang = {
    name: 'webgpu' as const, precision: 'f64' as const, init: () => new Promise<void>(() => {}), has: () => true,
    async run<I, O>(): Promise<O> { throw new Error('not used'); }, async dispose() {},
  };
  const sel = await resolveBackend('auto', { log: (l) => lines.push(l), factories: { webgpu: () => hang }, initTimeoutMs: 50 });
  expect(lines[0]).toBe('backend webgpu skipped: init failed: Error: init timed out after 50 ms');
  expect(sel.primary.name).toBe('wasm');
});
