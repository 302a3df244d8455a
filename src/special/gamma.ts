/**
 * Log-gamma and the helpers the incomplete-gamma code needs (f64).
 *
 * Methods (switch points):
 *  - x < 0.5:          lgamma(x) = lgamma1p(x) - log(x)
 *  - 0.5 <= x <= 1.5:  lgamma1p(x - 1)
 *  - 1.5 < x <= 2.5:   lgamma(2 + z) = log1p(z) + lgamma1p(z), z = x - 2
 *  - 2.5 < x < 10:     recurrence down into (1.5, 2.5] (product of at most 8 factors)
 *  - x >= 10:          Stirling series with Bernoulli coefficients (DLMF 5.11.1)
 * lgamma1p(z) = ln Gamma(1+z) uses the series in zeta(k)-1 (Abramowitz & Stegun 6.1.33 rearranged):
 *   ln Gamma(1+z) = -log1p(z) + z (1 - gamma_E) + sum_{k>=2} (-1)^k (zeta(k)-1) z^k / k,  |z| < 2,
 * which keeps full relative accuracy near the zeros x = 1 and x = 2.
 * zeta(k)-1 values computed with mpmath (50 digits) and rounded to double.
 */
import { bad, notNaN } from './args.js';

// zeta(k) - 1 for k = 2 .. 59 (mpmath, rounded to nearest double).
const ZETA_M1 = [
  0.6449340668482264, 0.2020569031595943, 0.08232323371113819, 0.03692775514336993,
  0.01734306198444914, 0.008349277381922827, 0.00407735619794434, 0.0020083928260822143,
  0.0009945751278180853, 0.0004941886041194645, 0.0002460865533080483, 0.00012271334757848915,
  6.124813505870483e-05, 3.058823630702049e-05, 1.528225940865187e-05, 7.637197637899763e-06,
  3.81729326499984e-06, 1.908212716553939e-06, 9.539620338727962e-07, 4.769329867878064e-07,
  2.38450502727733e-07, 1.1921992596531106e-07, 5.960818905125948e-08, 2.980350351465228e-08,
  1.4901554828365043e-08, 7.45071178983543e-09, 3.725334024788457e-09, 1.862659723513049e-09,
  9.313274324196682e-10, 4.656629065033784e-10, 2.3283118336765053e-10, 1.164155017270052e-10,
  5.820772087902701e-11, 2.9103850444971e-11, 1.4551921891041985e-11, 7.275959835057482e-12,
  3.637979547378651e-12, 1.818989650307066e-12, 9.094947840263888e-13, 4.547473783042154e-13,
  2.2737368458246524e-13, 1.136868407680228e-13, 5.684341987627585e-14, 2.842170976889302e-14,
  1.4210854828031608e-14, 7.105427395210853e-15, 3.552713691337114e-15, 1.7763568435791204e-15,
  8.881784210930816e-16, 4.440892103143813e-16, 2.220446050798042e-16, 1.1102230251410661e-16,
  5.551115124845481e-17, 2.775557562136124e-17, 1.3877787809725232e-17, 6.938893904544153e-18,
  3.4694469521659225e-18, 1.7347234760475765e-18,
];

const EULER_GAMMA = 0.5772156649015329;
/** 0.5 * log(2 pi) */
export const LOG_SQRT_2PI = 0.9189385332046728;

/** B_{2k} / (2k (2k-1)), k = 1..10: Stirling series coefficients (DLMF 5.11.1). */
const STIRLING = [
  0.08333333333333333, -0.002777777777777778, 0.0007936507936507937, -0.0005952380952380953,
  0.0008417508417508417, -0.0019175269175269176, 0.00641025641025641, -0.029550653594771242,
  0.17964437236883057, -1.3924322169059011,
];

/** ln Gamma(1 + z) for -0.5 <= z <= 1 (internal; full relative accuracy near z = 0). */
export function lgamma1p(z: number): number {
  // sum_{k>=2} (-1)^k (zeta(k)-1) z^k / k ; |ratio| <= |z|/2
  let s = 0;
  let p = z * z;
  const n = ZETA_M1.length;
  for (let i = 0; i < n; i++) {
    const k = i + 2;
    const t = ZETA_M1[i] * p / k;
    s += k % 2 === 0 ? t : -t;
    if (Math.abs(t) < 1e-18 * Math.abs(s)) break;
    p *= z;
  }
  return -Math.log1p(z) + z * (1 - EULER_GAMMA) + s;
}

/**
 * Stirling correction: lgamma(x) - [(x - 1/2) log x - x + log sqrt(2 pi)], for x >= 10 by its
 * asymptotic series (DLMF 5.11.1), below 10 by subtraction (loses a few digits absolute).
 */
export function stirlingCorr(x: number): number {
  if (x >= 10) {
    const r = 1 / x;
    const r2 = r * r;
    let s = 0;
    let p = r;
    for (let k = 0; k < STIRLING.length; k++) {
      const t = STIRLING[k] * p;
      s += t;
      if (Math.abs(t) < 1e-19 * Math.abs(s)) break;
      p *= r2;
    }
    return s;
  }
  return lgammaPos(x) - ((x - 0.5) * Math.log(x) - x + LOG_SQRT_2PI);
}

/**
 * log1pmx(t) = log(1 + t) - t, accurate for small |t| (t > -1).
 * Near 0: with u = t/(2+t), log(1+t) = 2 atanh(u), so log1pmx = -t u + 2 sum_{k>=1} u^(2k+1)/(2k+1).
 */
export function log1pmx(t: number): number {
  if (t > -0.5 && t < 1) {
    const u = t / (2 + t);
    const u2 = u * u;
    let p = u * u2;
    let s = 0;
    for (let k = 1; k < 60; k++) {
      const term = p / (2 * k + 1);
      s += term;
      if (Math.abs(term) <= 1e-18 * Math.abs(s)) break;
      p *= u2;
    }
    return -t * u + 2 * s;
  }
  return Math.log1p(t) - t;
}

function lgammaPos(x: number): number {
  if (x < 0.5) return lgamma1p(x) - Math.log(x);
  if (x <= 1.5) return lgamma1p(x - 1);
  if (x <= 2.5) {
    const z = x - 2;
    return Math.log1p(z) + lgamma1p(z);
  }
  if (x < 10) {
    let prod = 1;
    let y = x;
    while (y > 2.5) {
      y -= 1;
      prod *= y;
    }
    const z = y - 2;
    return Math.log(prod) + Math.log1p(z) + lgamma1p(z);
  }
  if (x === Infinity) return Infinity;
  return (x - 0.5) * Math.log(x) - x + LOG_SQRT_2PI + stirlingCorr(x);
}

/** ln Gamma(x) for x > 0 (x = +Infinity gives +Infinity). */
export function lgamma(x: number): number {
  notNaN('lgamma', 'x', x);
  if (!(x > 0)) bad('lgamma', 'x', 'x > 0', x);
  return lgammaPos(x);
}
