/**
 * log of Kummer's confluent hypergeometric function M(a, b, z) = 1F1(a; b; z) (f64).
 *
 * Methods, z > 0 (a >= 0, b > 0; all series terms positive):
 *  - large z: asymptotic expansion (DLMF 13.7.2, exponentially small part dropped, z >= 50)
 *      M = Gamma(b)/Gamma(a) e^z z^(a-b) sum_s (b-a)_s (1-a)_s / (s! z^s),
 *    used when the sum reaches 1e-17 relative before its terms grow. When a - b is a non-negative
 *    integer the sum terminates and the formula is exact (for any z > 0).
 *  - otherwise: the defining series sum_k (a)_k/(b)_k z^k/k! (DLMF 13.2.2) summed in log space from
 *    its largest term k0 (root of the term ratio (a+k) z / ((b+k)(k+1)) = 1) outwards in both
 *    directions; log t_k0 from Stirling differences (logTerm). Cost ~ 20 sqrt(k0) terms.
 *    For b >= 10 the peak term is assembled from Stirling pieces with the k log(.) parts of
 *    (a)_k, (b)_k and k! combined into one k log(z (a+k) / ((b+k)(k+1))) (logTermLargeB), so that
 *    lgamma(b) ~ b log b (1e7 at b = 1e6) is never formed and cancelled.
 * Near 1 (any sign of z): where |a z| <= b/8 and |z| max(1, (a+1)/2) <= (b+1)/4 the term ratios of
 * the defining series are <= 1/4 in modulus from k = 1 on, so S = M - 1 = sum_{k>=1} t_k has no
 * cancellation (|S| >= (2/3)|t_1|, sum |t_k| <= (4/3)|t_1|) and log M = log1p(S) keeps full
 * relative accuracy (and its sign) even where log M ~ 1e-300 (logNearOne).
 * z < 0, b >= a: Kummer's transformation M(a, b, z) = e^z M(b-a, b, x), x = -z (DLMF 13.2.39),
 * without forming e^z M(...) = z + log M(...) (which cancels |z| against ~|z|): the series is the
 * Poisson average sum_k p_k(x) c_k with c_k = (b-a)_k/(b)_k, its peak term is logPoissonPmf(k0, x)
 * + log c_k0 with log c_k0 from Stirling differences that stay O(a k0 / b) (logKummerNeg); the
 * large-x asymptotic form becomes log Gamma(b)/Gamma(b-a) - a log x + log sum (no e^x either).
 * z < 0, a > b: the alternating series is summed directly and accepted only when all its terms are
 * finite, it converged, and its estimated cancellation error (4 eps max|term| / |sum|) is below
 * 1e-13, otherwise RangeError naming z (this corner is not needed by the models; e.g. b ~ 1e-31,
 * a ~ 1e4, z ~ -16 has terms beyond 1e308 and M of either sign).
 * A non-positive M (possible only for z < 0, a > b) returns NaN.
 */
import { bad, notNaN } from './args.js';
import { LOG_SQRT_2PI, lgamma, log1pmx, stirlingCorr } from './gamma.js';
import { logPoissonPmf } from './poisson.js';

/**
 * lgamma(x + d) - lgamma(x) without cancellation for large x (x >= 10, x + d >= 10), from the
 * Stirling form: (x - 1/2) log1p(d/x) + d log(x + d) - d + corr(x + d) - corr(x).
 */
function lgammaDiff(x: number, d: number): number {
  if (x < 10 || x + d < 10) return lgamma(x + d) - lgamma(x);
  return (x - 0.5) * Math.log1p(d / x) + d * Math.log(x + d) - d + stirlingCorr(x + d) - stirlingCorr(x);
}

/**
 * log of the series term t_k = (a)_k / (b)_k z^k / k!, k >= 1. For k + 1 >= a the big pieces
 * lgamma(k+1) and k log z are combined as k log(z/(k+1)) - log(k+1)/2 + (k+1) - log sqrt(2 pi)
 * - corr(k+1), so the absolute error stays near k eps instead of lgamma(k) eps.
 */
function logTerm(a: number, b: number, z: number, k: number): number {
  if (k + 1 < a) {
    // k << a: pair (a)_k = Gamma(a+k)/Gamma(a) directly; Gamma(b+k) with Gamma(k+1)
    return lgammaDiff(a, k) - lgammaDiff(k + 1, b - 1) + lgamma(b) + k * Math.log(z) - 2 * lgamma(k + 1);
  }
  const base = lgammaDiff(k + 1, a - 1) - lgammaDiff(k + 1, b - 1) + lgamma(b) - lgamma(a);
  if (k + 1 < 10) return base + k * Math.log(z) - lgamma(k + 1);
  return base + k * Math.log(z / (k + 1)) - 0.5 * Math.log(k + 1) + (k + 1) - LOG_SQRT_2PI - stirlingCorr(k + 1);
}

/** The factor x + k that logPochRest splits off log (x)_k as k log(x + k); 1 when none is. */
function pochFactor(x: number, k: number): number {
  return x + k >= 10 ? x + k : 1;
}

/**
 * log (x)_k - k log(pochFactor(x, k)), with log (x)_k = lgamma(x + k) - lgamma(x): for x >= 10
 * from Stirling, x log1pmx(k/x) - log1p(k/x)/2 + corr(x+k) - corr(x) (no x log x-sized pieces);
 * for x < 10 <= x + k from Stirling for lgamma(x + k) only; otherwise the plain difference.
 */
function logPochRest(x: number, k: number): number {
  if (x >= 10) return x * log1pmx(k / x) - 0.5 * Math.log1p(k / x) + stirlingCorr(x + k) - stirlingCorr(x);
  if (x + k >= 10) return (x - 0.5) * Math.log(x + k) - (x + k) + LOG_SQRT_2PI + stirlingCorr(x + k) - lgamma(x);
  return lgamma(x + k) - lgamma(x);
}

/**
 * log t_k for b >= 10: log (a)_k - log (b)_k - log k! + k log z with the k log(.) parts of the
 * three Pochhammer symbols combined into one k log(z A / (B K)); absolute error ~ k eps (k log of
 * a ratio near 1 at the peak) instead of ~ lgamma(b) eps.
 */
function logTermLargeB(a: number, b: number, z: number, k: number): number {
  const ratio = (z * pochFactor(a, k)) / (pochFactor(b, k) * pochFactor(1, k));
  return k * Math.log(ratio) + logPochRest(a, k) - logPochRest(b, k) - logPochRest(1, k);
}

/**
 * log of the asymptotic sum sum_s (c1)_s (c2)_s / (s! x^s) (terminating when c1 is a non-positive
 * integer: then exact for any x > 0); NaN when it does not converge to 1e-17 before its terms grow
 * (or x < max(50, 8b) for a non-terminating sum: the dropped e^-x part of DLMF 13.7.2 is then not
 * negligible, e.g. M(1, 1.2e6, 1e6)), or is not positive.
 */
function logAsymptoticSum(c1: number, c2: number, x: number, b: number, terminates: boolean): number {
  // the dropped part is ~ e^-x x^b Gamma(b)-sized relative to the kept one: not small for x ~ b
  if (!terminates && (x < 50 || x < 8 * b)) return NaN;
  let t = 1;
  let s = 1;
  let converged = false;
  const maxTerms = terminates ? 1 - c1 + 1 : 200;
  for (let k = 0; k < maxTerms; k++) {
    const tn = (t * (c1 + k) * (c2 + k)) / ((k + 1) * x);
    if (tn === 0) {
      converged = true;
      break;
    }
    if (!terminates && Math.abs(tn) > Math.abs(t)) break;
    if (Math.abs(tn) > 1e250) break; // would overflow: leave it to the peak series
    t = tn;
    s += t;
    if (Math.abs(t) < 1e-17 * Math.abs(s)) {
      converged = true;
      break;
    }
  }
  if (!converged || !(s > 0)) return NaN;
  return Math.log(s);
}

/** Asymptotic large-z form (DLMF 13.7.2); returns NaN when it does not converge. */
function logAsymptotic(a: number, b: number, z: number): number {
  const c1 = b - a;
  const terminates = Number.isInteger(c1) && c1 <= 0;
  const ls = logAsymptoticSum(c1, 1 - a, z, b, terminates);
  if (Number.isNaN(ls)) return NaN;
  const lga = a === 0 ? Infinity : lgamma(a);
  return lgamma(b) - lga + z + (a - b) * Math.log(z) + ls;
}

/** log of the defining series for a > 0, b > 0, z > 0, summed outwards from its largest term. */
/** Largest index of the largest series term summed outwards (its width ~ 9 sqrt(k0) terms stays < 1e8). */
export const MAX_PEAK_INDEX = 1e12;

function logSeriesPeak(a: number, b: number, z: number): number {
  const k0 = peakIndex(a, b, z);
  const logT0 = k0 === 0 ? 0 : b >= 10 ? logTermLargeB(a, b, z, k0) : logTerm(a, b, z, k0);
  return logT0 + Math.log(peakSum(a, b, z, k0));
}

/** sum_k t_k / t_k0 of the positive series, outwards from k0 in both directions. */
function peakSum(a: number, b: number, z: number, k0: number): number {
  // beyond MAX_PEAK_INDEX the sum would take > 1e8 terms (above 2^53 the index k-- would not move)
  if (!(k0 <= MAX_PEAK_INDEX)) bad('logHyp1f1', 'z', `|z| and a |z| / b small enough that the series peaks at index <= ${MAX_PEAK_INDEX} outside the asymptotic regions (here ${k0.toPrecision(3)})`, z);
  const ratio = (k: number): number => ((a + k) * z) / ((b + k) * (k + 1));
  let s = 1;
  // forward
  let t = 1;
  for (let k = k0; k < k0 + 100_000_000; k++) {
    const r = ratio(k);
    t *= r;
    s += t;
    if (t < 1e-17 * s && r < 1) break;
    if (k === k0 + 99_999_999) bad('logHyp1f1', 'a', 'a series that converges within 1e8 terms of its peak', a);
  }
  // backward
  t = 1;
  for (let k = k0 - 1; k >= 0; k--) {
    const r = ratio(k);
    t /= r;
    s += t;
    if (t < 1e-17 * s && r >= 1) break;
  }
  return s;
}

/** Larger root of (b+k)(k+1) = (a+k) z, rounded (>= 0): the index of the largest series term. */
function peakIndex(a: number, b: number, z: number): number {
  const p = b + 1 - z;
  const q = b - a * z;
  // where p^2 - 4q overflows (p ~ b and a z beyond ~1e154), the same scaled by s^2
  const s = Number.isFinite(p * p - 4 * q) ? 1 : Math.max(Math.abs(p), Math.sqrt(Math.abs(q)));
  const disc = (p / s) * (p / s) - 4 * ((q / s) / s);
  let kstar = 0;
  if (disc >= 0) {
    const sq = s * Math.sqrt(disc);
    kstar = p < 0 ? (-p + sq) / 2 : (2 * -q) / (p + sq); // stable larger root
    if (!(kstar > 0)) kstar = 0;
  }
  return Math.round(kstar);
}

function logPositive(a: number, b: number, z: number): number {
  if (a === 0 || z === 0) return 0;
  const asym = logAsymptotic(a, b, z);
  if (!Number.isNaN(asym)) return asym;
  return logSeriesPeak(a, b, z);
}

/** The near-1 region (see the module comment): |a z| <= b/8 and |z| max(1, (a+1)/2) <= (b+1)/4. */
function nearOne(a: number, b: number, z: number): boolean {
  const az = Math.abs(z);
  return 8 * a * az <= b && 4 * az * Math.max(1, (a + 1) / 2) <= b + 1;
}

/** log M = log1p(sum_{k>=1} t_k) in the near-1 region (term ratios <= 1/4 from k = 1). */
function logNearOne(a: number, b: number, z: number): number {
  let t = (a * z) / b;
  let s = t;
  for (let k = 1; k < 200; k++) {
    t *= ((a + k) * z) / ((b + k) * (k + 1));
    s += t;
    if (Math.abs(t) <= 1e-17 * Math.abs(s)) break;
  }
  return Math.log1p(s);
}

/**
 * log c_k = log (b-a)_k / (b)_k = F(b+k) - F(b), F(y) = lgamma(y-a) - lgamma(y), 0 <= a < b.
 * For b - a >= 10 from Stirling: F(y) = g(y) - a log(y-a) + corr(y-a) - corr(y) with
 * g(y) = (y - 1/2) log1p(-a/y) + a = y log1pmx(-a/y) - log1p(-a/y)/2 = O(a^2 / y), so every piece
 * of the difference is O(a k / b) or smaller; otherwise log (b-a)_k - log (b)_k directly.
 */
function logKummerC(a: number, b: number, k: number): number {
  if (k === 0) return 0;
  const c = b - a;
  if (c < 10) return lgammaDiff(c, k) - lgammaDiff(b, k);
  const g = (y: number): number => y * log1pmx(-a / y) - 0.5 * Math.log1p(-a / y);
  return g(b + k) - g(b) - a * Math.log1p(k / c)
    + (stirlingCorr(c + k) - stirlingCorr(b + k)) - (stirlingCorr(c) - stirlingCorr(b));
}

/** log M(a, b, -x) = log e^-x M(b-a, b, x) for x > 0, 0 < a < b, never forming -x + log M(...). */
function logKummerNeg(a: number, b: number, x: number): number {
  const c = b - a;
  // large x: M(c, b, x) ~ Gamma(b)/Gamma(c) e^x x^(c-b) sum_s (b-c)_s (1-c)_s / (s! x^s); b - c = a
  const ls = logAsymptoticSum(a, 1 - c, x, b, false);
  if (!Number.isNaN(ls)) return lgammaDiff(c, a) - a * Math.log(x) + ls;
  const k0 = peakIndex(c, b, x);
  return logPoissonPmf(k0, x) + logKummerC(a, b, k0) + Math.log(peakSum(c, b, x, k0));
}

/** Direct (alternating) series for z < 0, a > b; RangeError unless finite, converged and well conditioned. */
function logAlternating(a: number, b: number, z: number): number {
  let t = 1;
  let s = 1;
  let tmax = 1;
  let converged = false;
  for (let k = 0; k < 100_000; k++) {
    t *= ((a + k) * z) / ((b + k) * (k + 1));
    s += t;
    const at = Math.abs(t);
    if (at > tmax) tmax = at;
    if (!(at <= 1e300) || !Number.isFinite(s)) break; // Inf - Inf ahead: no usable result
    if (at < 1e-17 * Math.abs(s) || t === 0) {
      converged = true;
      break;
    }
  }
  // rounding error of the sum ~ 4 eps tmax; accept when that is <= 1e-13 |s| (the log budget)
  if (!converged || !(4 * 2.220446049250313e-16 * tmax <= 1e-13 * Math.abs(s))) {
    bad('logHyp1f1', 'z', 'z < 0 with a > b only where the direct series converges with 4 eps max|t_k| <= 1e-13 |M|', z);
  }
  return s > 0 ? Math.log(s) : NaN;
}

/**
 * log 1F1(a; b; z): a >= 0, b > 0, z finite. See the module comment for methods and ranges.
 */
export function logHyp1f1(a: number, b: number, z: number): number {
  const fn = 'logHyp1f1';
  notNaN(fn, 'a', a);
  notNaN(fn, 'b', b);
  notNaN(fn, 'z', z);
  if (!(a >= 0) || a === Infinity) bad(fn, 'a', '0 <= a < Infinity', a);
  if (!(b > 0) || b === Infinity) bad(fn, 'b', '0 < b < Infinity', b);
  if (!Number.isFinite(z)) bad(fn, 'z', 'finite', z);
  if (a === 0 || z === 0) return 0;
  if (nearOne(a, b, z)) return logNearOne(a, b, z);
  if (z > 0) return logPositive(a, b, z);
  if (b >= a) return b === a ? z : logKummerNeg(a, b, -z);
  return logAlternating(a, b, z);
}
