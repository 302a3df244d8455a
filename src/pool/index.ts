/**
 * Piscina worker pool for batch kernels (leakage objective). Design:
 * - fixed size: minThreads = maxThreads = workers (default: os.availableParallelism()), long
 *   idleTimeout so workers (and their instantiated WASM) stay warm between batches;
 * - the WASM module is compiled once in the main thread and sent in workerData; each worker
 *   instantiates it once;
 * - a batch is cut into contiguous chunks of gamma points sized for ~20 ms of work (a task costs
 *   ~70 us of overhead), at least one chunk per worker when the batch is big enough to split;
 * - zero-copy messaging: inputs in SharedArrayBuffers (allocSharedBatch) are read in place; other
 *   inputs are copied once, chunk by chunk just before dispatch (pipelined with the workers), into
 *   a reusable shared staging area; workers write F straight into a shared output buffer that is
 *   returned as the result (SharedArrayBuffer views are cloned by reference, so nothing is copied
 *   or transferred; Piscina.move would need a fresh buffer per chunk plus a copy-out);
 * - cancellation: an AbortSignal is passed to every task (Piscina terminates running ones);
 * - a chunk whose worker crashes (or throws) is retried once on a fresh worker (Piscina replaces
 *   dead workers); a second failure rejects the batch naming the chunk.
 */
import os from 'node:os';
import { checkWorkers } from '../validate.js';
import { setMaxListeners } from 'node:events';
import path from 'node:path';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import { checkBatchShape, type LeakageObjectiveBatch } from '../kernels/leakage-objective/spec.js';
import { compileKernelModule, type WasmFlavor } from '../backends/wasm/load.js';
import type { WasmModule } from '../backends/wasm/wa.js';
import type { PoolAmplifiedTask, PoolGridMinTask, PoolTask, PoolWorkerData } from './types.js';
import { AMPLIFIED_STRIDE, checkAmplifiedShape, type AmplifiedRateInput, type AmplifiedRateOutput } from '../kernels/amplified-rate/spec.js';
import { checkGridMinShape, type LeakageGridMinInput, type LeakageGridMinOutput } from '../kernels/leakage-grid-min/spec.js';

export type { PoolTask, PoolGridMinTask, PoolAmplifiedTask, PoolWorkerData } from './types.js';

export interface LeakagePoolOptions {
  /** Worker threads (default: os.availableParallelism()). */
  workers?: number;
  /** Backend of the kernels inside the workers (default 'wasm'). */
  backend?: 'wasm' | 'reference';
  /** WASM flavor when backend = 'wasm' (default 'auto'). */
  flavor?: WasmFlavor | 'auto';
  /** Pre-compiled module to hand to the workers (skips loading). */
  module?: WasmModule;
  /** Fixed points per chunk (default: sized for targetChunkMs). */
  chunkPoints?: number;
  /** Target work per chunk in ms (default 20). */
  targetChunkMs?: number;
  /** Warnings (retries); default: stderr 'keyrate:' lines. */
  log?: (line: string) => void;
  /** Test hooks (never set in production). */
  testHooks?: { exitOnChunk?: number; exitAlways?: boolean; chunkDelayMs?: number };
}

export interface PoolEvaluateOptions {
  signal?: AbortSignal;
  /**
   * Write the result here (length = points). When it lives in a SharedArrayBuffer the workers
   * write into it directly (reusing one avoids first-touch page faults per batch); otherwise the
   * result is copied into it. Default: a fresh shared buffer per batch.
   */
  out?: Float64Array;
}

export interface LeakagePool {
  readonly workers: number;
  /** The workers' backend: e.g. 'wasm-simd' | 'wasm-scalar' | 'reference'. */
  readonly backend: string;
  /** Evaluate a batch across the workers; same contract and result as the single-thread kernel. */
  evaluate(batch: LeakageObjectiveBatch, opts?: PoolEvaluateOptions): Promise<Float64Array>;
  /** 'leakage-grid-min' across the workers, chunked by problems (src/kernels/leakage-grid-min/spec.ts). */
  gridMin(input: LeakageGridMinInput, opts?: { signal?: AbortSignal }): Promise<LeakageGridMinOutput>;
  /**
   * 'amplified-rate' (src/kernels/amplified-rate/spec.ts) across the workers, chunked by points (each point
   * is ms-scale: quadratures): the wasm port (assembly/amplified), backend 'wasm' only (the TS twin
   * is the amplified model's code, run in the calling thread by the reference backend).
   */
  amplifiedRate(input: AmplifiedRateInput, opts?: { signal?: AbortSignal; chunkPoints?: number }): Promise<AmplifiedRateOutput>;
  /** Chunks retried after a worker failure since creation. */
  retries(): number;
  close(): Promise<void>;
}

const isShared = (a: ArrayBufferView): boolean => a.buffer instanceof SharedArrayBuffer;

/**
 * Allocate the arrays of a leakage-objective batch in shared memory, so a pool reads them in
 * place (no staging copy). Optional: plain Float64Array / Uint32Array batches work too.
 */
export function allocSharedBatch(points: number, n: number): { gammas: Float64Array; problemOf: Uint32Array } {
  return {
    gammas: new Float64Array(new SharedArrayBuffer(points * n * 8)),
    problemOf: new Uint32Array(new SharedArrayBuffer(points * 4)),
  };
}

/** Path of the compiled worker: dist/pool/worker.js (also used when running from src/). */
export function poolWorkerFile(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const sibling = path.join(here, 'worker.js');
  if (existsSync(sibling)) return sibling; // running from dist/pool
  const dist = path.resolve(here, '..', '..', 'dist', 'pool', 'worker.js'); // running from src/pool
  if (existsSync(dist)) return dist;
  throw new Error(`keyrate pool worker not built: ${dist} is missing (run npm run build)`);
}

/** Estimated kernel time per gamma point in ns: ~(n + N d + 1) logarithms of ~12 ns each. */
export function estimatePointNs(dim: number, parties: number): number {
  return (dim ** parties + dim * parties + 1) * 12;
}

/** Split `points` into contiguous [start, end) chunks. */
export function planChunks(points: number, workers: number, pointNs: number, targetChunkMs = 20, chunkPoints?: number): [number, number][] {
  let size: number;
  if (chunkPoints !== undefined) size = Math.max(1, Math.floor(chunkPoints));
  else {
    // as many ~targetChunkMs chunks as the work needs, rounded up to a multiple of the worker
    // count and equal in size, so every worker gets the same share (no straggler chunk)
    const work = points * pointNs;
    let count = Math.max(workers, Math.ceil(work / (targetChunkMs * 1e6)));
    count = Math.ceil(count / workers) * workers;
    size = Math.ceil(points / count);
    // tiny batches: do not cut below ~0.5 ms of work per chunk (task overhead ~70 us)
    size = Math.max(size, Math.min(points, Math.ceil(5e5 / pointNs)));
  }
  const chunks: [number, number][] = [];
  for (let s = 0; s < points; s += size) chunks.push([s, Math.min(points, s + size)]);
  return chunks;
}

const abortError = (signal: AbortSignal): Error => {
  const r: unknown = signal.reason;
  return r instanceof Error ? r : Object.assign(new Error('operation aborted'), { name: 'AbortError' });
};

export async function createLeakagePool(opts: LeakagePoolOptions = {}): Promise<LeakagePool> {
  const workers = opts.workers ?? os.availableParallelism();
  checkWorkers(workers);
  const log = opts.log ?? ((l: string) => process.stderr.write(`keyrate: ${l}\n`));
  const backendKind = opts.backend ?? 'wasm';
  let module: WasmModule | undefined;
  let backend = 'reference';
  if (backendKind === 'wasm') {
    if (opts.module) {
      module = opts.module;
      backend = 'wasm';
    } else {
      const c = await compileKernelModule({ flavor: opts.flavor });
      module = c.module;
      backend = `wasm-${c.flavor}`;
    }
  }
  const workerData: PoolWorkerData = {
    module,
    testExitOnChunk: opts.testHooks?.exitOnChunk,
    testExitAlways: opts.testHooks?.exitAlways,
    testChunkDelayMs: opts.testHooks?.chunkDelayMs,
  };
  const pool = new Piscina({
    filename: poolWorkerFile(),
    minThreads: workers,
    maxThreads: workers,
    idleTimeout: 10 * 60_000,
    workerData,
  });
  let retries = 0;
  let closed = false;

  // Reusable shared staging areas (gammas, problemOf) so a batch costs one copy into warm memory
  // instead of fresh allocations + transfers. One per concurrent evaluate(); a stage used by a
  // cancelled / failed batch is dropped rather than reused (a terminating worker may still read it).
  interface Stage { g: Float64Array; p: Uint32Array }
  const free: Stage[] = [];
  const acquire = (gLen: number, points: number): Stage => {
    const i = free.findIndex((st) => st.g.length >= gLen && st.p.length >= points);
    if (i >= 0) return free.splice(i, 1)[0]!;
    return {
      g: new Float64Array(new SharedArrayBuffer(gLen * 8)),
      p: new Uint32Array(new SharedArrayBuffer(points * 4)),
    };
  };
  const release = (st: Stage): void => {
    free.push(st);
    if (free.length > 4) free.sort((a, b) => b.g.length - a.g.length).pop();
  };

  async function runChunk(task: PoolTask | PoolGridMinTask | PoolAmplifiedTask, signal?: AbortSignal): Promise<unknown> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await pool.run({ ...task, attempt }, { signal });
      } catch (e) {
        if (signal?.aborted) throw abortError(signal);
        if (attempt >= 1) {
          throw new Error(`pool chunk ${task.chunk} failed twice: ${(e as Error).message}`);
        }
        retries++;
        log(`pool worker failed on chunk ${task.chunk} (${(e as Error).message}); retrying once`);
      }
    }
  }

  return {
    workers,
    backend,
    retries: () => retries,
    async evaluate(b, ro = {}) {
      if (closed) throw new Error('pool is closed');
      const { n, points } = checkBatchShape(b);
      if (ro.signal?.aborted) throw abortError(ro.signal);
      if (points === 0) return new Float64Array(0);
      const chunks = planChunks(points, workers, estimatePointNs(b.dim, b.parties), opts.targetChunkMs, opts.chunkPoints);
      // inputs already in shared memory are used in place; others are staged chunk by chunk
      const sharedIn = isShared(b.gammas) && isShared(b.problemOf);
      const st = sharedIn ? undefined : acquire(points * n, points);
      // output: a fresh shared buffer the workers write into (their page faults, in parallel);
      // returned as is, so there is no copy-out
      if (ro.out && ro.out.length !== points) throw new RangeError(`out length ${ro.out.length} != points ${points}`);
      const out = ro.out && isShared(ro.out) ? ro.out : new Float64Array(new SharedArrayBuffer(points * 8));
      // one controller per batch so a failed chunk cancels its siblings
      const ctl = new AbortController();
      setMaxListeners(0, ctl.signal); // one listener per in-flight chunk
      const onAbort = () => ctl.abort(ro.signal!.reason);
      ro.signal?.addEventListener('abort', onAbort, { once: true });
      let ok = false;
      try {
        await Promise.all(
          chunks.map(async ([s, e], chunk) => {
            // copy this chunk into shared memory just before dispatch (pipelines with the workers)
            let g = b.gammas.subarray(s * n, e * n);
            let p = b.problemOf.subarray(s, e);
            if (st) {
              g = st.g.subarray(s * n, e * n);
              p = st.p.subarray(s, e);
              g.set(b.gammas.subarray(s * n, e * n));
              p.set(b.problemOf.subarray(s, e));
            }
            await runChunk({
              kind: 'leakage-objective', dim: b.dim, parties: b.parties, coef: b.coef,
              gammas: g, problemOf: p, out: out.subarray(s, e), objective: b.objective, chunk, attempt: 0,
            }, ctl.signal);
          }),
        ).catch((e: unknown) => {
          if (!ctl.signal.aborted) ctl.abort(e);
          throw ro.signal?.aborted ? abortError(ro.signal) : e;
        });
        ok = true;
      } finally {
        ro.signal?.removeEventListener('abort', onAbort);
        if (ok && st) release(st);
      }
      if (ro.out && ro.out !== out) {
        ro.out.set(out);
        return ro.out;
      }
      return out;
    },
    async gridMin(input, ro = {}) {
      if (closed) throw new Error('pool is closed');
      const { n, problems } = checkGridMinShape(input);
      if (ro.signal?.aborted) throw abortError(ro.signal);
      const min = new Float64Array(new SharedArrayBuffer(Math.max(1, problems) * 8)).subarray(0, problems);
      const arg = new Float64Array(new SharedArrayBuffer(Math.max(1, problems * n) * 8)).subarray(0, problems * n);
      if (problems === 0) return { min, arg };
      // chunk by problems: each problem costs G^n points
      const perProblemNs = input.grid ** n * estimatePointNs(input.dim, input.parties);
      const chunks = planChunks(problems, workers, perProblemNs, opts.targetChunkMs, opts.chunkPoints);
      const ctl = new AbortController();
      setMaxListeners(0, ctl.signal);
      const onAbort = () => ctl.abort(ro.signal!.reason);
      ro.signal?.addEventListener('abort', onAbort, { once: true });
      try {
        await Promise.all(chunks.map(([s, e], chunk) => runChunk({
          kind: 'leakage-grid-min',
          input: { ...input, coef: input.coef.slice(s * 2 * n, e * 2 * n) },
          min: min.subarray(s, e), arg: arg.subarray(s * n, e * n), chunk, attempt: 0,
        }, ctl.signal))).catch((e: unknown) => {
          if (!ctl.signal.aborted) ctl.abort(e);
          throw ro.signal?.aborted ? abortError(ro.signal) : e;
        });
      } finally {
        ro.signal?.removeEventListener('abort', onAbort);
      }
      return { min, arg };
    },
    async amplifiedRate(input, ro = {}) {
      if (closed) throw new Error('pool is closed');
      if (backend === 'reference') throw new Error('amplified-rate runs on the pool on the wasm backend only');
      const points = checkAmplifiedShape(input);
      if (ro.signal?.aborted) throw abortError(ro.signal);
      const stride = AMPLIFIED_STRIDE[input.fixed.encoding];
      const values = new Float64Array(new SharedArrayBuffer(Math.max(1, points) * 8)).subarray(0, points);
      if (points === 0) return { values, evaluations: 0 };
      // per-point cost varies a lot (adaptive quadrature): ~4 chunks per worker balance it
      const size = ro.chunkPoints ?? Math.max(1, Math.ceil(points / (4 * workers)));
      const chunks: [number, number][] = [];
      for (let s = 0; s < points; s += size) chunks.push([s, Math.min(points, s + size)]);
      const ctl = new AbortController();
      setMaxListeners(0, ctl.signal);
      const onAbort = () => ctl.abort(ro.signal!.reason);
      ro.signal?.addEventListener('abort', onAbort, { once: true });
      let evaluations = 0;
      try {
        await Promise.all(chunks.map(async ([s, e], chunk) => {
          const r = await runChunk({
            kind: 'amplified-rate',
            input: { fixed: input.fixed, points: input.points.slice(s * stride, e * stride) },
            out: values.subarray(s, e), chunk, attempt: 0,
          }, ctl.signal);
          evaluations += r as number;
        })).catch((e: unknown) => {
          if (!ctl.signal.aborted) ctl.abort(e);
          throw ro.signal?.aborted ? abortError(ro.signal) : e;
        });
      } finally {
        ro.signal?.removeEventListener('abort', onAbort);
      }
      return { values, evaluations };
    },
    async close() {
      closed = true;
      await pool.destroy();
    },
  };
}
