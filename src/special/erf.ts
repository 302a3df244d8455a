/**
 * Error functions (f64): erf, erfc, erfcx(x) = exp(x^2) erfc(x), logErfc.
 *
 * Methods (switch points):
 *  - |x| < 0.5: Maclaurin series erf(x) = 2/sqrt(pi) sum (-1)^n x^(2n+1) / (n! (2n+1))  (DLMF 7.6.1);
 *               erfc = 1 - erf (erfc >= 0.47, no cancellation).
 *  - 0.5 <= x < 6: Taylor series of erfcx about the nearest centre c = 1/2 + j/8 (|h| <= 1/16),
 *               erfcx(c) tabulated (erfcx-table.ts, mpmath), higher coefficients from the ODE
 *               y' = 2 x y - 2/sqrt(pi): a_{n+1} = (2 c a_n + 2 a_{n-1}) / (n + 1) (DLMF 7.10.1).
 *  - x >= 6:    Laplace continued fraction (DLMF 7.9.2)
 *               sqrt(pi) erfcx(x) = 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + ...)))), modified Lentz;
 *               erfc = erfcx * exp(-x^2) with x^2 split exactly (Dekker) so exp(-x^2) keeps full
 *               relative accuracy deep in the tail.
 *  - x < 0:     erfc(x) = 2 - erfc(-x), erfcx(x) = 2 exp(x^2) - erfcx(-x).
 */
import { notNaN } from './args.js';
import { ERFCX_CENTRES } from './erfcx-table.js';

const TWO_OVER_SQRT_PI = 1.1283791670955126;
const INV_SQRT_PI = 0.5641895835477563;

function erfSeries(x: number): number {
  const x2 = x * x;
  let term = x;
  let s = x;
  for (let n = 1; n < 60; n++) {
    term *= -x2 / n;
    const t = term / (2 * n + 1);
    s += t;
    if (Math.abs(t) < 1e-17 * Math.abs(s)) break;
  }
  return TWO_OVER_SQRT_PI * s;
}

/** erfcx for x >= 0.5: Taylor about tabulated centres below 6, continued fraction above. */
function erfcxCF(x: number): number {
  if (x < 6) {
    const j = Math.round((x - 0.5) * 8);
    const c = 0.5 + j * 0.125;
    const h = x - c; // exact (Sterbenz)
    let am1 = ERFCX_CENTRES[j];
    let a = 2 * c * am1 - TWO_OVER_SQRT_PI;
    let s = am1 + a * h;
    let hp = h;
    for (let n = 1; n < 40; n++) {
      const an = (2 * c * a + 2 * am1) / (n + 1);
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
    // Asymptotic erfcx(x) = 1/(x sqrt(pi)) (1 - 1/(2x^2) + ...), DLMF 7.12.1; terms below eps.
    const r = 1 / (x * x);
    return (INV_SQRT_PI / x) * (1 - 0.5 * r);
  }
  const tiny = 1e-300;
  let f = x;
  let C = x;
  let D = 0;
  for (let n = 1; n < 5000; n++) {
    const a = 0.5 * n;
    D = x + a * D;
    if (D === 0) D = tiny;
    D = 1 / D;
    C = x + a / C;
    if (C === 0) C = tiny;
    const delta = C * D;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return INV_SQRT_PI / f;
}

/** exp(s * x^2) with x^2 formed exactly as hi^2 + (2 hi lo + lo^2) (Dekker split), s = +-1. */
function expSq(x: number, s: number): number {
  const c = 134217729 * x;
  const hi = c - (c - x);
  const lo = x - hi;
  const big = hi * hi;
  const small = 2 * hi * lo + lo * lo;
  return Math.exp(s * big) * Math.exp(s * small);
}

/** Scaled complementary error function exp(x^2) erfc(x). */
export function erfcx(x: number): number {
  notNaN('erfcx', 'x', x);
  if (x >= 0.5) return erfcxCF(x);
  if (x >= 0) return expSq(x, 1) * (1 - erfSeries(x));
  if (x > -0.5) return expSq(x, 1) * (1 + erfSeries(-x));
  if (x < -26.7) return Infinity;
  return 2 * expSq(x, 1) - erfcxCF(-x);
}

/** Complementary error function erfc(x) = 1 - erf(x). */
export function erfc(x: number): number {
  notNaN('erfc', 'x', x);
  if (x >= 0.5) {
    if (x > 27.3) return 0; // erfc(27.3) < 2^-1074
    return erfcxCF(x) * expSq(x, -1);
  }
  if (x > -0.5) return 1 - erfSeries(x);
  if (x < -6) return 2;
  return 2 - erfcxCF(-x) * expSq(x, -1);
}

/** Error function. */
export function erf(x: number): number {
  notNaN('erf', 'x', x);
  if (Math.abs(x) < 0.5) return erfSeries(x);
  if (x > 6) return 1;
  if (x < -6) return -1;
  const c = erfcxCF(Math.abs(x)) * expSq(x, -1);
  return x > 0 ? 1 - c : c - 1;
}

// 10-point Gauss-Legendre on [-1, 1], positive half (numpy.polynomial.legendre.leggauss(10))
const GL10_X = [0.14887433898163122, 0.4333953941292472, 0.6794095682990244, 0.8650633666889845, 0.9739065285171717];
const GL10_W = [0.2955242247147528, 0.2692667193099965, 0.219086362515982, 0.1494513491505804, 0.06667134430868814];

/**
 * log(erf(a) - erf(b)) for a >= b, to full relative accuracy of the difference and beyond the f64
 * range of its value (the phase encoding's narrow or far windows, Eq. 132 / 143): on a narrow
 * interval (width max(1, |a|, |b|) <= 1/2, where subtracting two erf or erfc values would cancel)
 * (2/sqrt(pi)) int_b^a exp(-t^2) dt by 10-point Gauss-Legendre relative to exp(-t0^2) at the point
 * t0 nearest 0 (the integrand is a polynomial of degree 19 to below 1e-16 there); in a tail,
 * exp(-b^2) (erfcx(b) - erfcx(a) exp(-(a - b)(a + b))); otherwise log(erf(a) - erf(b)).
 * `width` is a - b as the caller can form it without cancellation (e.g. from a window's width;
 * default a - b): on a narrow interval the result is only as accurate as the width. -Infinity for
 * width 0.
 */
export function logErfDiff(a: number, b: number, width: number = a - b): number {
  notNaN('logErfDiff', 'a', a);
  notNaN('logErfDiff', 'b', b);
  notNaN('logErfDiff', 'width', width);
  if (!(width >= 0)) throw new RangeError(`logErfDiff: argument width = ${width} is invalid (allowed: >= 0, a >= b)`);
  if (width === 0) return -Infinity;
  const h = width;
  if (h * Math.max(1, Math.abs(a), Math.abs(b)) <= 0.5) {
    const t0 = b > 0 ? b : a < 0 ? a : 0;
    const m = b + 0.5 * h;
    const w = 0.5 * h;
    let s = 0;
    for (let i = 0; i < 5; i++) {
      const u = m + w * GL10_X[i]!;
      const v = m - w * GL10_X[i]!;
      s += GL10_W[i]! * (Math.exp((t0 - u) * (t0 + u)) + Math.exp((t0 - v) * (t0 + v)));
    }
    return -t0 * t0 + Math.log(TWO_OVER_SQRT_PI * w * s);
  }
  if (b > 0) return -b * b + Math.log(erfcx(b) - erfcx(a) * Math.exp(-h * (a + b)));
  if (a < 0) return -a * a + Math.log(erfcx(-a) - erfcx(-b) * Math.exp(h * (a + b)));
  return Math.log(erf(a) - erf(b));
}

/** log(erfc(x)), valid for all x (large positive x via erfcx; negative x via log1p). */
export function logErfc(x: number): number {
  notNaN('logErfc', 'x', x);
  if (x >= 0.5) {
    if (x === Infinity) return -Infinity;
    return Math.log(erfcxCF(x)) - x * x;
  }
  if (x >= 0) return Math.log1p(-erfSeries(x));
  // erfc(x) = 2 - erfc(-x) = 2 (1 - erfc(-x)/2)
  return Math.LN2 + Math.log1p(-0.5 * erfc(-x));
}
