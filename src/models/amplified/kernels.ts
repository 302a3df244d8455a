/**
 * Batch evaluators of Lf/L over flat Float64Arrays (layout documented below) so that WASM/WGSL
 * backends can replace them. Invalid points (violating SPEC 3.2/3.3 window constraints) give NaN.
 *
 * photon-number layout, stride 6: [|gamma0|^2, |gamma1|^2, theta1, theta2, theta3, theta4]
 * phase layout, stride 3:          [|gamma|^2, theta1', theta2']
 */
import { photonNumberRate } from './photon-number.js';
import { PN_ALPHA } from '../../kernels/pn-separable/spec.js';
import { phaseRate } from './phase.js';

export type Encoding = 'photon-number' | 'phase';

/** Fixed (non-optimised) parameters of a batch. */
export interface BatchFixed {
  encoding: Encoding;
  G1: number;
  G2: number;
  leak: number;
  method: 'exact' | 'paper';
  /** quadrature tolerance (photon-number); default 1e-15 */
  tol?: number;
}

export const STRIDE: Record<Encoding, number> = { 'photon-number': 6, phase: 3 };

/** Signature of an injectable batch evaluator: fills out[i] with Lf/L of point i; returns inner evaluations. */
export type BatchEvaluator = (fixed: BatchFixed, points: Float64Array, out: Float64Array) => number;

function validPn(p0: number, p1: number, t: number[]): boolean {
  const mu = (p0 + p1) / 2;
  return p0 >= 0 && p1 > 0 && t[2]! >= t[0]! && t[3]! >= t[1]! && t[0]! + t[1]! >= 1 && mu - t[0]! >= 0 && t.every(Number.isFinite);
}

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
      if (!(g > 0 && t1 >= 0 && t2 > t1)) {
        out[i] = NaN;
        continue;
      }
      out[i] = phaseRate({ photons: g, windows: [t1, t2], G1: fixed.G1, G2: fixed.G2, leak: fixed.leak }).rate;
      evaluations += 1;
    } else {
      const p0 = points[o]!;
      const p1 = points[o + 1]!;
      const t = [points[o + 2]!, points[o + 3]!, points[o + 4]!, points[o + 5]!];
      if (!validPn(p0, p1, t)) {
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
