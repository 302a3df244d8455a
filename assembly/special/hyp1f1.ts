// log Kummer 1F1(a; b; z) (f64), AssemblyScript port of src/special/hyp1f1.ts: large-z asymptotic
// (DLMF 13.7.2), series summed outward from its largest term (DLMF 13.2.2; Stirling-split peak term
// for b >= 10), log1p of the series from k = 1 near M = 1, Kummer's transformation for z < 0
// (DLMF 13.2.39) as a Poisson average without e^z. Bad arguments, and the a > b, z < 0 corner where
// the direct series overflows, does not converge or is ill conditioned -> NaN (TS: RangeError).
import { LOG_SQRT_2PI, lgammaPos, log1pmxImpl, stirlingCorrImpl } from './gamma';
import { logPoissonPmf } from './poisson';

function lgammaDiff(x: f64, d: f64): f64 {
  if (x < 10 || x + d < 10) return lgammaPos(x + d) - lgammaPos(x);
  return (x - 0.5) * Math.log1p(d / x) + d * Math.log(x + d) - d + stirlingCorrImpl(x + d) - stirlingCorrImpl(x);
}

function logTerm(a: f64, b: f64, z: f64, k: f64): f64 {
  if (k + 1 < a) {
    return lgammaDiff(a, k) - lgammaDiff(k + 1, b - 1) + lgammaPos(b) + k * Math.log(z) - 2 * lgammaPos(k + 1);
  }
  const base = lgammaDiff(k + 1, a - 1) - lgammaDiff(k + 1, b - 1) + lgammaPos(b) - lgammaPos(a);
  if (k + 1 < 10) return base + k * Math.log(z) - lgammaPos(k + 1);
  return base + k * Math.log(z / (k + 1)) - 0.5 * Math.log(k + 1) + (k + 1) - LOG_SQRT_2PI - stirlingCorrImpl(k + 1);
}

// @ts-ignore: decorator
@inline function pochFactor(x: f64, k: f64): f64 {
  return x + k >= 10 ? x + k : 1;
}

function logPochRest(x: f64, k: f64): f64 {
  if (x >= 10) return x * log1pmxImpl(k / x) - 0.5 * Math.log1p(k / x) + stirlingCorrImpl(x + k) - stirlingCorrImpl(x);
  if (x + k >= 10) return (x - 0.5) * Math.log(x + k) - (x + k) + LOG_SQRT_2PI + stirlingCorrImpl(x + k) - lgammaPos(x);
  return lgammaPos(x + k) - lgammaPos(x);
}

function logTermLargeB(a: f64, b: f64, z: f64, k: f64): f64 {
  const ratio = (z * pochFactor(a, k)) / (pochFactor(b, k) * pochFactor(1, k));
  return k * Math.log(ratio) + logPochRest(a, k) - logPochRest(b, k) - logPochRest(1, k);
}

function logAsymptoticSum(c1: f64, c2: f64, x: f64, b: f64, terminates: bool): f64 {
  if (!terminates && (x < 50 || x < 8 * b)) return NaN;
  let t: f64 = 1;
  let s: f64 = 1;
  let converged = false;
  const maxTerms: f64 = terminates ? 1 - c1 + 1 : 200;
  for (let k: f64 = 0; k < maxTerms; k++) {
    const tn = (t * (c1 + k) * (c2 + k)) / ((k + 1) * x);
    if (tn == 0) {
      converged = true;
      break;
    }
    if (!terminates && Math.abs(tn) > Math.abs(t)) break;
    if (Math.abs(tn) > 1e250) break;
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

function logAsymptotic(a: f64, b: f64, z: f64): f64 {
  const c1 = b - a;
  const terminates = c1 == Math.floor(c1) && c1 <= 0;
  const ls = logAsymptoticSum(c1, 1 - a, z, b, terminates);
  if (isNaN(ls)) return NaN;
  const lga = a == 0 ? Infinity : lgammaPos(a);
  return lgammaPos(b) - lga + z + (a - b) * Math.log(z) + ls;
}

// @ts-ignore: decorator
@inline function ratio(a: f64, b: f64, z: f64, k: f64): f64 {
  return ((a + k) * z) / ((b + k) * (k + 1));
}

function peakSum(a: f64, b: f64, z: f64, k0: f64): f64 {
  if (!(k0 <= 1e12)) return NaN; // hyp1f1.ts MAX_PEAK_INDEX: the TS twin throws a RangeError
  let s: f64 = 1;
  let t: f64 = 1;
  for (let k = k0; k < k0 + 100000000; k++) {
    const r = ratio(a, b, z, k);
    t *= r;
    s += t;
    if (t < 1e-17 * s && r < 1) break;
  }
  t = 1;
  for (let k = k0 - 1; k >= 0; k--) {
    const r = ratio(a, b, z, k);
    t /= r;
    s += t;
    if (t < 1e-17 * s && r >= 1) break;
  }
  return s;
}

function peakIndex(a: f64, b: f64, z: f64): f64 {
  const p = b + 1 - z;
  const q = b - a * z;
  const s: f64 = isFinite(p * p - 4 * q) ? 1 : Math.max(Math.abs(p), Math.sqrt(Math.abs(q))); // hyp1f1.ts: scaled where p^2 overflows
  const disc = (p / s) * (p / s) - 4 * ((q / s) / s);
  let kstar: f64 = 0;
  if (disc >= 0) {
    const sq = s * Math.sqrt(disc);
    kstar = p < 0 ? (-p + sq) / 2 : (2 * -q) / (p + sq);
    if (!(kstar > 0)) kstar = 0;
  }
  return Math.round(kstar);
}

function logSeriesPeak(a: f64, b: f64, z: f64): f64 {
  const k0 = peakIndex(a, b, z);
  const logT0 = k0 == 0 ? 0 : b >= 10 ? logTermLargeB(a, b, z, k0) : logTerm(a, b, z, k0);
  return logT0 + Math.log(peakSum(a, b, z, k0));
}

function logPositive(a: f64, b: f64, z: f64): f64 {
  if (a == 0 || z == 0) return 0;
  const asym = logAsymptotic(a, b, z);
  if (!isNaN(asym)) return asym;
  return logSeriesPeak(a, b, z);
}

function nearOne(a: f64, b: f64, z: f64): bool {
  const az = Math.abs(z);
  return 8 * a * az <= b && 4 * az * Math.max(1, (a + 1) / 2) <= b + 1;
}

function logNearOne(a: f64, b: f64, z: f64): f64 {
  let t = (a * z) / b;
  let s = t;
  for (let k = 1; k < 200; k++) {
    const fk = <f64>k;
    t *= ((a + fk) * z) / ((b + fk) * (fk + 1));
    s += t;
    if (Math.abs(t) <= 1e-17 * Math.abs(s)) break;
  }
  return Math.log1p(s);
}

// @ts-ignore: decorator
@inline function kummerG(a: f64, y: f64): f64 {
  return y * log1pmxImpl(-a / y) - 0.5 * Math.log1p(-a / y);
}

function logKummerC(a: f64, b: f64, k: f64): f64 {
  if (k == 0) return 0;
  const c = b - a;
  if (c < 10) return lgammaDiff(c, k) - lgammaDiff(b, k);
  return kummerG(a, b + k) - kummerG(a, b) - a * Math.log1p(k / c)
    + (stirlingCorrImpl(c + k) - stirlingCorrImpl(b + k)) - (stirlingCorrImpl(c) - stirlingCorrImpl(b));
}

function logKummerNeg(a: f64, b: f64, x: f64): f64 {
  const c = b - a;
  const ls = logAsymptoticSum(a, 1 - c, x, b, false);
  if (!isNaN(ls)) return lgammaDiff(c, a) - a * Math.log(x) + ls;
  const k0 = peakIndex(c, b, x);
  return logPoissonPmf(k0, x) + logKummerC(a, b, k0) + Math.log(peakSum(c, b, x, k0));
}

function logAlternating(a: f64, b: f64, z: f64): f64 {
  let t: f64 = 1;
  let s: f64 = 1;
  let tmax: f64 = 1;
  let converged = false;
  for (let k = 0; k < 100000; k++) {
    const fk = <f64>k;
    t *= ((a + fk) * z) / ((b + fk) * (fk + 1));
    s += t;
    const at = Math.abs(t);
    if (at > tmax) tmax = at;
    if (!(at <= 1e300) || !isFinite(s)) break;
    if (at < 1e-17 * Math.abs(s) || t == 0) {
      converged = true;
      break;
    }
  }
  if (!converged || !(4 * 2.220446049250313e-16 * tmax <= 1e-13 * Math.abs(s))) return NaN;
  return s > 0 ? Math.log(s) : NaN;
}

/** log 1F1(a; b; z): a >= 0, b > 0, z finite (NaN otherwise, and where the TS throws RangeError). */
export function logHyp1f1(a: f64, b: f64, z: f64): f64 {
  if (!(a >= 0) || a == Infinity || !(b > 0) || b == Infinity || !isFinite(z)) return NaN;
  if (a == 0 || z == 0) return 0;
  if (nearOne(a, b, z)) return logNearOne(a, b, z);
  if (z > 0) return logPositive(a, b, z);
  if (b >= a) return b == a ? z : logKummerNeg(a, b, -z);
  return logAlternating(a, b, z);
}
