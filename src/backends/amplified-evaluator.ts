/**
 * The amplified model's batch evaluator on a chosen backend. The model's optimiser calls a
 * synchronous `BatchEvaluator` (src/models/amplified/kernels.ts); the f64 backends that can serve
 * it synchronously are the WASM kernel (assembly/amplified) and the reference. 'auto' picks wasm
 * when its module loads (logged), else reference; the f32 backends (webgpu, gpujs) may only
 * screen (SPEC 4) and are skipped. A batch that throws on wasm (trap, memory) is recomputed on
 * the reference with a warning, and the wasm instance is re-created for the next batch.
 */
import { BackendUnavailableError, InputError } from '../errors.js';
import { loadAmplifiedBatch, type AmplifiedBatchFixed } from './amplified.js';
import { BackendHistory } from './history.js';
import { memoAsync } from '../util/memo.js';
import { stderrLogger, type BackendLogger } from './registry.js';
import { WasmAmplifiedKernel } from './wasm/amplified.js';
import { compileKernelModule, type CompiledKernelModule } from './wasm/load.js';

type BatchEvaluatorFn = (fixed: AmplifiedBatchFixed, points: Float64Array, out: Float64Array) => number;

export const AMPLIFIED_BACKENDS = ['auto', 'reference', 'wasm'] as const;
export type AmplifiedBackend = (typeof AMPLIFIED_BACKENDS)[number];

/** Throw an InputError unless `name` is a backend the amplified model can use (f64 only). */
export function checkAmplifiedBackend(name: string): void {
  if (!(AMPLIFIED_BACKENDS as readonly string[]).includes(name)) {
    throw new InputError('backend', `${AMPLIFIED_BACKENDS.join(' | ')} (the amplified model needs an f64 backend)`, name);
  }
}

export interface AmplifiedEvaluator {
  /** The evaluator to inject as the model's `evaluate`. */
  readonly evaluate: BatchEvaluatorFn;
  /** Primary backend label, e.g. 'wasm-simd' or 'reference'. */
  readonly primary: string;
  /** Number of batches run so far (a mark for backendsSince). */
  batches(): number;
  /** Distinct backends that computed the batches after `mark`, joined by ' + '. */
  backendsSince(mark: number): string;
}

export interface AmplifiedEvaluatorOptions {
  backend?: string;
  log?: BackendLogger;
  /** Use this compiled module (tests). */
  compiled?: CompiledKernelModule;
}

/** Create an evaluator for `backend` ('auto' | 'reference' | 'wasm'); bad names are InputErrors. */
export async function createAmplifiedEvaluator(opts: AmplifiedEvaluatorOptions = {}): Promise<AmplifiedEvaluator> {
  const name = opts.backend ?? 'auto';
  const log = opts.log ?? stderrLogger;
  checkAmplifiedBackend(name);
  const reference = await loadAmplifiedBatch();
  let compiled: CompiledKernelModule | undefined;
  let kernel: WasmAmplifiedKernel | undefined;
  if (name !== 'reference') {
    try {
      compiled = opts.compiled ?? (await compileKernelModule());
      kernel = WasmAmplifiedKernel.fromModule(compiled.module);
      log(`amplified: backend wasm selected (${compiled.flavor}, ${compiled.file}); fallback: reference`);
    } catch (e) {
      if (name === 'wasm') throw new BackendUnavailableError('wasm', (e as Error).message.split('\n')[0]!);
      log(`amplified: backend wasm skipped: ${(e as Error).message}; using reference`);
    }
  }
  const wasmLabel = compiled ? `wasm-${compiled.flavor}` : 'wasm';
  const history = new BackendHistory();
  const evaluate: BatchEvaluatorFn = (fixed, points, out) => {
    if (kernel) {
      try {
        const n = kernel.evaluateBatch(fixed, points, out);
        history.record(wasmLabel);
        return n;
      } catch (e) {
        if (e instanceof InputError) throw e; // the same input error the reference raises
        log(`amplified: backend wasm failed (${(e as Error).message.split('\n')[0]}); falling back to reference for this batch`);
        kernel = WasmAmplifiedKernel.fromModule(compiled!.module); // a trapped instance is not reused
      }
    }
    const n = reference(fixed, points, out);
    history.record('reference');
    return n;
  };
  return {
    evaluate,
    primary: kernel ? wasmLabel : 'reference',
    batches: () => history.batches(),
    backendsSince: (mark) => history.since(mark, kernel ? wasmLabel : 'reference'),
  };
}

const evaluators = memoAsync((backend) => createAmplifiedEvaluator({ backend }));
/** One evaluator per backend name per thread (the model's `backend` option uses this). */
export function amplifiedEvaluator(backend: string): Promise<AmplifiedEvaluator> {
  return evaluators.get(backend);
}
