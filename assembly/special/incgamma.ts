// Regularised incomplete gamma P, Q, their logs, and the Poisson window (f64). AssemblyScript port
// of src/special/incgamma.ts -- same methods and switch points (series DLMF 8.11.4; Legendre
// continued fraction DLMF 8.9.2 / Numerical Recipes 6.2; small-a Q of DiDonato & Morris 1986 Eq. 15;
// Temme's uniform expansion for a >= 20, -0.4 <= (x-a)/a <= 0.6, DLMF 8.12.3-4). Bad args -> NaN.
import { LOG_SQRT_2PI, lgammaPos, lgamma1pImpl, log1pmxImpl, stirlingCorrImpl } from './gamma';
import { log1mExp } from './logsum';
import { erfcx } from './erf';
import { TEMME_K, TEMME_OFF, TEMME_FLAT } from './incgamma-temme';
import { TEMME_PAIRS } from './incgamma-temme-pairs';

// temme() below unrolls the rows: it needs TEMME_K = 13 rows of 30 coefficients each.
if (TEMME_K != 13 || unchecked(TEMME_OFF[13]) != 390) unreachable();

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
  // The 13 rows (30 coefficients each, TEMME_OFF[k] = 30 k) are evaluated by Horner's rule as
  // interleaved independent chains, so the CPU overlaps them instead of waiting on one mul-add chain
  // of 390 steps: in the SIMD build as 7 f64x2 chains (rows 2m, 2m+1 per vector, coefficients from
  // TEMME_PAIRS), else as 13 scalar chains. Every row sees exactly the operations of the row-by-row
  // loop of src/special/incgamma.ts in the same order (f64x2 mul/add round like scalar ones; Wasm
  // has no FMA), so both builds give bit-identical results.
  let sum: f64 = 0;
  if (ASC_FEATURE_SIMD) {
    const e2 = f64x2.splat(eta);
    const base = changetype<usize>(TEMME_PAIRS);
    let v0 = f64x2.splat(0);
    let v1 = f64x2.splat(0);
    let v2 = f64x2.splat(0);
    let v3 = f64x2.splat(0);
    let v4 = f64x2.splat(0);
    let v5 = f64x2.splat(0);
    let v6 = f64x2.splat(0);
    for (let j = 29; j >= 0; j--) {
      const o = base + (<usize>j << 4);
      v0 = f64x2.add(f64x2.mul(v0, e2), v128.load(o, 0));
      v1 = f64x2.add(f64x2.mul(v1, e2), v128.load(o, 480));
      v2 = f64x2.add(f64x2.mul(v2, e2), v128.load(o, 960));
      v3 = f64x2.add(f64x2.mul(v3, e2), v128.load(o, 1440));
      v4 = f64x2.add(f64x2.mul(v4, e2), v128.load(o, 1920));
      v5 = f64x2.add(f64x2.mul(v5, e2), v128.load(o, 2400));
      v6 = f64x2.add(f64x2.mul(v6, e2), v128.load(o, 2880));
    }
    sum = sum * ia + f64x2.extract_lane(v6, 0);
    sum = sum * ia + f64x2.extract_lane(v5, 1);
    sum = sum * ia + f64x2.extract_lane(v5, 0);
    sum = sum * ia + f64x2.extract_lane(v4, 1);
    sum = sum * ia + f64x2.extract_lane(v4, 0);
    sum = sum * ia + f64x2.extract_lane(v3, 1);
    sum = sum * ia + f64x2.extract_lane(v3, 0);
    sum = sum * ia + f64x2.extract_lane(v2, 1);
    sum = sum * ia + f64x2.extract_lane(v2, 0);
    sum = sum * ia + f64x2.extract_lane(v1, 1);
    sum = sum * ia + f64x2.extract_lane(v1, 0);
    sum = sum * ia + f64x2.extract_lane(v0, 1);
    sum = sum * ia + f64x2.extract_lane(v0, 0);
  } else {
    let p0: f64 = 0;
    let p1: f64 = 0;
    let p2: f64 = 0;
    let p3: f64 = 0;
    let p4: f64 = 0;
    let p5: f64 = 0;
    let p6: f64 = 0;
    let p7: f64 = 0;
    let p8: f64 = 0;
    let p9: f64 = 0;
    let p10: f64 = 0;
    let p11: f64 = 0;
    let p12: f64 = 0;
    for (let j = 29; j >= 0; j--) {
      p0 = p0 * eta + unchecked(TEMME_FLAT[0 + j]);
      p1 = p1 * eta + unchecked(TEMME_FLAT[30 + j]);
      p2 = p2 * eta + unchecked(TEMME_FLAT[60 + j]);
      p3 = p3 * eta + unchecked(TEMME_FLAT[90 + j]);
      p4 = p4 * eta + unchecked(TEMME_FLAT[120 + j]);
      p5 = p5 * eta + unchecked(TEMME_FLAT[150 + j]);
      p6 = p6 * eta + unchecked(TEMME_FLAT[180 + j]);
      p7 = p7 * eta + unchecked(TEMME_FLAT[210 + j]);
      p8 = p8 * eta + unchecked(TEMME_FLAT[240 + j]);
      p9 = p9 * eta + unchecked(TEMME_FLAT[270 + j]);
      p10 = p10 * eta + unchecked(TEMME_FLAT[300 + j]);
      p11 = p11 * eta + unchecked(TEMME_FLAT[330 + j]);
      p12 = p12 * eta + unchecked(TEMME_FLAT[360 + j]);
    }
    sum = sum * ia + p12;
    sum = sum * ia + p11;
    sum = sum * ia + p10;
    sum = sum * ia + p9;
    sum = sum * ia + p8;
    sum = sum * ia + p7;
    sum = sum * ia + p6;
    sum = sum * ia + p5;
    sum = sum * ia + p4;
    sum = sum * ia + p3;
    sum = sum * ia + p2;
    sum = sum * ia + p1;
    sum = sum * ia + p0;
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
