/**
 * Log-space accumulation helpers (f64).
 */
import { bad, notNaN } from './args.js';

/** log(e^a + e^b), exact handling of -Infinity; NaN -> RangeError. */
export function logAddExp(a: number, b: number): number {
  notNaN('logAddExp', 'a', a);
  notNaN('logAddExp', 'b', b);
  const m = a > b ? a : b;
  if (m === -Infinity) return -Infinity;
  if (m === Infinity) return Infinity;
  const d = a > b ? b - a : a - b; // <= 0
  return m + Math.log1p(Math.exp(d));
}

/**
 * log(sum_i e^{v_i}) with max-shift. Empty input -> -Infinity. NaN element -> RangeError.
 */
export function logSumExp(values: ArrayLike<number>): number {
  const n = values.length;
  let m = -Infinity;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (Number.isNaN(v) || typeof v !== 'number') bad('logSumExp', `values[${i}]`, 'a number (not NaN)', v);
    if (v > m) m = v;
  }
  if (m === -Infinity || m === Infinity) return m;
  let s = 0;
  for (let i = 0; i < n; i++) s += Math.exp(values[i] - m);
  return m + Math.log(s);
}

/**
 * log(1 - e^x) for x <= 0 (x = 0 gives -Infinity). Mächler (2012), "Accurately computing
 * log(1 - exp(-|a|))": log(-expm1(x)) for x > -ln 2, log1p(-exp(x)) otherwise.
 */
export function log1mExp(x: number): number {
  notNaN('log1mExp', 'x', x);
  if (x > 0) bad('log1mExp', 'x', 'x <= 0', x);
  if (x > -Math.LN2) return Math.log(-Math.expm1(x));
  return Math.log1p(-Math.exp(x));
}
