/**
 * The amplified model's TypeScript implementation of the kernel 'amplified-rate' (contract,
 * layouts and validity rule: src/kernels/amplified-rate/spec.ts). Invalid points give NaN.
 */
import { photonNumberRate } from './photon-number.js';
import { PN_ALPHA } from '../../kernels/pn-separable/spec.js';
import { phaseRate } from './phase.js';
import { AMPLIFIED_STRIDE, amplifiedPointValid, type AmplifiedBatchFixed, type AmplifiedBatchFn, type Encoding } from '../../kernels/amplified-rate/spec.js';

export type { Encoding };
/** Fixed (non-optimised) parameters of a batch (the kernel's AmplifiedBatchFixed). */
export type BatchFixed = AmplifiedBatchFixed;
/** Point stride per encoding (the kernel's AMPLIFIED_STRIDE). */
export const STRIDE = AMPLIFIED_STRIDE;
/** Signature of an injectable batch evaluator: fills out[i] with Lf/L of point i; returns inner evaluations. */
export type BatchEvaluator = AmplifiedBatchFn;

/** Reference (f64, plain TS) batch evaluator. */
export const evaluateBatch: BatchEvaluator = (fixed, points, out) => {
  const stride = STRIDE[fixed.encoding];
  const n = Math.floor(points.length / stride);
  let evaluations = 0;
  for (let i = 0; i < n; i++) {
    const o = i * stride;
    if (fixed.encoding === 'phase') {
      const g = points[o]!;
      const t1 = points[o + 1]!;
      const t2 = points[o + 2]!;
      if (!amplifiedPointValid('phase', points, i)) {
        out[i] = NaN;
        continue;
      }
      out[i] = phaseRate({ photons: g, windows: [t1, t2], G1: fixed.G1, G2: fixed.G2, leak: fixed.leak }).rate;
      evaluations += 1;
    } else {
      const p0 = points[o]!;
      const p1 = points[o + 1]!;
      const t = [points[o + 2]!, points[o + 3]!, points[o + 4]!, points[o + 5]!];
      if (!amplifiedPointValid('photon-number', points, i)) {
        out[i] = NaN;
        continue;
      }
      // exact: one fixed-node evaluation at PN_ALPHA (the optimiser's objective; reported points
      // are re-evaluated with an error estimate by the model)
      const r = photonNumberRate(
        { photons: [p0, p1], windows: t, G1: fixed.G1, G2: fixed.G2, leak: fixed.leak, tol: fixed.tol, alpha: PN_ALPHA },
        fixed.method,
      );
      out[i] = r.rate;
      evaluations += r.evaluations;
    }
  }
  return evaluations;
};
