// Shannon entropies in bits (f64), AssemblyScript port of src/special/entropy.ts. Bad input -> NaN.

import { log1pmxImpl } from './gamma';

const INV_LN2: f64 = 1 / Math.LN2;

/** x log2 x with 0 log 0 = 0 (x >= 0). */
export function xlog2x(x: f64): f64 {
  if (!(x >= 0) || x == Infinity) return NaN;
  if (x == 0) return 0;
  return x * Math.log2(x);
}

/** h2(p) in bits ([A] Eq. 95 sign), full relative accuracy near 0 and 1. */
export function binaryEntropy(p: f64): f64 {
  if (!(p >= 0 && p <= 1)) return NaN;
  const q = p > 0.5 ? 1 - p : p;
  if (q == 0) return 0;
  return -(q * Math.log(q) + (1 - q) * Math.log1p(-q)) * INV_LN2;
}

/** 1 - h2((1 + x)/2), x in [-1, 1], without cancellation (src/special/entropy.ts binaryEntropyComplement). */
export function binaryEntropyComplement(x: f64): f64 {
  if (!(x >= -1 && x <= 1)) return NaN;
  const u = Math.abs(x);
  if (u == 1) return 1;
  return (2 * u * u + (1 + u) * log1pmxImpl(u) + (1 - u) * log1pmxImpl(-u)) * (INV_LN2 / 2);
}

/** -sum p_i log2 p_i over n f64 values at byte address ptr. */
export function entropyBits(ptr: usize, n: i32): f64 {
  let s: f64 = 0;
  for (let i = 0; i < n; i++) {
    const p = load<f64>(ptr + (<usize>i << 3));
    if (!(p >= 0) || p == Infinity) return NaN;
    if (p > 0) s -= p * Math.log(p);
  }
  return s * INV_LN2;
}

/** holevoTerm (src/special/entropy.ts): one Fock component of a two-state diagonal Holevo chi. */
export function holevoTerm(q0: f64, q1: f64, r0: f64, r1: f64): f64 {
  if (!(q0 >= 0 && q0 <= 1 && q1 >= 0 && q1 <= 1 && r0 >= 0 && r0 <= 2 && r1 >= 0 && r1 <= 2)) return NaN;
  if (!(r0 > 0) || q0 == 0) return r1 > 0 && q1 > 0 ? -q1 * r1 * Math.log2(q1 + (q0 * r0) / r1) : 0;
  if (!(r1 > 0) || q1 == 0) return -q0 * r0 * Math.log2(q0 + (q1 * r1) / r0);
  const d = r1 - r0;
  const t0 = (q1 * d) / r0;
  const t1 = (-q0 * d) / r1;
  if (Math.abs(t0) < 0.5 && Math.abs(t1) < 0.5) return -(q0 * r0 * log1pmxImpl(t0) + q1 * r1 * log1pmxImpl(t1)) * INV_LN2;
  const m = q0 * r0 + q1 * r1;
  return q0 * r0 * Math.log2(r0 / m) + q1 * r1 * Math.log2(r1 / m);
}

/** mutualInformationBits (src/special/entropy.ts): I(A:B) of the 2 x 2 joint p(b|a) / (2 p_check). */
export function mutualInformationBits(p00: f64, p01: f64, p10: f64, p11: f64, pCheck: f64): f64 {
  const j0 = p00 / (2 * pCheck);
  const j1 = p01 / (2 * pCheck);
  const j2 = p10 / (2 * pCheck);
  const j3 = p11 / (2 * pCheck);
  const pa0 = j0 + j1;
  const pa1 = j2 + j3;
  const pb0 = j0 + j2;
  const pb1 = j1 + j3;
  let iAB: f64 = 0;
  if (j0 > 0) iAB += j0 * Math.log2(j0 / (pa0 * pb0));
  if (j1 > 0) iAB += j1 * Math.log2(j1 / (pa0 * pb1));
  if (j2 > 0) iAB += j2 * Math.log2(j2 / (pa1 * pb0));
  if (j3 > 0) iAB += j3 * Math.log2(j3 / (pa1 * pb1));
  return iAB;
}
