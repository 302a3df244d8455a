/**
 * Shannon entropies in bits (f64).
 */
import { bad, notNaN } from './args.js';
import { log1pmx } from './gamma.js';

const INV_LN2 = 1 / Math.LN2;

/** x log2 x with 0 log 0 = 0 (x >= 0). */
export function xlog2x(x: number): number {
  notNaN('xlog2x', 'x', x);
  if (x < 0 || x === Infinity) bad('xlog2x', 'x', '0 <= x < Infinity', x);
  if (x === 0) return 0;
  return x * Math.log2(x);
}

/**
 * Binary entropy h2(p) = -p log2 p - (1-p) log2(1-p) in bits, p in [0, 1].
 * Uses q = min(p, 1-p) (1-p is exact for p >= 1/2) and log1p(-q) for the large branch, so
 * h2 keeps full relative accuracy near both 0 and 1 ([A] Eq. 95 sign convention).
 */
export function binaryEntropy(p: number): number {
  notNaN('binaryEntropy', 'p', p);
  if (p < 0 || p > 1) bad('binaryEntropy', 'p', '[0, 1]', p);
  const q = p > 0.5 ? 1 - p : p;
  if (q === 0) return 0;
  return -(q * Math.log(q) + (1 - q) * Math.log1p(-q)) * INV_LN2;
}

/**
 * 1 - h2((1 + x)/2) in bits for x in [-1, 1]: the key term left by two pure states of overlap x
 * (phase encoding, Eq. 142: I_E = h2((1 + x)/2)), without the cancellation of 1 - h2 when the
 * overlap is small: [(1+x) log(1+x) + (1-x) log(1-x)] / (2 ln 2) with log(1+u) = u + log1pmx(u),
 * i.e. [2 x^2 + (1+x) log1pmx(x) + (1-x) log1pmx(-x)] / (2 ln 2) (~ x^2 / (2 ln 2) as x -> 0).
 */
export function binaryEntropyComplement(x: number): number {
  notNaN('binaryEntropyComplement', 'x', x);
  if (x < -1 || x > 1) bad('binaryEntropyComplement', 'x', '[-1, 1]', x);
  const u = Math.abs(x); // even in x
  if (u === 1) return 1;
  return (2 * u * u + (1 + u) * log1pmx(u) + (1 - u) * log1pmx(-u)) * (INV_LN2 / 2);
}

/** -sum_i p_i log2 p_i in bits (p_i >= 0; normalisation is not checked). */
export function entropyBits(probs: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < probs.length; i++) {
    const p = probs[i];
    if (typeof p !== 'number' || Number.isNaN(p) || p < 0 || p === Infinity) {
      bad('entropyBits', `probs[${i}]`, '0 <= p < Infinity', p);
    }
    if (p > 0) s -= p * Math.log(p);
  }
  return s * INV_LN2;
}

/**
 * One Fock component's share of the Holevo quantity of a two-state diagonal ensemble (bits):
 * q0 r0 log2(r0/m) + q1 r1 log2(r1/m), m = q0 r0 + q1 r1 ([A] Eqs. 114-116; q0 + q1 = 1). Where
 * the two states nearly agree (|t0|, |t1| < 1/2 below) it is evaluated as
 * -(q0 r0 log1pmx(t0) + q1 r1 log1pmx(t1)) / ln 2, t0 = q1 (r1 - r0)/r0, t1 = q0 (r0 - r1)/r1: the
 * first-order terms +-q0 q1 (r1 - r0) cancel analytically and both remaining terms are >= 0, so
 * nearly equal states (chi ~ 1e-8) keep full relative accuracy; elsewhere the direct form.
 */
export function holevoTerm(q0: number, q1: number, r0: number, r1: number): number {
  const fn = 'holevoTerm';
  for (const [name, v, hi] of [['q0', q0, 1], ['q1', q1, 1], ['r0', r0, 2], ['r1', r1, 2]] as const) {
    notNaN(fn, name, v);
    // priors in [0, 1]; components of normalised states (<= 1 up to rounding)
    if (!(v >= 0 && v <= hi)) bad(fn, name, `[0, ${hi}]`, v);
  }
  if (!(r0 > 0) || q0 === 0) return r1 > 0 && q1 > 0 ? -q1 * r1 * Math.log2(q1 + (q0 * r0) / r1) : 0; // m = q1 r1 (+ q0 r0)
  if (!(r1 > 0) || q1 === 0) return -q0 * r0 * Math.log2(q0 + (q1 * r1) / r0);
  const d = r1 - r0;
  const t0 = (q1 * d) / r0;
  const t1 = (-q0 * d) / r1;
  if (Math.abs(t0) < 0.5 && Math.abs(t1) < 0.5) return -(q0 * r0 * log1pmx(t0) + q1 * r1 * log1pmx(t1)) * INV_LN2;
  const m = q0 * r0 + q1 * r1;
  return q0 * r0 * Math.log2(r0 / m) + q1 * r1 * Math.log2(r1 / m);
}

/**
 * I(A:B) in bits of the 2 x 2 joint p(a, b | check) = p(b|a) / (2 p_check) ([A] Eq. 95, Bayes
 * priors), from the unnormalised p00 = p(0|0), p01 = p(1|0), p10 = p(0|1), p11 = p(1|1).
 */
export function mutualInformationBits(p00: number, p01: number, p10: number, p11: number, pCheck: number): number {
  const j0 = p00 / (2 * pCheck);
  const j1 = p01 / (2 * pCheck);
  const j2 = p10 / (2 * pCheck);
  const j3 = p11 / (2 * pCheck);
  const pa0 = j0 + j1;
  const pa1 = j2 + j3;
  const pb0 = j0 + j2;
  const pb1 = j1 + j3;
  let iAB = 0;
  if (j0 > 0) iAB += j0 * Math.log2(j0 / (pa0 * pb0));
  if (j1 > 0) iAB += j1 * Math.log2(j1 / (pa0 * pb1));
  if (j2 > 0) iAB += j2 * Math.log2(j2 / (pa1 * pb0));
  if (j3 > 0) iAB += j3 * Math.log2(j3 / (pa1 * pb1));
  return iAB;
}
