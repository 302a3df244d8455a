// Regularised incomplete gamma P, Q, their logs, and the Poisson window (f64). AssemblyScript port
// of src/special/incgamma.ts -- same methods and switch points (series DLMF 8.11.4; Legendre
// continued fraction DLMF 8.9.2 / Numerical Recipes 6.2; small-a Q of DiDonato & Morris 1986 Eq. 15;
// Temme's uniform expansion for a >= 20, -0.4 <= (x-a)/a <= 0.6, DLMF 8.12.3-4). Bad args -> NaN.
import { LOG_SQRT_2PI, lgammaPos, lgamma1pImpl, log1pmxImpl, stirlingCorrImpl } from './gamma';
import { log1mExp } from './logsum';
import { erfcx } from './erf';
import { TEMME_K, TEMME_OFF, TEMME_FLAT } from './incgamma-temme';

const TEMME_MIN_A: f64 = 20;
const TEMME_SIGMA_LO: f64 = -0.4;
const TEMME_SIGMA_HI: f64 = 0.6;
const INV_SQRT_2PI: f64 = 0.3989422804014327;

/** Set by core(): whether core's returned log is log Q (else log P). */
let coreIsQ: bool = false;

/** log( x^a e^{-x} / Gamma(a) ). */
export function logGammaPrefix(a: f64, x: f64): f64 {
  if (a < 10) return a * Math.log(x) - x - lgammaPos(a);
  const t = (x - a) / a;
  const main = t > -0.5 && t < 1 ? a * log1pmxImpl(t) : a * Math.log(x / a) - (x - a);
  return main + 0.5 * Math.log(a) - LOG_SQRT_2PI - stirlingCorrImpl(a);
}

function logPSeries(a: f64, x: f64): f64 {
  let term: f64 = 1;
  let sum: f64 = 1;
  for (let n = 1; n < 1000000; n++) {
    term *= x / (a + <f64>n);
    sum += term;
    if (term < 1e-17 * sum) break;
  }
  return logGammaPrefix(a, x) - Math.log(a) + Math.log(sum);
}

function logQCF(a: f64, x: f64): f64 {
  const tiny: f64 = 1e-300;
  let b = x + 1 - a;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 1000000; i++) {
    const fi = <f64>i;
    const an = -fi * (fi - a);
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

function qSmallA(a: f64, x: f64): f64 {
  const la = a * Math.log(x) - lgamma1pImpl(a);
  const u = Math.expm1(la);
  let p: f64 = 1;
  let s: f64 = 0;
  for (let n = 1; n < 200; n++) {
    const fn = <f64>n;
    p *= -x / fn;
    const t = p / (a + fn);
    s += t;
    if (Math.abs(t) < 1e-17 * Math.abs(s)) break;
  }
  return -u - (u + 1) * a * s;
}

function temme(a: f64, x: f64): f64 {
  const sigma = (x - a) / a;
  const phi = -log1pmxImpl(sigma);
  const y = a * phi;
  const eta = sigma < 0 ? -Math.sqrt(2 * phi) : Math.sqrt(2 * phi);
  const ia = 1 / a;
  let sum: f64 = 0;
  for (let k = TEMME_K - 1; k >= 0; k--) {
    const lo = unchecked(TEMME_OFF[k]);
    let p: f64 = 0;
    for (let j = unchecked(TEMME_OFF[k + 1]) - 1; j >= lo; j--) p = p * eta + unchecked(TEMME_FLAT[j]);
    sum = sum * ia + p;
  }
  const r = sum * INV_SQRT_2PI * Math.sqrt(ia);
  const half = 0.5 * erfcx(Math.sqrt(y));
  if (sigma >= 0) {
    coreIsQ = true;
    return -y + Math.log(half + r);
  }
  coreIsQ = false;
  return -y + Math.log(half - r);
}

/** log of the directly computed one of P, Q (coreIsQ says which); a > 0, x > 0 finite. */
function core(a: f64, x: f64): f64 {
  if (a >= TEMME_MIN_A) {
    const sigma = (x - a) / a;
    if (sigma >= TEMME_SIGMA_LO && sigma <= TEMME_SIGMA_HI) return temme(a, x);
  }
  if (x < a + 1) {
    if (a < 1) {
      const q = qSmallA(a, x);
      if (q < 0.5) {
        coreIsQ = true;
        return Math.log(q);
      }
    }
    coreIsQ = false;
    return logPSeries(a, x);
  }
  coreIsQ = true;
  return logQCF(a, x);
}

function badAX(a: f64, x: f64): bool {
  return !(a > 0) || a == Infinity || !(x >= 0);
}

/** Regularised lower incomplete gamma P(a, x). */
export function gammaP(a: f64, x: f64): f64 {
  if (badAX(a, x)) return NaN;
  if (x == 0) return 0;
  if (x == Infinity) return 1;
  const lv = core(a, x);
  return coreIsQ ? -Math.expm1(lv) : Math.exp(lv);
}

/** Regularised upper incomplete gamma Q(a, x). */
export function gammaQ(a: f64, x: f64): f64 {
  if (badAX(a, x)) return NaN;
  if (x == 0) return 1;
  if (x == Infinity) return 0;
  const lv = core(a, x);
  return coreIsQ ? Math.exp(lv) : -Math.expm1(lv);
}

/** log P(a, x). */
export function logGammaP(a: f64, x: f64): f64 {
  if (badAX(a, x)) return NaN;
  if (x == 0) return -Infinity;
  if (x == Infinity) return 0;
  const lv = core(a, x);
  return coreIsQ ? log1mExp(Math.min(lv, 0)) : lv;
}

/** log Q(a, x). */
export function logGammaQ(a: f64, x: f64): f64 {
  if (badAX(a, x)) return NaN;
  if (x == 0) return 0;
  if (x == Infinity) return -Infinity;
  const lv = core(a, x);
  return coreIsQ ? lv : log1mExp(Math.min(lv, 0));
}

/** P(lo <= k <= hi), k ~ Poisson(mean), real edges: Q(hi+1, mean) - Q(lo, mean) (SPEC 3.2). */
export function poissonCdfWindow(lo: f64, hi: f64, mean: f64): f64 {
  if (isNaN(lo) || isNaN(hi) || !(mean >= 0) || mean == Infinity) return NaN;
  if (hi < lo) return 0;
  const a2 = hi + 1;
  if (a2 <= 0) return 0;
  if (mean == 0) return lo <= 0 ? 1 : 0;
  if (lo <= 0) return a2 == Infinity ? 1 : gammaQ(a2, mean);
  if (a2 == Infinity) return gammaP(lo, mean);
  const l2 = core(a2, mean);
  const q2isQ = coreIsQ;
  const l1 = core(lo, mean);
  const q1isQ = coreIsQ;
  const q2 = q2isQ ? Math.exp(l2) : -Math.expm1(l2);
  const q1 = q1isQ ? Math.exp(l1) : -Math.expm1(l1);
  if (q1 > 0.5 && q2 > 0.5) {
    const p1 = q1isQ ? -Math.expm1(l1) : Math.exp(l1);
    const p2 = q2isQ ? -Math.expm1(l2) : Math.exp(l2);
    return Math.max(p1 - p2, 0);
  }
  return Math.max(q2 - q1, 0);
}
