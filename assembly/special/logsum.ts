// Log-space helpers (f64), AssemblyScript port of src/special/logsum.ts. NaN in -> NaN out.

/** log(e^a + e^b). */
export function logAddExp(a: f64, b: f64): f64 {
  if (isNaN(a) || isNaN(b)) return NaN;
  const m = a > b ? a : b;
  if (m == -Infinity) return -Infinity;
  if (m == Infinity) return Infinity;
  const d = a > b ? b - a : a - b;
  return m + Math.log1p(Math.exp(d));
}

/** log(sum_i e^{v_i}) over n f64 values at byte address ptr (max-shift). Empty -> -Infinity. */
export function logSumExp(ptr: usize, n: i32): f64 {
  let m: f64 = -Infinity;
  for (let i = 0; i < n; i++) {
    const v = load<f64>(ptr + (<usize>i << 3));
    if (isNaN(v)) return NaN;
    if (v > m) m = v;
  }
  if (m == -Infinity || m == Infinity) return m;
  let s: f64 = 0;
  for (let i = 0; i < n; i++) s += Math.exp(load<f64>(ptr + (<usize>i << 3)) - m);
  return m + Math.log(s);
}

/** log(1 - e^x), x <= 0 (Maechler 2012). */
export function log1mExp(x: f64): f64 {
  if (!(x <= 0)) return NaN;
  if (x > -Math.LN2) return Math.log(-Math.expm1(x));
  return Math.log1p(-Math.exp(x));
}
