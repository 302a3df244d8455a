/**
 * createLeakageEvaluator: the injectable `evaluate` for the leakage model (batch contract of
 * src/kernels/leakage-objective/spec.ts). Resolves a backend (registry.ts: logged selection, per-
 * batch fallback), optionally fans batches out to a Piscina pool (src/pool/) when workers > 1 and
 * the selected backend is a CPU one (wasm / reference). f64 only by default (SPEC 4: f32 paths
 * may only screen), so 'auto' skips an f32 webgpu backend for this kernel unless allowF32 is set.
 */
import type { BackendName } from './backend.js';
import { checkWorkers } from '../validate.js';
import { KERNELS } from './kernels.js';
import { resolveBackend, stderrLogger, type BackendFactory, type BackendLogger, type BackendPreference } from './registry.js';
import type { WasmBackend } from './wasm/index.js';
import { checkBatchShape, type LeakageObjectiveBatch } from '../kernels/leakage-objective/spec.js';
import { createLeakagePool, estimatePointNs, type LeakagePool } from '../pool/index.js';
import { checkGridMinShape, type LeakageGridMinInput, type LeakageGridMinOutput } from './grid-min/spec.js';
import { BackendHistory } from './history.js';

export interface LeakageEvaluatorOptions {
  /** 'auto' (default) or a forced backend name. */
  backend?: BackendPreference;
  /** Worker threads; 1 (default) evaluates in the calling thread, > 1 uses a Piscina pool. */
  workers?: number;
  /** Selection / fallback log lines (default: stderr, prefixed 'keyrate:'). */
  log?: BackendLogger;
  /** Accept an f32 backend for this kernel (screening only). Default false. */
  allowF32?: boolean;
  /** Batches estimated below this many ms of kernel work skip the pool (default 2). */
  poolMinMs?: number;
  /** Backend constructors override (tests). */
  factories?: Partial<Record<BackendName, BackendFactory>>;
  /** Pool test hooks (tests only). */
  poolTestHooks?: { exitOnChunk?: number; exitAlways?: boolean; chunkDelayMs?: number };
}

export interface LeakageEvaluator {
  /** F for every gamma point of the batch (spec.ts contract). */
  evaluate(batch: LeakageObjectiveBatch, opts?: { signal?: AbortSignal }): Promise<Float64Array>;
  /**
   * Fused grid search ('leakage-grid-min', src/backends/grid-min/spec.ts): min over the G^n gamma
   * grid of F per problem, with the minimising gamma. Uses the pool when there is one.
   */
  gridMin(input: LeakageGridMinInput, opts?: { signal?: AbortSignal }): Promise<LeakageGridMinOutput>;
  /** Backend that computed the last batch, e.g. 'wasm', 'reference', 'wasm-simd x2 workers'
   *  (before the first batch: what will be tried first). */
  backendUsed(): string;
  /** Number of batches run so far (a mark for backendsSince). */
  batches(): number;
  /** The distinct backends that computed the batches after `mark`, joined by ' + ' in first-use
   *  order (e.g. 'wasm-simd x2 workers + wasm': large batches on the pool, small ones in-thread). */
  backendsSince(mark: number): string;
  close(): Promise<void>;
}

export async function createLeakageEvaluator(opts: LeakageEvaluatorOptions = {}): Promise<LeakageEvaluator> {
  const log = opts.log ?? stderrLogger;
  const workers = opts.workers ?? 1;
  checkWorkers(workers);
  const sel = await resolveBackend(opts.backend ?? 'auto', {
    log,
    kernels: [KERNELS.leakageObjective],
    requireF64: !opts.allowF32,
    factories: opts.factories,
  });
  let pool: LeakagePool | undefined;
  const primary = sel.primary;
  if (workers > 1) {
    if (primary.name === 'wasm' || primary.name === 'reference') {
      try {
        pool = await createLeakagePool({
          workers,
          engine: primary.name,
          module: primary.name === 'wasm' ? (primary as WasmBackend).module : undefined,
          log,
          testHooks: opts.poolTestHooks,
        });
        log(`pool of ${workers} workers (${primary.name}${primary.name === 'wasm' ? `-${(primary as WasmBackend).flavor}` : ''})`);
      } catch (e) {
        log(`pool unavailable (${(e as Error).message}); evaluating in the main thread`);
      }
    } else {
      log(`workers=${workers} ignored: backend ${primary.name} is not a CPU backend`);
    }
  }
  const poolLabel = pool ? `${primary.name}${primary.name === 'wasm' ? `-${(primary as WasmBackend).flavor}` : ''} x${workers} workers` : '';
  let last = pool ? poolLabel : primary.name;
  const history = new BackendHistory();
  const record = (label: string) => {
    last = label;
    history.record(label);
  };
  const poolMinNs = (opts.poolMinMs ?? 2) * 1e6;

  return {
    async evaluate(batch, ro = {}) {
      const { points } = checkBatchShape(batch);
      if (pool && points * estimatePointNs(batch.dim, batch.parties) >= poolMinNs) {
        try {
          const out = await pool.evaluate(batch, ro);
          record(poolLabel);
          return out;
        } catch (e) {
          if (ro.signal?.aborted) throw e;
          log(`pool failed (${(e as Error).message}); falling back to ${primary.name} in the main thread for this batch`);
        }
      }
      const r = await sel.run<Float64Array>(KERNELS.leakageObjective, batch, ro);
      record(r.backend);
      return r.value;
    },
    async gridMin(input, ro = {}) {
      const { n, problems } = checkGridMinShape(input);
      if (pool && problems * input.grid ** n * estimatePointNs(input.dim, input.parties) >= poolMinNs) {
        try {
          const out = await pool.gridMin(input, ro);
          record(poolLabel);
          return out;
        } catch (e) {
          if (ro.signal?.aborted) throw e;
          log(`pool failed (${(e as Error).message}); falling back to ${primary.name} in the main thread for this batch`);
        }
      }
      const r = await sel.run<LeakageGridMinOutput>(KERNELS.leakageGridMin, input, ro);
      record(r.backend);
      return r.value;
    },
    backendUsed: () => last,
    batches: () => history.batches(),
    backendsSince: (mark) => history.since(mark, last),
    async close() {
      await pool?.close();
      await sel.dispose();
    },
  };
}
