/**
 * Kernel 'amplified-rate': Lf/L of the amplified-line model [A] for a batch of parameter points.
 * The contract and the plain-TS evaluator belong to the amplified model
 * (src/models/amplified/kernels.ts: `evaluateBatch(fixed, points, out) -> evaluations`, layouts
 * photon-number stride 6 [|g0|^2, |g1|^2, th1..th4], phase stride 3 [|g|^2, th1', th2'], NaN for
 * invalid points). This module only adapts it to the backend/pool interface; it is loaded
 * lazily (the model is another module, still evolving), so a missing or renamed export is a clear
 * run-time error, not a compile error here.
 */
export interface AmplifiedBatchFixed {
  encoding: 'photon-number' | 'phase';
  G1: number;
  G2: number;
  leak: number;
  method: 'exact' | 'paper';
  tol?: number;
}

export interface AmplifiedRateInput {
  fixed: AmplifiedBatchFixed;
  /** Flat points, stride AMPLIFIED_STRIDE[fixed.encoding]. */
  points: Float64Array;
}

export interface AmplifiedRateOutput {
  /** Lf/L per point (NaN where the point violates the window constraints). */
  values: Float64Array;
  /** Inner evaluations reported by the model (for re-derivability). */
  evaluations: number;
}

export const AMPLIFIED_STRIDE = { 'photon-number': 6, phase: 3 } as const;

type BatchEvaluatorFn = (fixed: AmplifiedBatchFixed, points: Float64Array, out: Float64Array) => number;

// relative to this file in src/backends and dist/backends alike
const MODEL_MODULE = '../models/amplified/kernels.js';
let cached: Promise<BatchEvaluatorFn> | undefined;

/** The amplified model's batch evaluator (dynamic import, cached). */
export function loadAmplifiedBatch(): Promise<BatchEvaluatorFn> {
  cached ??= (async () => {
    const mod = (await import(MODEL_MODULE)) as Record<string, unknown>;
    const f = mod['evaluateBatch'];
    if (typeof f !== 'function') throw new Error(`${MODEL_MODULE} has no export evaluateBatch()`);
    return f as BatchEvaluatorFn;
  })();
  cached.catch(() => {
    cached = undefined;
  });
  return cached;
}

/** Shape check: returns the point count. */
export function checkAmplifiedShape(input: AmplifiedRateInput): number {
  const stride = AMPLIFIED_STRIDE[input.fixed?.encoding];
  if (!stride) throw new RangeError(`fixed.encoding must be 'photon-number' or 'phase', got ${String(input.fixed?.encoding)}`);
  if (input.points.length % stride !== 0) throw new RangeError(`points length ${input.points.length} is not a multiple of the stride ${stride}`);
  return input.points.length / stride;
}

/** Run the model's evaluator on the whole input (reference backend, or one pool chunk). */
export async function amplifiedRateReference(input: AmplifiedRateInput, out?: Float64Array): Promise<AmplifiedRateOutput> {
  const n = checkAmplifiedShape(input);
  const values = out ?? new Float64Array(n);
  const f = await loadAmplifiedBatch();
  const evaluations = f(input.fixed, input.points, values);
  return { values, evaluations };
}
