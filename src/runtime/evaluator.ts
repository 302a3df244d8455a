/**
 * createEvaluator(model, { backend, workers }): the one way the CLI, sweeps and figures obtain the
 * KernelEvaluator a model receives (src/kernels/evaluator.ts). It resolves the backend through the
 * registry (src/backends/registry.ts: logged selection, per-batch fallback), adds the model's own
 * TS kernel twins to the reference backend, fans large leakage batches out to a Piscina pool
 * (src/pool/) when workers > 1 and the f64 backend is a CPU one, and keeps the history of which
 * backend computed each batch, so that every result can name them.
 *
 * Precision (SPEC 4): the model's kernels run on f64 backends only. An f32 backend (webgpu) can
 * only *screen*: with `--backend webgpu` it becomes the evaluator's screener for the model's
 * screening kernels (ModelKernels.screens) and the f64 work runs on the best CPU backend; a model
 * without a screening kernel cannot use it (BackendUnavailableError when forced).
 */
import { BACKEND_NAMES, type BackendName } from '../backends/backend.js';
import { BackendUnavailableError } from '../errors.js';
import { checkWorkers } from '../validate.js';
import { KERNELS, type KernelName } from '../kernels/names.js';
import type { KernelEvaluator, ModelKernels, ScreenResult } from '../kernels/evaluator.js';
import {
  CLI_BACKENDS, labelOf, resolveBackend, stderrLogger,
  type BackendFactory, type BackendLogger, type BackendPreference, type BackendSelection,
} from '../backends/registry.js';
import type { WasmBackend } from '../backends/wasm/index.js';
import { checkBatchShape, type LeakageObjectiveBatch } from '../kernels/leakage-objective/spec.js';
import { checkGridMinShape, type LeakageGridMinInput } from '../kernels/leakage-grid-min/spec.js';
import { createLeakagePool, estimatePointNs, type LeakagePool } from '../pool/index.js';
import { BackendHistory } from './history.js';
import { InputError } from '../errors.js';

export { CLI_BACKENDS };

export interface EvaluatorOptions {
  /** 'auto' (default) or a forced backend name. */
  backend?: string;
  /** Worker threads; 1 (default) evaluates in the calling thread, > 1 uses a Piscina pool. */
  workers?: number;
  /** Selection / fallback log lines (default: stderr, prefixed 'keyrate:'). */
  log?: BackendLogger;
  /** Batches estimated below this many ms of kernel work skip the pool (default 2). */
  poolMinMs?: number;
  /** Backend constructors override (tests). */
  factories?: Partial<Record<BackendName, BackendFactory>>;
  /** Under 'auto', accept a software GPU adapter (lavapipe, SwiftShader) as screener (default false). */
  allowSoftwareGpu?: boolean;
  /** Pool test hooks (tests only). */
  poolTestHooks?: { exitOnChunk?: number; exitAlways?: boolean; chunkDelayMs?: number };
}

/** Throw an InputError unless `name` is a backend the CLI offers. */
export function checkBackendName(name: string): BackendPreference {
  if (!(CLI_BACKENDS as readonly string[]).includes(name)) throw new InputError('backend', CLI_BACKENDS.join(' | '), name);
  return name as BackendPreference;
}

const GPU: readonly BackendName[] = ['webgpu', 'gpujs'];

/**
 * Under 'auto' a screen goes to webgpu only from this many points per screen call, per kernel, and
 * only on a hardware adapter (software ones such as lavapipe or SwiftShader are used only when
 * forced). Measured with bench/webgpu-screen.ts and bench/webgpu-amplified.ts (docs/webgpu.md
 * "When auto screens on the GPU"): the gamma-grid screen on webgpu overtakes the 2-worker wasm
 * pool between 4e4 and 1.3e5 grid points even on lavapipe (a CPU); the amplified screen never
 * did on lavapipe (48 points: 2.3 s vs 38 ms), and no hardware GPU was at hand to measure it,
 * so 'auto' does not use webgpu for it (a kernel missing here is never auto-screened); nor for
 * 'leakage-objective' as the leakage model's pseudo-random screen (bench/leakage-random-screen.ts:
 * 0.45-0.66x the pool on lavapipe, unmeasured on hardware).
 */
export const AUTO_SCREEN_MIN_POINTS: Readonly<Partial<Record<KernelName, number>>> = { [KERNELS.leakageGridScreen]: 2 ** 17 };

export async function createEvaluator(model: ModelKernels, opts: EvaluatorOptions = {}): Promise<KernelEvaluator> {
  const out = opts.log ?? stderrLogger;
  // Selection lines are held until the evaluator first computes, so that a command refusing its
  // input (exit 2, one line) prints nothing else; fallback lines during runs go out at once.
  let pending: string[] | undefined = [];
  const log: BackendLogger = (line) => (pending ? pending.push(line) : out(line));
  const started = (): void => {
    if (!pending) return;
    const lines = pending;
    pending = undefined;
    for (const l of lines) out(l);
  };
  const workers = opts.workers ?? 1;
  checkWorkers(workers);
  const pref = (opts.backend ?? 'auto') as BackendPreference;
  if (pref !== 'auto' && !(BACKEND_NAMES as readonly string[]).includes(pref)) throw new InputError('backend', CLI_BACKENDS.join(' | '), pref);
  const screens = model.screens ?? [];
  const references = model.references as Record<string, (input: unknown) => unknown> | undefined;

  // the screener: a GPU backend, forced (now) or, under auto, a hardware adapter (at the first
  // screen of at least AUTO_SCREEN_MIN_POINTS points); only for models that screen
  let screener: BackendSelection | undefined;
  let autoTried = pref !== 'auto' || screens.length === 0;
  const gpuForced = GPU.includes(pref as BackendName);
  if (gpuForced) {
    if (screens.length === 0) {
      throw new BackendUnavailableError(pref, `precision f32: the ${model.model} model computes in f64 (${model.kernels.join(', ')}) and has no screening kernel for it`);
    }
    screener = await resolveBackend(pref, { log, factories: opts.factories, kernels: [], initTimeoutMs: 60_000 });
    const missing = screens.filter((k) => !screener!.primary.has(k));
    if (missing.length === screens.length) {
      await screener.dispose();
      throw new BackendUnavailableError(pref, `no screening kernel of the ${model.model} model (${screens.join(', ')})`);
    }
  }
  // the f64 chain: forced CPU backend (+ reference), or auto over the CPU backends
  const f64Pref: BackendPreference = gpuForced ? 'auto' : pref;
  const sel = await resolveBackend(f64Pref, {
    log: gpuForced ? (l) => log(`refine: ${l}`) : log,
    kernels: model.kernels,
    requireF64: true,
    factories: opts.factories,
    references,
    allowSoftwareGpu: opts.allowSoftwareGpu,
  });
  if (gpuForced && screener) log(`screen on ${labelOf(screener.primary)}, refine in f64 on ${labelOf(sel.primary)}`);

  let pool: LeakagePool | undefined;
  const primary = sel.primary;
  const wasmFlavor = primary.name === 'wasm' ? (primary as WasmBackend).flavor : undefined;
  const poolable = model.kernels.some((k) => k === KERNELS.leakageObjective || k === KERNELS.leakageGridMin);
  if (workers > 1 && poolable) {
    if (primary.name === 'wasm' || primary.name === 'reference') {
      try {
        pool = await createLeakagePool({
          workers,
          backend: primary.name,
          module: primary.name === 'wasm' ? (primary as WasmBackend).module : undefined,
          log,
          testHooks: opts.poolTestHooks,
        });
        log(`pool of ${workers} workers (${primary.name}${wasmFlavor ? `-${wasmFlavor}` : ''})`);
      } catch (e) {
        log(`pool unavailable (${(e as Error).message}); evaluating in the main thread`);
      }
    } else {
      log(`workers=${workers} ignored: backend ${primary.name} is not a CPU backend`);
    }
  }
  const poolLabel = pool ? `${primary.name}${wasmFlavor ? `-${wasmFlavor}` : ''} x${workers} workers` : '';
  const history = new BackendHistory();
  const poolMinNs = (opts.poolMinMs ?? 2) * 1e6;
  let screenerLabel = screener ? labelOf(screener.primary) : undefined;

  const poolWork = (kernel: KernelName, input: unknown): number => {
    if (kernel === KERNELS.leakageObjective) {
      const b = input as LeakageObjectiveBatch;
      return checkBatchShape(b).points * estimatePointNs(b.dim, b.parties);
    }
    if (kernel === KERNELS.leakageGridMin) {
      const g = input as LeakageGridMinInput;
      const { n, problems } = checkGridMinShape(g);
      return problems * g.grid ** n * estimatePointNs(g.dim, g.parties);
    }
    return 0;
  };

  const ev: KernelEvaluator & { screener: string | undefined } = {
    primary: pool ? poolLabel : labelOf(primary),
    screener: screenerLabel,
    has: (kernel) => sel.backends.some((b) => b.has(kernel)),
    async run<O>(kernel: KernelName, input: unknown, ro: { signal?: AbortSignal } = {}): Promise<O> {
      started();
      if (pool && (kernel === KERNELS.leakageObjective || kernel === KERNELS.leakageGridMin) && poolWork(kernel, input) >= poolMinNs) {
        try {
          const out = kernel === KERNELS.leakageObjective
            ? await pool.evaluate(input as LeakageObjectiveBatch, ro)
            : await pool.gridMin(input as LeakageGridMinInput, ro);
          history.record(poolLabel);
          return out as O;
        } catch (e) {
          if (ro.signal?.aborted) throw e;
          log(`pool failed (${(e as Error).message}); falling back to ${primary.name} in the main thread for this batch`);
        }
      }
      const r = await sel.run<O>(kernel, input, ro);
      history.record(r.label);
      return r.value;
    },
    runSync<O>(kernel: KernelName, input: unknown): O {
      started();
      const r = sel.runSync<O>(kernel, input);
      history.record(r.label);
      return r.value;
    },
    async screen<O>(kernel: KernelName, input: unknown, ro: { signal?: AbortSignal; points?: number } = {}): Promise<ScreenResult<O> | undefined> {
      if (!screener && !autoTried && (ro.points ?? 0) >= (AUTO_SCREEN_MIN_POINTS[kernel] ?? Infinity)) {
        autoTried = true;
        started();
        try {
          screener = await resolveBackend('auto', { log, factories: opts.factories, order: ['webgpu'], allowSoftwareGpu: opts.allowSoftwareGpu, initTimeoutMs: 60_000 });
          screenerLabel = labelOf(screener.primary);
          (ev as { screener: string | undefined }).screener = screenerLabel;
          log(`screen on ${screenerLabel}, refine in f64 on ${labelOf(primary)}`);
        } catch (e) {
          log(`screening in f64 on ${labelOf(primary)} (${(e as Error).message.split('\n')[0]})`);
        }
      }
      if (!screener || !screener.primary.has(kernel)) return undefined;
      started();
      try {
        const value = await screener.primary.run<unknown, O>(kernel, input, ro);
        history.record(screenerLabel!);
        return { value, backend: screenerLabel! };
      } catch (e) {
        if (ro.signal?.aborted || e instanceof InputError) throw e;
        log(`backend ${screener.primary.name} failed on ${kernel} (${(e as Error).message.split('\n')[0]}); screening in f64 on ${labelOf(primary)} for this batch`);
        return undefined;
      }
    },
    batches: () => history.batches(),
    backendsSince: (mark) => history.since(mark, pool ? poolLabel : labelOf(primary)),
    async close() {
      await pool?.close();
      await sel.dispose();
      await screener?.dispose();
    },
  };
  return ev;
}
