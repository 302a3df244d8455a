// Error functions (f64), AssemblyScript port of src/special/erf.ts (Maclaurin series |x| < 0.5,
// DLMF 7.6.1; 0.5 <= x < 6 Taylor series about tabulated centres 1/2 + j/8 with coefficients from the
// ODE y' = 2xy - 2/sqrt(pi), DLMF 7.10.1; x >= 6 Laplace continued fraction, DLMF 7.9.2;
// Dekker-split exp(-x^2)). NaN -> NaN.
import { ERFCX_CENTRES } from './erfcx-table';

const TWO_OVER_SQRT_PI: f64 = 1.1283791670955126;
const INV_SQRT_PI: f64 = 0.5641895835477563;

function erfSeries(x: f64): f64 {
  const x2 = x * x;
  let term = x;
  let s = x;
  for (let n = 1; n < 60; n++) {
    term *= -x2 / <f64>n;
    const t = term / <f64>(2 * n + 1);
    s += t;
    if (Math.abs(t) < 1e-17 * Math.abs(s)) break;
  }
  return TWO_OVER_SQRT_PI * s;
}

/** erfcx for x >= 0.5 (modified Lentz). */
export function erfcxCF(x: f64): f64 {
  if (x < 6) {
    const j = <i32>Math.round((x - 0.5) * 8);
    const c = 0.5 + <f64>j * 0.125;
    const h = x - c;
    let am1 = unchecked(ERFCX_CENTRES[j]);
    let a = 2 * c * am1 - TWO_OVER_SQRT_PI;
    let s = am1 + a * h;
    let hp = h;
    for (let n = 1; n < 40; n++) {
      const an = (2 * c * a + 2 * am1) / <f64>(n + 1);
      am1 = a;
      a = an;
      hp *= h;
      const t = a * hp;
      s += t;
      if (Math.abs(t) < 1e-17 * s) break;
    }
    return s;
  }
  if (x > 1e8) {
    const r = 1 / (x * x);
    return (INV_SQRT_PI / x) * (1 - 0.5 * r);
  }
  const tiny: f64 = 1e-300;
  let f = x;
  let C = x;
  let D: f64 = 0;
  for (let n = 1; n < 5000; n++) {
    const a = 0.5 * <f64>n;
    D = x + a * D;
    if (D == 0) D = tiny;
    D = 1 / D;
    C = x + a / C;
    if (C == 0) C = tiny;
    const delta = C * D;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return INV_SQRT_PI / f;
}

function expSq(x: f64, s: f64): f64 {
  const c = 134217729 * x;
  const hi = c - (c - x);
  const lo = x - hi;
  const big = hi * hi;
  const small = 2 * hi * lo + lo * lo;
  return Math.exp(s * big) * Math.exp(s * small);
}

/** exp(x^2) erfc(x). */
export function erfcx(x: f64): f64 {
  if (isNaN(x)) return NaN;
  if (x >= 0.5) return erfcxCF(x);
  if (x >= 0) return expSq(x, 1) * (1 - erfSeries(x));
  if (x > -0.5) return expSq(x, 1) * (1 + erfSeries(-x));
  if (x < -26.7) return Infinity;
  return 2 * expSq(x, 1) - erfcxCF(-x);
}

/** erfc(x) = 1 - erf(x). */
export function erfc(x: f64): f64 {
  if (isNaN(x)) return NaN;
  if (x >= 0.5) {
    if (x > 27.3) return 0;
    return erfcxCF(x) * expSq(x, -1);
  }
  if (x > -0.5) return 1 - erfSeries(x);
  if (x < -6) return 2;
  return 2 - erfcxCF(-x) * expSq(x, -1);
}

/** erf(x). */
export function erf(x: f64): f64 {
  if (isNaN(x)) return NaN;
  if (Math.abs(x) < 0.5) return erfSeries(x);
  if (x > 6) return 1;
  if (x < -6) return -1;
  const c = erfcxCF(Math.abs(x)) * expSq(x, -1);
  return x > 0 ? 1 - c : c - 1;
}

const GL10_X: StaticArray<f64> = [0.14887433898163122, 0.4333953941292472, 0.6794095682990244, 0.8650633666889845, 0.9739065285171717];
const GL10_W: StaticArray<f64> = [0.2955242247147528, 0.2692667193099965, 0.219086362515982, 0.1494513491505804, 0.06667134430868814];

/** log(erf(a) - erf(b)), a >= b (src/special/erf.ts logErfDiff: Gauss-Legendre on narrow intervals, erfcx in the tails). */
export function logErfDiff(a: f64, b: f64, width: f64): f64 {
  if (isNaN(a) || isNaN(b) || isNaN(width) || width < 0) return NaN;
  if (width == 0) return -Infinity;
  const h = width;
  if (h * Math.max(1, Math.max(Math.abs(a), Math.abs(b))) <= 0.5) {
    const t0: f64 = b > 0 ? b : a < 0 ? a : 0;
    const m = b + 0.5 * h;
    const w = 0.5 * h;
    let s: f64 = 0;
    for (let i = 0; i < 5; i++) {
      const u = m + w * unchecked(GL10_X[i]);
      const v = m - w * unchecked(GL10_X[i]);
      s += unchecked(GL10_W[i]) * (Math.exp((t0 - u) * (t0 + u)) + Math.exp((t0 - v) * (t0 + v)));
    }
    return -t0 * t0 + Math.log(TWO_OVER_SQRT_PI * w * s);
  }
  if (b > 0) return -b * b + Math.log(erfcx(b) - erfcx(a) * Math.exp(-h * (a + b)));
  if (a < 0) return -a * a + Math.log(erfcx(-a) - erfcx(-b) * Math.exp(h * (a + b)));
  return Math.log(erf(a) - erf(b));
}

/** log erfc(x), all x. */
export function logErfc(x: f64): f64 {
  if (isNaN(x)) return NaN;
  if (x >= 0.5) {
    if (x == Infinity) return -Infinity;
    return Math.log(erfcxCF(x)) - x * x;
  }
  if (x >= 0) return Math.log1p(-erfSeries(x));
  return Math.LN2 + Math.log1p(-0.5 * erfc(-x));
}
