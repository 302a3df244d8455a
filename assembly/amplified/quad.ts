// Adaptive Gauss-Kronrod (G7/K15) quadrature, AssemblyScript port of src/models/amplified/quad.ts
// with the same node order, summation order, worst-panel choice (first strict maximum) and
// stopping rule, so that both give the same panels and the same sums up to libm ulps.
//
// No closures in AssemblyScript: the integrand is chosen by `kind` and reads its parameters from
// module globals (set by the caller before integrate(); see rate.ts). integrate() is reentrant
// (the Eve integrand runs inner window quadratures): panel records live on a bump stack in linear
// memory (scratch.ts); the caller releases them (popTo(mark)) after reading the nodes.

import { push, markStack } from './scratch';
import { integrand } from './rate';

const XGK: StaticArray<f64> = [
  0.991455371120812639206854697526329, 0.949107912342758524526189684047851,
  0.864864423359769072789712788640926, 0.741531185599394439863864773280788,
  0.586087235467691130294144845693013, 0.405845151377397166906606412076961,
  0.207784955007898467600689403773245, 0.0,
];
const WGK: StaticArray<f64> = [
  0.022935322010529224963732008058970, 0.063092092629978553290700663189204,
  0.104790010322250183839876322541518, 0.140653259715525918745189590510238,
  0.169004726639267902826583426598550, 0.190350578064785409913256402421014,
  0.204432940075298892414161999234649, 0.209482141084727828012999174891714,
];
const WG: StaticArray<f64> = [
  0.129484966168869693270611432679082, 0.279705391489276667901467771423780,
  0.381830050505118944950369775488975, 0.417959183673469387755102040816327,
];

// Panel record (f64 slots): a, b, k, err, x[15], fx[15]
const P_A: usize = 0;
const P_B: usize = 8;
const P_K: usize = 16;
const P_ERR: usize = 24;
const P_X: usize = 32;
const P_FX: usize = 32 + 15 * 8;
export const PANEL_BYTES: usize = 32 + 30 * 8;

// Results of the last integrate() call.
export let qValue: f64 = 0;
export let qError: f64 = 0;
export let qEvaluations: f64 = 0;
/** i32[qCount] panel record addresses, in order. */
export let qOrder: usize = 0;
export let qCount: i32 = 0;

function panel(kind: i32, rec: usize, a: f64, b: f64): void {
  const c = 0.5 * (a + b);
  const h = 0.5 * (b - a);
  let k: f64 = 0;
  let g: f64 = 0;
  let o: usize = 0;
  for (let j = 0; j < 8; j++) {
    if (j == 7) {
      const v = integrand(kind, c);
      store<f64>(rec + P_X + (o << 3), c);
      store<f64>(rec + P_FX + (o << 3), v);
      k += unchecked(WGK[7]) * v;
      g += unchecked(WG[3]) * v;
      continue;
    }
    const xl = c - h * unchecked(XGK[j]);
    const xr = c + h * unchecked(XGK[j]);
    const vl = integrand(kind, xl);
    const vr = integrand(kind, xr);
    store<f64>(rec + P_X + (o << 3), xl);
    store<f64>(rec + P_FX + (o << 3), vl);
    store<f64>(rec + P_X + ((o + 1) << 3), xr);
    store<f64>(rec + P_FX + ((o + 1) << 3), vr);
    o += 2;
    k += unchecked(WGK[j]) * (vl + vr);
    if ((j & 1) == 1) g += unchecked(WG[(j - 1) >> 1]) * (vl + vr);
  }
  store<f64>(rec + P_A, a);
  store<f64>(rec + P_B, b);
  store<f64>(rec + P_K, k * h);
  store<f64>(rec + P_ERR, Math.abs((k - g) * h));
}

/**
 * Integrate integrand(kind, .) over [a, b] split at the nb breaks at brk (f64[], any order; those
 * inside (a, b) are used, sorted), bisecting the worst panel until sum err <= max(absTol, relTol |I|)
 * or maxPanels. Results in qValue / qError / qEvaluations / qOrder / qCount (valid until the caller
 * pops the stack below the mark it took before the call).
 */
export function integrate(kind: i32, a: f64, b: f64, brk: usize, nb: i32, absTol: f64, relTol: f64, maxPanels: i32): void {
  // pts = [a, sorted breaks in (a, b), b] (insertion sort: same order as Array.sort((p, q) => p - q))
  const pts = push(<usize>(nb + 2) << 3);
  store<f64>(pts, a);
  let np: i32 = 1;
  for (let i = 0; i < nb; i++) {
    const t = load<f64>(brk + (<usize>i << 3));
    if (!(t > a && t < b)) continue;
    let j = np;
    while (j > 1 && load<f64>(pts + (<usize>(j - 1) << 3)) > t) {
      store<f64>(pts + (<usize>j << 3), load<f64>(pts + (<usize>(j - 1) << 3)));
      j--;
    }
    store<f64>(pts + (<usize>j << 3), t);
    np++;
  }
  store<f64>(pts + (<usize>np << 3), b);
  np++;
  const initial = np - 1;
  const maxRecords = initial + 2 * maxPanels + 2;
  const order = push(<usize>(maxRecords) << 2);
  const recs = push(<usize>maxRecords * PANEL_BYTES);
  let used: i32 = 0;
  let count: i32 = 0;
  for (let i = 0; i + 1 < np; i++) {
    const p0 = load<f64>(pts + (<usize>i << 3));
    const p1 = load<f64>(pts + (<usize>(i + 1) << 3));
    if (p1 > p0) {
      const rec = recs + <usize>used * PANEL_BYTES;
      used++;
      panel(kind, rec, p0, p1);
      store<u32>(order + (<usize>count << 2), <u32>rec);
      count++;
    }
  }
  let evaluations: f64 = <f64>(count * 15);
  for (;;) {
    let total: f64 = 0;
    let err: f64 = 0;
    let worst: i32 = 0;
    let worstErr: f64 = count > 0 ? load<f64>(<usize>load<u32>(order) + P_ERR) : 0;
    for (let i = 0; i < count; i++) {
      const rec = <usize>load<u32>(order + (<usize>i << 2));
      const e = load<f64>(rec + P_ERR);
      total += load<f64>(rec + P_K);
      err += e;
      if (e > worstErr) {
        worst = i;
        worstErr = e;
      }
    }
    if (err <= Math.max(absTol, relTol * Math.abs(total))) break;
    if (count >= maxPanels) break;
    const prec = <usize>load<u32>(order + (<usize>worst << 2));
    const pa = load<f64>(prec + P_A);
    const pb = load<f64>(prec + P_B);
    const m = 0.5 * (pa + pb);
    const left = recs + <usize>used * PANEL_BYTES;
    const right = left + PANEL_BYTES;
    used += 2;
    panel(kind, left, pa, m);
    panel(kind, right, m, pb);
    evaluations += 30;
    // replace order[worst] by (left, right)
    for (let i = count; i > worst + 1; i--) store<u32>(order + (<usize>i << 2), load<u32>(order + (<usize>(i - 1) << 2)));
    store<u32>(order + (<usize>worst << 2), <u32>left);
    store<u32>(order + (<usize>(worst + 1) << 2), <u32>right);
    count++;
  }
  let value: f64 = 0;
  let error: f64 = 0;
  for (let i = 0; i < count; i++) {
    const rec = <usize>load<u32>(order + (<usize>i << 2));
    value += load<f64>(rec + P_K);
    error += load<f64>(rec + P_ERR);
  }
  qValue = value;
  qError = error;
  qEvaluations = evaluations;
  qOrder = order;
  qCount = count;
}

/** Node j (0..14, same order as quad.ts) of the i-th accepted panel of the last integrate(). */
@inline export function nodeX(order: usize, i: i32, j: i32): f64 {
  return load<f64>(<usize>load<u32>(order + (<usize>i << 2)) + P_X + (<usize>j << 3));
}
/** Integrand value at nodeX(order, i, j). */
@inline export function nodeF(order: usize, i: i32, j: i32): f64 {
  return load<f64>(<usize>load<u32>(order + (<usize>i << 2)) + P_FX + (<usize>j << 3));
}
/** K15 weight of node j of the i-th panel: WGK[j == 14 ? 7 : j >> 1] * h. */
@inline export function nodeW(order: usize, i: i32, j: i32): f64 {
  const rec = <usize>load<u32>(order + (<usize>i << 2));
  const h = 0.5 * (load<f64>(rec + P_B) - load<f64>(rec + P_A));
  return unchecked(WGK[j == 14 ? 7 : j >> 1]) * h;
}

export { markStack };
