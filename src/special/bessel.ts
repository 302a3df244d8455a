/**
 * Modified Bessel function of the first kind, order 0, in scaled and log form (f64).
 *
 * Methods (switch point |x| = 25):
 *  - |x| < 25: power series I0(x) = sum_k (x^2/4)^k / (k!)^2 (DLMF 10.25.2), all terms positive,
 *              so no cancellation; i0e = exp(-|x|) I0, logI0 = log1p(I0 - 1) (exact near 0).
 *  - |x| >= 25: Hankel asymptotic expansion (DLMF 10.40.1)
 *              i0e(x) = (2 pi x)^(-1/2) sum_k ((2k-1)!!)^2 / (k! (8x)^k); the smallest term at
 *              x = 25 is ~e^(-2x) < 1e-21, so truncation is below rounding for all x >= 25.
 */
import { notNaN } from './args.js';

const SWITCH = 25;
const INV_SQRT_2PI = 0.3989422804014327;

/** sum_{k>=1} (x^2/4)^k/(k!)^2 = I0(x) - 1, for |x| < SWITCH. */
function i0m1Series(x: number): number {
  const q = 0.25 * x * x;
  let t = 1;
  let s = 0;
  for (let k = 1; k < 200; k++) {
    t *= q / (k * k);
    s += t;
    if (t < 1e-17 * s) break;
  }
  return s;
}

/** sum_k ((2k-1)!!)^2 / (k! (8x)^k) for x >= SWITCH (asymptotic, stops at the smallest term). */
function hankelSum(x: number): number {
  const r = 1 / (8 * x);
  let t = 1;
  let s = 1;
  for (let k = 1; k < 200; k++) {
    const m = 2 * k - 1;
    const tn = t * m * m * r / k;
    if (tn > t) break;
    t = tn;
    s += t;
    if (t < 1e-17 * s) break;
  }
  return s;
}

/** Exponentially scaled I0: exp(-|x|) I0(x). */
export function i0e(x: number): number {
  notNaN('i0e', 'x', x);
  const ax = Math.abs(x);
  if (ax < SWITCH) return Math.exp(-ax) * (1 + i0m1Series(ax));
  if (ax === Infinity) return 0;
  return (INV_SQRT_2PI / Math.sqrt(ax)) * hankelSum(ax);
}

/** log I0(x) = |x| + log(i0e(x)); for |x| < 25 computed as log1p(I0 - 1) (accurate near 0). */
export function logI0(x: number): number {
  notNaN('logI0', 'x', x);
  const ax = Math.abs(x);
  if (ax < SWITCH) return Math.log1p(i0m1Series(ax));
  if (ax === Infinity) return Infinity;
  return ax + Math.log((INV_SQRT_2PI / Math.sqrt(ax)) * hankelSum(ax));
}
