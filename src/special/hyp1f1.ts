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
 * z < 0: Kummer's transformation M(a, b, z) = e^z M(b-a, b, -z) (DLMF 13.2.39) when b >= a (positive
 * series); for a > b the alternating series is summed directly and accepted only when its
 * estimated cancellation error (4 eps max|term| / |sum|) is below 1e-13, otherwise RangeError
 * (this corner is not needed by the models).
 * A non-positive M (possible only for z < 0, a > b) returns NaN.
 */
import { bad, notNaN } from './args.js';
import { LOG_SQRT_2PI, lgamma, stirlingCorr } from './gamma.js';

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

/** Asymptotic large-z form; returns NaN when it does not converge. */
function logAsymptotic(a: number, b: number, z: number): number {
  const c1 = b - a;
  const c2 = 1 - a;
  const terminates = Number.isInteger(c1) && c1 <= 0;
  if (!terminates && z < 50) return NaN;
  let t = 1;
  let s = 1;
  let converged = false;
  const maxTerms = terminates ? 1 - c1 + 1 : 200;
  for (let k = 0; k < maxTerms; k++) {
    const tn = (t * (c1 + k) * (c2 + k)) / ((k + 1) * z);
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
  const lga = a === 0 ? Infinity : lgamma(a);
  return lgamma(b) - lga + z + (a - b) * Math.log(z) + Math.log(s);
}

/** log of the defining series for a > 0, b > 0, z > 0, summed outwards from its largest term. */
function logSeriesPeak(a: number, b: number, z: number): number {
  const ratio = (k: number): number => ((a + k) * z) / ((b + k) * (k + 1));
  // Larger root of (b+k)(k+1) - (a+k) z = 0.
  const p = b + 1 - z;
  const q = b - a * z;
  const disc = p * p - 4 * q;
  let kstar = 0;
  if (disc >= 0) {
    const sq = Math.sqrt(disc);
    kstar = p < 0 ? (-p + sq) / 2 : (2 * -q) / (p + sq); // stable larger root
    if (!(kstar > 0)) kstar = 0;
  }
  const k0 = Math.round(kstar);
  const logT0 = k0 === 0 ? 0 : logTerm(a, b, z, k0);
  let s = 1;
  // forward
  let t = 1;
  for (let k = k0; k < k0 + 100_000_000; k++) {
    const r = ratio(k);
    t *= r;
    s += t;
    if (t < 1e-17 * s && r < 1) break;
  }
  // backward
  t = 1;
  for (let k = k0 - 1; k >= 0; k--) {
    const r = ratio(k);
    t /= r;
    s += t;
    if (t < 1e-17 * s && r >= 1) break;
  }
  return logT0 + Math.log(s);
}

function logPositive(a: number, b: number, z: number): number {
  if (a === 0 || z === 0) return 0;
  const asym = logAsymptotic(a, b, z);
  if (!Number.isNaN(asym)) return asym;
  return logSeriesPeak(a, b, z);
}

/** Direct (alternating) series for z < 0; NaN if the cancellation estimate exceeds 1e-14. */
function logAlternating(a: number, b: number, z: number): number {
  let t = 1;
  let s = 1;
  let tmax = 1;
  for (let k = 0; k < 100_000; k++) {
    t *= ((a + k) * z) / ((b + k) * (k + 1));
    s += t;
    const at = Math.abs(t);
    if (at > tmax) tmax = at;
    if (at < 1e-17 * Math.abs(s) || t === 0) break;
  }
  // rounding error of the sum ~ 4 eps tmax; accept when that is <= 1e-13 |s| (the log budget)
  if (4 * 2.220446049250313e-16 * tmax > 1e-13 * Math.abs(s)) {
    bad('logHyp1f1', 'z', 'z < 0 with a > b only where the direct series is well conditioned', z);
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
  if (z > 0) return logPositive(a, b, z);
  if (b >= a) return b === a ? z : z + logPositive(b - a, b, -z);
  return logAlternating(a, b, z);
}
