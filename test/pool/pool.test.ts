/**
 * Piscina pool: same results as the reference on the conformance table, chunking, a worker that
 * dies mid-batch (replaced, chunk retried once), a chunk that keeps killing workers (reported),
 * cancellation. The pool runs the compiled worker dist/pool/worker.js: `npm test` builds first.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { createLeakagePool, planChunks, poolWorkerFile, type LeakagePool } from '../../src/pool/index.js';
import { createLeakageEvaluator } from '../backends/leakage-evaluator.js';
import { leakageObjectiveReference } from '../../src/kernels/leakage-objective/reference.js';
import { agreementCases, worstAgreement } from '../backends/cases.js';

const cases = agreementCases();
const refs = cases.map((c) => leakageObjectiveReference(c.batch));

it('the compiled worker exists (run `npm run build` / `npm test`, which builds first)', () => {
  expect(existsSync(poolWorkerFile())).toBe(true);
});

describe('planChunks', () => {
  it('covers [0, points) contiguously, one chunk per worker at least when big, bounded by the target', () => {
    const ch = planChunks(1_000_000, 2, 100, 20);
    expect(ch[0]![0]).toBe(0);
    expect(ch.at(-1)![1]).toBe(1_000_000);
    for (let i = 1; i < ch.length; i++) expect(ch[i]![0]).toBe(ch[i - 1]![1]);
    expect(ch.length).toBe(6); // 1e6 points * 100 ns = 100 ms -> 5 x 20 ms, rounded up to a multiple of 2 workers
    const sizes = ch.map(([s, e]) => e - s);
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThan(ch.length); // equal shares up to rounding
    expect(planChunks(10, 4, 100, 20)).toEqual([[0, 10]]); // too small to split
    expect(planChunks(7, 2, 100, 20, 3)).toEqual([[0, 3], [3, 6], [6, 7]]);
  });
});

describe('pool (2 workers, wasm)', () => {
  let pool: LeakagePool;
  beforeAll(async () => {
    pool = await createLeakagePool({ workers: 2, chunkPoints: 997, log: () => {} });
  });
  afterAll(() => pool.close());

  it.each(cases.map((c, i) => [c.label, i] as const))('%s', async (_l, i) => {
    const got = await pool.evaluate(cases[i]!.batch);
    expect(worstAgreement(cases[i]!.batch, got, refs[i]!).ratio).toBeLessThanOrEqual(1);
  });
  it('reports its engine', () => {
    expect(pool.backend).toMatch(/^wasm-(simd|scalar)$/);
    expect(pool.workers).toBe(2);
  });
});

describe('worker failure', () => {
  it('a worker that exits mid-batch is replaced and its chunk retried: full, correct result', async () => {
    const lines: string[] = [];
    const pool = await createLeakagePool({ workers: 2, chunkPoints: 500, log: (l) => lines.push(l), testHooks: { exitOnChunk: 3 } });
    try {
      const c = cases[2]!; // d=3 N=2, > 3 * 500 points
      expect(c.batch.problemOf.length).toBeGreaterThan(2000);
      const got = await pool.evaluate(c.batch);
      expect(worstAgreement(c.batch, got, refs[2]!).ratio).toBeLessThanOrEqual(1);
      expect(pool.retries()).toBe(1);
      expect(lines).toEqual(['pool worker failed on chunk 3 (worker exited with code: 17); retrying once']);
      // the replacement worker keeps serving
      const again = await pool.evaluate(cases[0]!.batch);
      expect(worstAgreement(cases[0]!.batch, again, refs[0]!).ratio).toBeLessThanOrEqual(1);
    } finally {
      await pool.close();
    }
  });

  it('a chunk that fails twice rejects the batch naming the chunk', async () => {
    const pool = await createLeakagePool({ workers: 2, chunkPoints: 500, log: () => {}, testHooks: { exitOnChunk: 1, exitAlways: true } });
    try {
      await expect(pool.evaluate(cases[2]!.batch)).rejects.toThrow(/pool chunk 1 failed twice: worker exited with code: 17/);
    } finally {
      await pool.close();
    }
  });

  it('the evaluator falls back to the main thread when the pool gives up, with a warning', async () => {
    const lines: string[] = [];
    const ev = await createLeakageEvaluator({
      backend: 'wasm', workers: 2, log: (l) => lines.push(l), poolMinMs: 0,
      poolTestHooks: { exitOnChunk: 0, exitAlways: true },
    });
    try {
      const got = await ev.evaluate(cases[0]!.batch);
      expect(worstAgreement(cases[0]!.batch, got, refs[0]!).ratio).toBeLessThanOrEqual(1);
      expect(ev.backendUsed()).toMatch(/^wasm-(simd|scalar)$/);
      expect(lines.some((l) => l.startsWith('pool failed (pool chunk 0 failed twice') && l.endsWith('falling back to wasm in the main thread for this batch'))).toBe(true);
    } finally {
      await ev.close();
    }
  });

  it('the evaluator reports the pool when it computed the batch', async () => {
    const ev = await createLeakageEvaluator({ backend: 'wasm', workers: 2, log: () => {}, poolMinMs: 0 });
    try {
      const got = await ev.evaluate(cases[4]!.batch);
      expect(worstAgreement(cases[4]!.batch, got, refs[4]!).ratio).toBeLessThanOrEqual(1);
      expect(ev.backendUsed()).toMatch(/^wasm-(simd|scalar) x2 workers$/);
    } finally {
      await ev.close();
    }
  });
});

describe('cancellation', () => {
  it('aborting mid-batch rejects promptly with the abort reason; the pool stays usable', async () => {
    // every chunk blocks 300 ms in its worker; 8 chunks on 2 workers would take >= 1.2 s
    const pool = await createLeakagePool({ workers: 2, chunkPoints: Math.ceil(cases[2]!.batch.problemOf.length / 8), log: () => {}, testHooks: { chunkDelayMs: 300 } });
    try {
      const ctl = new AbortController();
      const t0 = performance.now();
      const p = pool.evaluate(cases[2]!.batch, { signal: ctl.signal });
      setTimeout(() => ctl.abort(new Error('user cancelled')), 100);
      await expect(p).rejects.toThrow('user cancelled');
      expect(performance.now() - t0).toBeLessThan(1000);
      // an already-aborted signal rejects before any work
      await expect(pool.evaluate(cases[0]!.batch, { signal: AbortSignal.abort() })).rejects.toThrow(/abort/i);
      const got = await pool.evaluate(cases[0]!.batch);
      expect(worstAgreement(cases[0]!.batch, got, refs[0]!).ratio).toBeLessThanOrEqual(1);
    } finally {
      await pool.close();
    }
  });
});

describe('shared-memory batches', () => {
  it('inputs from allocSharedBatch are read in place and a shared `out` is written directly', async () => {
    const { allocSharedBatch } = await import('../../src/pool/index.js');
    const c = cases[3]!;
    const n = c.batch.dim ** c.batch.parties;
    const pts = c.batch.problemOf.length;
    const sh = allocSharedBatch(pts, n);
    sh.gammas.set(c.batch.gammas);
    sh.problemOf.set(c.batch.problemOf);
    // NaN prefill: a slot no chunk wrote stays NaN, and worstAgreement fails on any NaN
    const out = new Float64Array(new SharedArrayBuffer(pts * 8)).fill(Number.NaN);
    const pool = await createLeakagePool({ workers: 2, chunkPoints: 1000, log: () => {} });
    try {
      const got = await pool.evaluate({ ...c.batch, ...sh }, { out });
      expect(got).toBe(out);
      expect(worstAgreement(c.batch, out, refs[3]!).ratio).toBeLessThanOrEqual(1);
      // a plain `out` receives a copy
      const plain = new Float64Array(pts).fill(Number.NaN);
      expect(await pool.evaluate(c.batch, { out: plain })).toBe(plain);
      expect(worstAgreement(c.batch, plain, refs[3]!).ratio).toBeLessThanOrEqual(1);
      await expect(pool.evaluate(c.batch, { out: new Float64Array(3) })).rejects.toThrow(/out length 3/);
    } finally {
      await pool.close();
    }
  });
});

describe('grid-min in the pool', () => {
  it('chunked by problems, equals the single-thread wasm kernel bit for bit (same module, same order)', async () => {
    const { WasmLeakageKernel, compileKernelModule } = await import('../../src/backends/wasm/index.js');
    const m = await compileKernelModule();
    const k = WasmLeakageKernel.fromModule(m.module);
    const c = cases[0]!.batch; // d=2 N=2, 53 problems
    const input = { dim: 2, parties: 2, coef: c.coef, grid: 5, objective: 'joint' as const };
    const single = k.gridMin(input);
    const pool = await createLeakagePool({ workers: 2, module: m.module, chunkPoints: 7, log: () => {}, testHooks: { exitOnChunk: 2 } });
    try {
      const r = await pool.gridMin(input);
      expect(Array.from(r.min)).toEqual(Array.from(single.min));
      expect(Array.from(r.arg)).toEqual(Array.from(single.arg));
      expect(pool.retries()).toBe(1); // chunk 2's worker died once and was retried
    } finally {
      await pool.close();
    }
  });
});

describe('evaluator.gridMin', () => {
  it('matches the reference twin through the pool and in the main thread', async () => {
    const { leakageGridMinReference } = await import('../../src/kernels/leakage-grid-min/reference.js');
    const { termScale } = await import('../backends/cases.js');
    const c = cases[0]!.batch;
    const input = { dim: 2, parties: 2, coef: c.coef, grid: 7, objective: 'joint' as const };
    const ref = leakageGridMinReference(input);
    for (const workers of [1, 2]) {
      const ev = await createLeakageEvaluator({ backend: 'wasm', workers, log: () => {}, poolMinMs: 0 });
      try {
        const r = await ev.gridMin(input);
        if (workers === 1) expect(ev.backendUsed()).toMatch(/^wasm-(simd|scalar)$/);
        else expect(ev.backendUsed()).toMatch(/^wasm-(simd|scalar) x2 workers$/);
        for (let p = 0; p < ref.min.length; p++) {
          const at = (arg: Float64Array) => termScale({ ...c, gammas: arg.slice(p * 4, p * 4 + 4), problemOf: Uint32Array.from([p]) }, 0);
          const tol = 1e-12 * Math.abs(ref.min[p]!) + 4e-15 * Math.max(at(ref.arg), at(r.arg));
          expect(Math.abs(r.min[p]! - ref.min[p]!)).toBeLessThanOrEqual(tol);
        }
      } finally {
        await ev.close();
      }
    }
  });
});

describe('reference engine in the pool', () => {
  it('runs the TS twin in the workers: bit-identical to the main-thread reference', async () => {
    const ev = await createLeakageEvaluator({ backend: 'reference', workers: 2, log: () => {}, poolMinMs: 0 });
    try {
      const got = await ev.evaluate(cases[2]!.batch);
      expect(ev.backendUsed()).toBe('reference x2 workers');
      expect(Array.from(got)).toEqual(Array.from(refs[2]!));
    } finally {
      await ev.close();
    }
  });
});

it('grid-min in the pool is cancellable too', async () => {
  const pool = await createLeakagePool({ workers: 2, chunkPoints: 5, log: () => {}, testHooks: { chunkDelayMs: 300 } });
  try {
    const ctl = new AbortController();
    const t0 = performance.now();
    const p = pool.gridMin({ dim: 2, parties: 2, coef: cases[0]!.batch.coef, grid: 3, objective: 'joint' }, { signal: ctl.signal });
    setTimeout(() => ctl.abort(new Error('stop grid')), 100);
    await expect(p).rejects.toThrow('stop grid');
    expect(performance.now() - t0).toBeLessThan(1000); // 11 chunks x 300 ms on 2 workers would be >= 1.8 s
  } finally {
    await pool.close();
  }
});
