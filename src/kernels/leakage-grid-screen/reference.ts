/**
 * Plain-TypeScript (f64) twin of the 'leakage-grid-screen' kernel (spec.ts). The screen-then-
 * refine orchestration that uses it lives in src/runtime/screen-refine.ts.
 */
import { objectiveAt } from '../leakage-objective/reference.js';
import {
  cellModulus,
  checkGridScreenShape,
  type LeakageGridScreenInput,
  type LeakageGridScreenOutput,
} from './spec.js';

/** Insert (v, c) into the ascending top-K lists bv/bi of length K ((value, index) order). */
export function topKInsert(bv: Float64Array, bi: Float64Array, off: number, K: number, v: number, c: number): void {
  const better = (v1: number, i1: number, v2: number, i2: number) => v1 < v2 || (v1 === v2 && i1 < i2);
  if (!better(v, c, bv[off + K - 1]!, bi[off + K - 1]!)) return;
  let j = K - 1;
  while (j > 0 && better(v, c, bv[off + j - 1]!, bi[off + j - 1]!)) {
    bv[off + j] = bv[off + j - 1]!;
    bi[off + j] = bi[off + j - 1]!;
    j--;
  }
  bv[off + j] = v;
  bi[off + j] = c;
}

/** Exhaustive f64 screen (every grid point, [L] Eqs. 25-29 via objectiveAt). */
export function leakageGridScreenReference(b: LeakageGridScreenInput): LeakageGridScreenOutput {
  const { n, problems, total } = checkGridScreenShape(b);
  const K = b.topK;
  const step = 1 / (b.grid - 1);
  const values = new Float64Array(problems * K).fill(Infinity);
  const index = new Float64Array(problems * K).fill(Infinity);
  const modulus = new Float64Array(problems);
  const g = new Float64Array(n);
  const dig = new Float64Array(n);
  const marg = new Float64Array(b.dim * b.parties);
  for (let p = 0; p < problems; p++) {
    dig.fill(0);
    for (let c = 0; c < total; c++) {
      for (let a = 0; a < n; a++) g[a] = dig[a]! * step;
      const F = objectiveAt(b.dim, b.parties, b.coef, p * 2 * n, g, 0, b.objective, marg);
      topKInsert(values, index, p * K, K, F, c);
      for (let a = 0; a < n; a++) {
        if (++dig[a]! < b.grid) break;
        dig[a] = 0;
      }
    }
    modulus[p] = b.objective === 'joint' ? cellModulus(b.dim, b.parties, b.coef, p, step / 2) : NaN;
  }
  return { values, index, step, modulus, precision: 'f64', evaluations: total };
}
