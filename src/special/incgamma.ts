/**
 * Regularised incomplete gamma functions P(a, x), Q(a, x) and their logs (f64), and the Poisson
 * window probability of SPEC 3.2.
 *
 * The smaller of P, Q is always computed directly (as a log), the other as 1 - it:
 *  - a < 1, x < a + 1: P by the power series; Q by the small-a form of DiDonato & Morris (1986)
 *    Eq. 15: Q = -expm1(a log x - lgamma1p(a)) - x^a/Gamma(a+1) a sum_{n>=1} (-x)^n/((a+n) n!).
 *  - x < a + 1:  P = x^a e^-x / Gamma(a+1) sum_n x^n / ((a+1)...(a+n))  (DLMF 8.11.4 form).
 *  - x >= a + 1: Q = x^a e^-x / Gamma(a) / (x+1-a- 1(1-a)/(x+3-a- ...)) (DLMF 8.9.2, modified Lentz).
 *  - a >= 20, -0.4 <= (x-a)/a <= 0.6: Temme's uniform asymptotic expansion (Temme 1979; DLMF 8.12.3-4;
 *    DiDonato & Morris 1986 Eq. 17-18), with y = -a log1pmx((x-a)/a) = a eta^2/2:
 *      x >= a: Q = e^-y [ erfcx(sqrt y)/2 + sum_k c_k(eta) a^-k / sqrt(2 pi a) ]
 *      x <  a: P = e^-y [ erfcx(sqrt y)/2 - sum_k c_k(eta) a^-k / sqrt(2 pi a) ]
 *    13 terms, c_k as degree-29 Taylor polynomials in eta (incgamma-temme.ts, generated exactly).
 * The prefactor x^a e^-x / Gamma(a) is formed as a log1pmx((x-a)/a) + log(a)/2 - log sqrt(2 pi)
 * - stirlingCorr(a) for a >= 10 (Temme 1979), so it keeps relative accuracy near x ~ a at large a.
 */
import { bad, notNaN } from './args.js';
import { LOG_SQRT_2PI, lgamma, lgamma1p, log1pmx, stirlingCorr } from './gamma.js';
import { log1mExp } from './logsum.js';
import { erfcx } from './erf.js';
import { TEMME_C } from './incgamma-temme.js';

/** Temme region: a >= TEMME_MIN_A and sigma = (x - a)/a in [TEMME_SIGMA_LO, TEMME_SIGMA_HI]. */
export const TEMME_MIN_A = 20;
export const TEMME_SIGMA_LO = -0.4;
export const TEMME_SIGMA_HI = 0.6;
const INV_SQRT_2PI = 0.3989422804014327;

/** log( x^a e^{-x} / Gamma(a) ), x > 0, a > 0. */
export function logGammaPrefix(a: number, x: number): number {
  if (a < 10) return a * Math.log(x) - x - lgamma(a);
  const t = (x - a) / a;
  const main = t > -0.5 && t < 1 ? a * log1pmx(t) : a * Math.log(x / a) - (x - a);
  return main + 0.5 * Math.log(a) - LOG_SQRT_2PI - stirlingCorr(a);
}

/** log P by the power series (x < a + 1). */
function logPSeries(a: number, x: number): number {
  let term = 1;
  let sum = 1;
  for (let n = 1; n < 1_000_000; n++) {
    term *= x / (a + n);
    sum += term;
    if (term < 1e-17 * sum) break;
  }
  return logGammaPrefix(a, x) - Math.log(a) + Math.log(sum);
}

/** log Q by the Legendre continued fraction, modified Lentz (x >= a + 1). */
function logQCF(a: number, x: number): number {
  const tiny = 1e-300;
  let b = x + 1 - a;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 1_000_000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-16) break;
  }
  return logGammaPrefix(a, x) + Math.log(h);
}

/** Q for a < 1, 0 < x < a + 1 (DiDonato & Morris 1986, Eq. 15). Returns Q itself (not log). */
function qSmallA(a: number, x: number): number {
  // u = x^a / Gamma(a+1) - 1
  const la = a * Math.log(x) - lgamma1p(a);
  const u = Math.expm1(la);
  // s = sum_{n>=1} (-x)^n / ((a+n) n!)
  let p = 1;
  let s = 0;
  for (let n = 1; n < 200; n++) {
    p *= -x / n;
    const t = p / (a + n);
    s += t;
    if (Math.abs(t) < 1e-17 * Math.abs(s)) break;
  }
  return -u - (u + 1) * a * s;
}

/** Temme expansion: log of the smaller of P, Q (Q when x >= a). */
function temme(a: number, x: number): { lv: number; isQ: boolean } {
  const sigma = (x - a) / a;
  const phi = -log1pmx(sigma);
  const y = a * phi;
  const eta = sigma < 0 ? -Math.sqrt(2 * phi) : Math.sqrt(2 * phi);
  const ia = 1 / a;
  let sum = 0;
  for (let k = TEMME_C.length - 1; k >= 0; k--) {
    const c = TEMME_C[k];
    let p = 0;
    for (let j = c.length - 1; j >= 0; j--) p = p * eta + c[j];
    sum = sum * ia + p;
  }
  const r = sum * INV_SQRT_2PI * Math.sqrt(ia);
  const half = 0.5 * erfcx(Math.sqrt(y));
  return sigma >= 0 ? { lv: -y + Math.log(half + r), isQ: true } : { lv: -y + Math.log(half - r), isQ: false };
}

/**
 * Core: returns the log of the directly computed function and which one it is.
 * Assumes a > 0 finite, x > 0 finite.
 */
function core(a: number, x: number): { lv: number; isQ: boolean } {
  if (a >= TEMME_MIN_A) {
    const sigma = (x - a) / a;
    if (sigma >= TEMME_SIGMA_LO && sigma <= TEMME_SIGMA_HI) return temme(a, x);
  }
  if (x < a + 1) {
    if (a < 1) {
      const q = qSmallA(a, x);
      if (q < 0.5) return { lv: Math.log(q), isQ: true };
    }
    return { lv: logPSeries(a, x), isQ: false };
  }
  return { lv: logQCF(a, x), isQ: true };
}

function checkAX(fn: string, a: number, x: number): void {
  notNaN(fn, 'a', a);
  notNaN(fn, 'x', x);
  if (!(a > 0) || a === Infinity) bad(fn, 'a', '0 < a < Infinity', a);
  if (!(x >= 0)) bad(fn, 'x', 'x >= 0', x);
}

/** Regularised lower incomplete gamma P(a, x) = gamma(a, x) / Gamma(a), a > 0, x >= 0. */
export function gammaP(a: number, x: number): number {
  checkAX('gammaP', a, x);
  if (x === 0) return 0;
  if (x === Infinity) return 1;
  const { lv, isQ } = core(a, x);
  return isQ ? -Math.expm1(lv) : Math.exp(lv);
}

/** Regularised upper incomplete gamma Q(a, x) = Gamma(a, x) / Gamma(a), a > 0, x >= 0. */
export function gammaQ(a: number, x: number): number {
  checkAX('gammaQ', a, x);
  if (x === 0) return 1;
  if (x === Infinity) return 0;
  const { lv, isQ } = core(a, x);
  return isQ ? Math.exp(lv) : -Math.expm1(lv);
}

/** log P(a, x); accurate deep in the lower tail (P far below the f64 range). */
export function logGammaP(a: number, x: number): number {
  checkAX('logGammaP', a, x);
  if (x === 0) return -Infinity;
  if (x === Infinity) return 0;
  const { lv, isQ } = core(a, x);
  return isQ ? log1mExp(Math.min(lv, 0)) : lv;
}

/** log Q(a, x); accurate deep in the upper tail. */
export function logGammaQ(a: number, x: number): number {
  checkAX('logGammaQ', a, x);
  if (x === 0) return 0;
  if (x === Infinity) return -Infinity;
  const { lv, isQ } = core(a, x);
  return isQ ? lv : log1mExp(Math.min(lv, 0));
}

/**
 * P(lo <= k <= hi) for k ~ Poisson(mean) with real edges (SPEC 3.2, [A] Eqs. 90–91):
 * Q(hi + 1, mean) - Q(lo, mean), where Q(a, x) for a <= 0 is taken as 0 (its limit a -> 0+,
 * i.e. P(k <= lo - 1) = 0 for lo <= 0). Returns 0 if hi < lo. When both Q values exceed 1/2 the
 * difference is formed as P(lo, mean) - P(hi + 1, mean) to avoid cancellation.
 */
export function poissonCdfWindow(lo: number, hi: number, mean: number): number {
  const fn = 'poissonCdfWindow';
  notNaN(fn, 'lo', lo);
  notNaN(fn, 'hi', hi);
  notNaN(fn, 'mean', mean);
  if (!(mean >= 0) || mean === Infinity) bad(fn, 'mean', '0 <= mean < Infinity', mean);
  if (hi < lo) return 0;
  const a2 = hi + 1; // upper edge: P(k <= hi) = Q(hi + 1, mean)
  if (a2 <= 0) return 0;
  if (mean === 0) return lo <= 0 ? 1 : 0;
  if (lo <= 0) return a2 === Infinity ? 1 : gammaQ(a2, mean);
  if (a2 === Infinity) return gammaP(lo, mean); // 1 - Q(lo)
  // Both edges proper: pick the representation without cancellation.
  const c2 = core(a2, mean);
  const c1 = core(lo, mean);
  const q2 = c2.isQ ? Math.exp(c2.lv) : -Math.expm1(c2.lv);
  const q1 = c1.isQ ? Math.exp(c1.lv) : -Math.expm1(c1.lv);
  if (q1 > 0.5 && q2 > 0.5) {
    const p1 = c1.isQ ? -Math.expm1(c1.lv) : Math.exp(c1.lv);
    const p2 = c2.isQ ? -Math.expm1(c2.lv) : Math.exp(c2.lv);
    return Math.max(p1 - p2, 0);
  }
  return Math.max(q2 - q1, 0);
}
