/**
 * Plain-TypeScript twin of the leakage-objective kernel (see spec.ts for the formula, [L] Eqs. 25-29).
 * This is the truth every accelerated backend is tested against.
 */
import { checkBatchShape, type LeakageObjectiveBatch, type Objective } from './spec.js';

// 0 log 0 = 0; a negative or NaN weight gives NaN (it can only come from a bug upstream)
const xlog2x = (x: number): number => (x === 0 ? 0 : x * Math.log2(x));

/**
 * F for one gamma point. `coef` holds A at [coefOffset, +n) and B at [coefOffset+n, +n);
 * `gammas` holds the point at [gammaOffset, +n). `marg` is scratch of length N*d.
 */
export function objectiveAt(
  dim: number,
  parties: number,
  coef: ArrayLike<number>,
  coefOffset: number,
  gammas: ArrayLike<number>,
  gammaOffset: number,
  objective: Objective,
  marg: Float64Array = new Float64Array(dim * parties),
): number {
  const n = dim ** parties;
  marg.fill(0, 0, dim * parties);
  let P = 0;
  let sumJoint = 0;
  for (let a = 0; a < n; a++) {
    const w = gammas[gammaOffset + a]! * coef[coefOffset + a]! + coef[coefOffset + n + a]!;
    P += w;
    sumJoint += xlog2x(w);
    // digits of a, party N-1 (least significant) first
    let rest = a;
    for (let i = parties - 1; i >= 0; i--) {
      const k = rest % dim;
      rest = (rest - k) / dim;
      marg[i * dim + k] += w;
    }
  }
  // P = 0 (every w = 0): no key, F = 0; NaN / negative weights: NaN, never a silent 0
  if (!(P > 0)) return P === 0 && sumJoint === 0 ? 0 : NaN;
  let sumMarg = 0;
  for (let j = 0; j < dim * parties; j++) sumMarg += xlog2x(marg[j]!);
  const joint = sumJoint - sumMarg + (parties - 1) * P * Math.log2(P);
  return objective === 'joint' ? joint : joint / P;
}

/** Evaluate the whole batch: one F per gamma point. */
export function leakageObjectiveReference(b: LeakageObjectiveBatch, out?: Float64Array): Float64Array {
  const { n, points } = checkBatchShape(b);
  const res = out ?? new Float64Array(points);
  const marg = new Float64Array(b.dim * b.parties);
  for (let i = 0; i < points; i++) {
    res[i] = objectiveAt(b.dim, b.parties, b.coef, b.problemOf[i]! * 2 * n, b.gammas, i * n, b.objective, marg);
  }
  return res;
}
