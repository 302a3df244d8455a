// Scaled / log modified Bessel I0 (f64), AssemblyScript port of src/special/bessel.ts: power series
// for |x| < 25 (DLMF 10.25.2), Hankel asymptotic expansion above (DLMF 10.40.1). NaN -> NaN.

const SWITCH: f64 = 25;
const INV_SQRT_2PI: f64 = 0.3989422804014327;

function i0m1Series(x: f64): f64 {
  const q = 0.25 * x * x;
  let t: f64 = 1;
  let s: f64 = 0;
  for (let k = 1; k < 200; k++) {
    const kk = <f64>k;
    t *= q / (kk * kk);
    s += t;
    if (t < 1e-17 * s) break;
  }
  return s;
}

function hankelSum(x: f64): f64 {
  const r = 1 / (8 * x);
  let t: f64 = 1;
  let s: f64 = 1;
  for (let k = 1; k < 200; k++) {
    const m = <f64>(2 * k - 1);
    const tn = (t * m * m * r) / <f64>k;
    if (tn > t) break;
    t = tn;
    s += t;
    if (t < 1e-17 * s) break;
  }
  return s;
}

/** exp(-|x|) I0(x). */
export function i0e(x: f64): f64 {
  if (isNaN(x)) return NaN;
  const ax = Math.abs(x);
  if (ax < SWITCH) return Math.exp(-ax) * (1 + i0m1Series(ax));
  if (ax == Infinity) return 0;
  return (INV_SQRT_2PI / Math.sqrt(ax)) * hankelSum(ax);
}

/** log I0(x). */
export function logI0(x: f64): f64 {
  if (isNaN(x)) return NaN;
  const ax = Math.abs(x);
  if (ax < SWITCH) return Math.log1p(i0m1Series(ax));
  if (ax == Infinity) return Infinity;
  return ax + Math.log((INV_SQRT_2PI / Math.sqrt(ax)) * hankelSum(ax));
}
