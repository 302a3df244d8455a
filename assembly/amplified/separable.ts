// AssemblyScript twin of the 'pn-separable' kernel (src/kernels/pn-separable/spec.ts; the TS twin
// src/kernels/pn-separable/reference.ts is the truth and this file repeats it loop by loop): the
// exact photon-number Lf/L of [A] (Supplementary Note 4, Eqs. 94-96, 100-104, 113-116, 7) on fixed
// composite Gauss-Legendre node sets, each special function evaluated once per node:
//   outer |alpha| nodes (Rician w_a, Eq. 100), the Rician kernel of Eq. 101 on each node's |beta| band,
//   Bob's window probabilities W_b through product-quadrature weights (edge zones only), Eve's Fock
//   weights by the Poisson recurrence (Eq. 104), chi (Eqs. 113-116).
// Temporaries live on the bump stack of scratch.ts (the caller pops them).

import { gammaP, gammaQ, poissonCdfWindow } from '../special/incgamma';
import { i0e } from '../special/bessel';
import { logPoissonPmf } from '../special/poisson';
import { LOG_SQRT_2PI, log1pmxImpl, stirlingCorrImpl } from '../special/gamma';
import { holevoTerm, mutualInformationBits } from '../special/entropy';
import { push } from './scratch';

const PN_SD: f64 = 9; // spec.ts PN_SD
const PN_ZONE: f64 = 10; // spec.ts PN_ZONE
const PN_MAX_WORK: f64 = 4e7; // spec.ts PN_MAX_WORK
const PN_ALPHA: f64 = 3; // spec.ts PN_ALPHA
const PN_LATTICE: f64 = 1.5; // spec.ts PN_LATTICE
const PN_LATTICE_AGREE: f64 = 1e-10; // spec.ts PN_LATTICE_AGREE

const GL16_X: StaticArray<f64> = [
  -0.9894009349916499, -0.9445750230732326, -0.8656312023878318, -0.755404408355003, -0.6178762444026438,
  -0.45801677765722737, -0.2816035507792589, -0.09501250983763744, 0.09501250983763744, 0.2816035507792589,
  0.45801677765722737, 0.6178762444026438, 0.755404408355003, 0.8656312023878318, 0.9445750230732326,
  0.9894009349916499,
];
const GL16_W: StaticArray<f64> = [
  0.027152459411754176, 0.062253523938647456, 0.0951585116824926, 0.12462897125553407, 0.1495959888165767,
  0.16915651939500265, 0.18260341504492364, 0.18945061045506864, 0.18945061045506864, 0.18260341504492364,
  0.16915651939500265, 0.1495959888165767, 0.12462897125553407, 0.0951585116824926, 0.062253523938647456,
  0.027152459411754176,
];
const GL16_B: StaticArray<f64> = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
let glReady = false;
function initGL(): void {
  if (glReady) return;
  for (let k = 0; k < 16; k++) {
    let p: f64 = 1;
    for (let j = 0; j < 16; j++) if (j != k) p *= unchecked(GL16_X[k]) - unchecked(GL16_X[j]);
    unchecked((GL16_B[k] = 1 / p));
  }
  glReady = true;
}

// ---- results (read by rate.ts) ----
export let sepPCheck: f64 = 0;
export let sepIAB: f64 = 0;
export let sepChi: f64 = 0;
export let sepEvaluations: f64 = 0;
export let sepBobDiff: f64 = 0;
export let sepClamped: f64 = 0;
/** true when the node counts exceed PN_MAX_WORK (the TS twin throws a RangeError) */
export let sepTooMuch = false;

// ---- small interval lists: [start, end) pairs, merged ----
const zA: StaticArray<f64> = [0, 0, 0, 0];
const zB: StaticArray<f64> = [0, 0, 0, 0];
const zM: StaticArray<i32> = [0, 0, 0, 0];
let zN: i32 = 0;
const ivA: StaticArray<f64> = [0, 0, 0, 0];
const ivB: StaticArray<f64> = [0, 0, 0, 0];
let ivN: i32 = 0;
const zrA: StaticArray<f64> = [0, 0, 0, 0];
const zrB: StaticArray<f64> = [0, 0, 0, 0];
let zrN: i32 = 0;
const cuts: StaticArray<f64> = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
const lag: StaticArray<f64> = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];

const mDummy: StaticArray<i32> = [0, 0, 0, 0];

/** Insertion-sort the n pairs (a, b, m) by a and merge overlaps in place; returns the merged count. */
function mergeInPlace(a: StaticArray<f64>, b: StaticArray<f64>, m: StaticArray<i32>, n: i32): i32 {
  for (let i = 1; i < n; i++) {
    const xa = unchecked(a[i]);
    const xb = unchecked(b[i]);
    const xm = unchecked(m[i]);
    let j = i - 1;
    while (j >= 0 && unchecked(a[j]) > xa) {
      unchecked((a[j + 1] = unchecked(a[j])));
      unchecked((b[j + 1] = unchecked(b[j])));
      unchecked((m[j + 1] = unchecked(m[j])));
      j--;
    }
    unchecked((a[j + 1] = xa));
    unchecked((b[j + 1] = xb));
    unchecked((m[j + 1] = xm));
  }
  let k: i32 = 0;
  for (let i = 0; i < n; i++) {
    if (!(unchecked(b[i]) > unchecked(a[i]))) continue;
    if (k > 0 && unchecked(a[i]) <= unchecked(b[k - 1])) {
      const bk = unchecked(b[k - 1]);
      const bi = unchecked(b[i]);
      const mk = unchecked(m[k - 1]);
      const mi = unchecked(m[i]);
      unchecked((b[k - 1] = max(bk, bi)));
      unchecked((m[k - 1] = mk | mi));
    } else {
      unchecked((a[k] = unchecked(a[i])));
      unchecked((b[k] = unchecked(b[i])));
      unchecked((m[k] = unchecked(m[i])));
      k++;
    }
  }
  return k;
}

function addZone(e: f64, bit: i32): void {
  if (!(e > 0)) return;
  unchecked((zA[zN] = Math.sqrt(max<f64>(0, e - PN_ZONE * Math.sqrt(e) - PN_ZONE))));
  unchecked((zB[zN] = Math.sqrt(e + PN_ZONE * Math.sqrt(e) + PN_ZONE)));
  unchecked((zM[zN] = 1 << bit));
  zN++;
}

/** Edge mask of the zone holding x, or -1 outside every zone. */
function zoneMask(x: f64): i32 {
  for (let j = 0; j < zN; j++) if (x >= unchecked(zA[j]) && x <= unchecked(zB[j])) return unchecked(zM[j]);
  return -1;
}

function inZr(x: f64): bool {
  for (let j = 0; j < zrN; j++) if (x >= unchecked(zrA[j]) && x <= unchecked(zrB[j])) return true;
  return false;
}

/**
 * buildPanels (reference.ts) over ivA/ivB with the zones zrA/zrB when useZr: writes [u, v] pairs at
 * dst when dst != 0; returns the panel count.
 */
function buildPanels(useZr: bool, hIn: f64, hOut: f64, dst: usize): i32 {
  let count: i32 = 0;
  for (let i = 0; i < ivN; i++) {
    const a = unchecked(ivA[i]);
    const b = unchecked(ivB[i]);
    let nc: i32 = 0;
    unchecked((cuts[nc++] = a));
    if (useZr) {
      for (let j = 0; j < zrN; j++) {
        if (unchecked(zrA[j]) > a && unchecked(zrA[j]) < b) unchecked((cuts[nc++] = unchecked(zrA[j])));
        if (unchecked(zrB[j]) > a && unchecked(zrB[j]) < b) unchecked((cuts[nc++] = unchecked(zrB[j])));
      }
    }
    unchecked((cuts[nc++] = b));
    for (let p = 1; p < nc; p++) {
      const x = unchecked(cuts[p]);
      let q = p - 1;
      while (q >= 0 && unchecked(cuts[q]) > x) {
        unchecked((cuts[q + 1] = unchecked(cuts[q])));
        q--;
      }
      unchecked((cuts[q + 1] = x));
    }
    for (let j = 0; j + 1 < nc; j++) {
      const u = unchecked(cuts[j]);
      const v = unchecked(cuts[j + 1]);
      if (!(v > u)) continue;
      const h = useZr && inZr(0.5 * (u + v)) ? hIn : hOut;
      const m = <i32>max<f64>(1, Math.ceil((v - u) / h - 1e-9));
      if (dst != 0) {
        for (let k = 0; k < m; k++) {
          const o = dst + (<usize>(2 * (count + k)) << 3);
          store<f64>(o, u + ((v - u) * <f64>k) / <f64>m);
          store<f64>(o, k + 1 == m ? v : u + ((v - u) * <f64>(k + 1)) / <f64>m, 8);
        }
      }
      count += m;
    }
  }
  return count;
}

// Hankel coefficients ((2k-1)!!)^2 / (k! 8^k), k = 0..14 (reference.ts HANKEL_C, same recurrence)
const HANKEL_C: StaticArray<f64> = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
const HANKEL_Z: f64 = 40;
let hankelReady = false;
function initHankel(): void {
  if (hankelReady) return;
  unchecked((HANKEL_C[0] = 1));
  for (let k = 1; k < 15; k++) unchecked((HANKEL_C[k] = (unchecked(HANKEL_C[k - 1]) * <f64>(2 * k - 1) * <f64>(2 * k - 1)) / <f64>(8 * k)));
  hankelReady = true;
}

@inline function rician(x: f64, nu: f64, S: f64): f64 {
  return ((2 * x) / S) * Math.exp(-((x - nu) * (x - nu)) / S) * i0e((2 * x * nu) / S);
}

/** windowActive (reference.ts): W with only the edges in `act` varying. */
function windowActive(act: i32, lo: f64, hi: f64, x: f64): f64 {
  if (act == 3) return poissonCdfWindow(lo, hi, x);
  if (act == 1) return lo <= 0 ? 1 : gammaP(lo, x);
  return gammaQ(hi + 1, x);
}

@inline function ld(p: usize, i: i32): f64 {
  return load<f64>(p + (<usize>i << 3));
}
@inline function st(p: usize, i: i32, v: f64): void {
  store<f64>(p + (<usize>i << 3), v);
}

function zeros(n: i32): usize {
  const p = push(<usize>max(n, 1) << 3);
  memory.fill(p, 0, <usize>max(n, 1) << 3);
  return p;
}

@inline function bandLo(lam: f64): f64 {
  return max<f64>(0, Math.floor(lam - PN_ZONE * Math.sqrt(lam) - PN_ZONE));
}
@inline function bandHi(lam: f64): f64 {
  return Math.ceil(lam + PN_ZONE * Math.sqrt(lam) + 4 * PN_ZONE);
}
@inline function relDiff(a: f64, b: f64): f64 {
  return a == b ? 0 : Math.abs(a - b) / max(max(Math.abs(a), Math.abs(b)), 1e-300);
}

// latticeLevel's sums (reference.ts LatticeLevel)
let lvS0: f64 = 0;
let lvS1: f64 = 0;
let lvX: f64 = 0;

/**
 * One cluster's Fock weights rho_0, rho_1 (interleaved) on lo + j m (reference.ts latticeLevel):
 * step 1 by the Poisson recurrence from each node's mode, step m > 1 from the log pmf at the lattice
 * points (Loader's form with the n-only part precomputed). Returns the pointer; sums in lv*.
 */
function latticeLevel(idx: usize, c0: i32, c1: i32, lo: f64, hi: f64, m: f64, r: usize, wa0: usize, wa1: usize, g0: usize, g1: usize, rE: f64, q0: f64, q1: f64, f0: f64, f1: f64): usize {
  const J = <i32>Math.floor((hi - lo) / m) + 1;
  // rho_0(n), rho_1(n) interleaved (rho01[2o], rho01[2o + 1]): one f64x2 lane pair per Fock number
  // in the SIMD build, the same products and sums per lane as the scalar build and the TS twin
  const rho01 = zeros(2 * J);
  const aux = zeros(J);
  if (m == 1) {
    // 1/(n + 1) once per Fock number (the forward Poisson recurrence multiplies instead of dividing)
    for (let o = 0; o < J; o++) st(aux, o, 1 / (lo + <f64>o + 1));
  } else {
    for (let j = 0; j < J; j++) {
      const n = lo + <f64>j * m;
      st(aux, j, n >= 10 ? -0.5 * Math.log(n) - LOG_SQRT_2PI - stirlingCorrImpl(n) : 0);
    }
  }
  const base = <i32>lo;
  for (let k = c0; k < c1; k++) {
    const i = load<i32>(idx + (<usize>k << 2));
    const gi = ld(g0, i) + ld(g1, i);
    const a0 = ld(wa0, i) * gi;
    const a1 = ld(wa1, i) * gi;
    const lam = rE * ld(r, i) * ld(r, i);
    if (lam == 0) {
      if (lo == 0) {
        st(rho01, 0, ld(rho01, 0) + a0);
        st(rho01, 1, ld(rho01, 1) + a1);
      }
      continue;
    }
    const blo = bandLo(lam);
    const bhi = bandHi(lam);
    if (m == 1) {
      const bl = max(lo, blo);
      const bh = min(hi, bhi);
      const mode = min(bh, max(bl, Math.floor(lam)));
      const pm = Math.exp(logPoissonPmf(mode, lam));
      const invLam = 1 / lam;
      // Poisson(n; lam) by recurrence from the mode (stable both ways)
      if (ASC_FEATURE_SIMD) {
        const a = f64x2(a0, a1);
        let pn = pm;
        for (let n = <i32>mode; n <= <i32>bh; n++) {
          const q = rho01 + (<usize>(n - base) << 4);
          v128.store(q, f64x2.add(v128.load(q), f64x2.mul(a, f64x2.splat(pn))));
          pn *= lam * ld(aux, n - base);
        }
        pn = pm;
        for (let n = <i32>mode - 1; n >= <i32>bl; n--) {
          pn *= <f64>(n + 1) * invLam;
          const q = rho01 + (<usize>(n - base) << 4);
          v128.store(q, f64x2.add(v128.load(q), f64x2.mul(a, f64x2.splat(pn))));
        }
      } else {
        let pn = pm;
        for (let n = <i32>mode; n <= <i32>bh; n++) {
          const o = 2 * (n - base);
          st(rho01, o, ld(rho01, o) + a0 * pn);
          st(rho01, o + 1, ld(rho01, o + 1) + a1 * pn);
          pn *= lam * ld(aux, n - base);
        }
        pn = pm;
        for (let n = <i32>mode - 1; n >= <i32>bl; n--) {
          pn *= <f64>(n + 1) * invLam;
          const o = 2 * (n - base);
          st(rho01, o, ld(rho01, o) + a0 * pn);
          st(rho01, o + 1, ld(rho01, o + 1) + a1 * pn);
        }
      }
    } else {
      const j0 = <i32>max<f64>(0, Math.ceil((blo - lo) / m));
      const j1 = <i32>min<f64>(<f64>(J - 1), Math.floor((bhi - lo) / m));
      const invLam = 1 / lam;
      for (let j = j0; j <= j1; j++) {
        const n = lo + <f64>j * m;
        const u = (n - lam) * invLam;
        const pn = n >= 10 ? Math.exp(ld(aux, j) - lam * ((1 + u) * log1pmxImpl(u) + u * u)) : Math.exp(logPoissonPmf(n, lam));
        st(rho01, 2 * j, ld(rho01, 2 * j) + a0 * pn);
        st(rho01, 2 * j + 1, ld(rho01, 2 * j + 1) + a1 * pn);
      }
    }
  }
  let s0: f64 = 0;
  let s1: f64 = 0;
  let x: f64 = 0;
  const i0: f64 = f0 > 0 ? 1 / f0 : 0;
  const i1: f64 = f1 > 0 ? 1 / f1 : 0;
  const priors = q0 >= 0 && q1 >= 0;
  for (let j = 0; j < J; j++) {
    s0 += m * ld(rho01, 2 * j);
    s1 += m * ld(rho01, 2 * j + 1);
    if (priors) x += m * holevoTerm(q0, q1, min<f64>(2, ld(rho01, 2 * j) * i0), min<f64>(2, ld(rho01, 2 * j + 1) * i1));
  }
  lvS0 = s0;
  lvS1 = s1;
  lvX = x;
  return rho01;
}

/** One exact photon-number Lf/L (pnSeparable of reference.ts); results in the sep* globals. */
export function pnSeparable(p0: f64, p1: f64, t1: f64, t2: f64, t3: f64, t4: f64, G1: f64, G2: f64, rE: f64, alpha: f64): f64 {
  initGL();
  initHankel();
  sepTooMuch = false;
  const mu = (p0 + p1) / 2;
  const lo0 = mu - t3;
  const hi0 = mu - t1;
  const lo1 = mu + t2;
  const hi1 = mu + t4;
  const S1 = G1 - 1;
  const S2 = G2 - 1;
  const c = Math.sqrt(1 - rE);
  const sd1 = Math.sqrt(S1 / 2);
  const sd2 = Math.sqrt(S2 / 2);
  const ga0 = Math.sqrt(p0);
  const ga1 = Math.sqrt(p1);
  let window: f64 = 0;

  // Bob's edge zones in |beta| with their edge masks
  zN = 0;
  addZone(lo0, 0);
  addZone(hi0 + 1, 1);
  addZone(lo1, 2);
  addZone(hi1 + 1, 3);
  zN = mergeInPlace(zA, zB, zM, zN);

  // ---- outer nodes r = |alpha| ----
  let nr: i32 = 0;
  let r: usize = 0;
  let wa0: usize = 0;
  let wa1: usize = 0;
  if (S1 <= 0) {
    nr = 2;
    r = zeros(2);
    wa0 = zeros(2);
    wa1 = zeros(2);
    st(r, 0, ga0);
    st(r, 1, ga1);
    st(wa0, 0, 1);
    st(wa1, 1, 1);
  } else {
    const hs = rE > 0 ? min(sd1, 0.5 / Math.sqrt(rE)) : sd1;
    const stp = Math.sqrt(0.25 + sd2 * sd2) / c;
    unchecked((ivA[0] = max<f64>(0, ga0 - PN_SD * sd1 - 1)));
    unchecked((ivB[0] = ga0 + PN_SD * sd1 + 1));
    unchecked((ivA[1] = max<f64>(0, ga1 - PN_SD * sd1 - 1)));
    unchecked((ivB[1] = ga1 + PN_SD * sd1 + 1));
    ivN = mergeInPlace(ivA, ivB, mDummy, 2);
    zrN = 0;
    for (let j = 0; j < zN; j++) {
      unchecked((zrA[zrN] = (zA[j] - PN_SD * sd2) / c));
      unchecked((zrB[zrN] = (zB[j] + PN_SD * sd2) / c));
      zrN++;
    }
    zrN = mergeInPlace(zrA, zrB, mDummy, zrN);
    const hIn = alpha * min(hs, stp);
    const hOut = alpha * hs;
    const np = buildPanels(true, hIn, hOut, 0);
    const pr = push(<usize>(2 * np) << 3);
    buildPanels(true, hIn, hOut, pr);
    nr = np * 16;
    r = zeros(nr);
    wa0 = zeros(nr);
    wa1 = zeros(nr);
    for (let p = 0; p < np; p++) {
      const u = ld(pr, 2 * p);
      const v = ld(pr, 2 * p + 1);
      const m = 0.5 * (u + v);
      const h = 0.5 * (v - u);
      for (let k = 0; k < 16; k++) {
        const i = p * 16 + k;
        const x = m + h * unchecked(GL16_X[k]);
        st(r, i, x);
        st(wa0, i, h * unchecked(GL16_W[k]) * rician(x, ga0, S1));
        st(wa1, i, h * unchecked(GL16_W[k]) * rician(x, ga1, S1));
      }
    }
  }

  // ---- g_b(r_i) ----
  const g0 = zeros(nr);
  const g1 = zeros(nr);
  let kernel: f64 = 0;
  let b00: f64 = 0;
  let b01: f64 = 0;
  let b10: f64 = 0;
  let b11: f64 = 0;
  if (S2 <= 0) {
    for (let i = 0; i < nr; i++) {
      const x = c * c * ld(r, i) * ld(r, i);
      st(g0, i, poissonCdfWindow(lo0, hi0, x));
      st(g1, i, poissonCdfWindow(lo1, hi1, x));
      window += 2;
    }
  } else {
    let rmin: f64 = Infinity;
    let rmax: f64 = 0;
    for (let i = 0; i < nr; i++) {
      rmin = min(rmin, ld(r, i));
      rmax = max(rmax, ld(r, i));
    }
    if (S1 <= 0) {
      unchecked((ivA[0] = max<f64>(0, c * ga0 - PN_SD * sd2 - 1)));
      unchecked((ivB[0] = c * ga0 + PN_SD * sd2 + 1));
      unchecked((ivA[1] = max<f64>(0, c * ga1 - PN_SD * sd2 - 1)));
      unchecked((ivB[1] = c * ga1 + PN_SD * sd2 + 1));
      ivN = mergeInPlace(ivA, ivB, mDummy, 2);
    } else {
      unchecked((ivA[0] = max<f64>(0, c * rmin - PN_SD * sd2 - 1)));
      unchecked((ivB[0] = c * rmax + PN_SD * sd2 + 1));
      ivN = 1;
    }
    const nP = buildPanels(false, Infinity, alpha * sd2, 0);
    const pb = push(<usize>(2 * nP) << 3);
    buildPanels(false, Infinity, alpha * sd2, pb);
    const nb = nP * 16;
    const X = zeros(nb);
    const om0 = zeros(nb);
    const om1 = zeros(nb);
    for (let p = 0; p < nP; p++) {
      const u = ld(pb, 2 * p);
      const v = ld(pb, 2 * p + 1);
      const m = 0.5 * (u + v);
      const h = 0.5 * (v - u);
      for (let k = 0; k < 16; k++) st(X, p * 16 + k, m + h * unchecked(GL16_X[k]));
      let nc: i32 = 0;
      unchecked((cuts[nc++] = u));
      for (let j = 0; j < zN; j++) {
        if (unchecked(zA[j]) > u && unchecked(zA[j]) < v) unchecked((cuts[nc++] = unchecked(zA[j])));
        if (unchecked(zB[j]) > u && unchecked(zB[j]) < v) unchecked((cuts[nc++] = unchecked(zB[j])));
      }
      unchecked((cuts[nc++] = v));
      if (nc == 2 && zoneMask(m) < 0) {
        const x2 = m * m;
        const w0: f64 = x2 > lo0 && x2 < hi0 + 1 ? 1 : 0;
        const w1: f64 = x2 > lo1 && x2 < hi1 + 1 ? 1 : 0;
        for (let k = 0; k < 16; k++) {
          st(om0, p * 16 + k, w0 * h * unchecked(GL16_W[k]));
          st(om1, p * 16 + k, w1 * h * unchecked(GL16_W[k]));
        }
        continue;
      }
      for (let q = 0; q + 1 < nc; q++) {
        const a = unchecked(cuts[q]);
        const b = unchecked(cuts[q + 1]);
        if (!(b > a)) continue;
        const mid = 0.5 * (a + b);
        const mask = zoneMask(mid);
        const zone = mask >= 0;
        const x2 = mid * mid;
        const w0c: f64 = x2 > lo0 && x2 < hi0 + 1 ? 1 : 0;
        const w1c: f64 = x2 > lo1 && x2 < hi1 + 1 ? 1 : 0;
        const act0 = zone ? mask & 3 : 0;
        const act1 = zone ? (mask >> 2) & 3 : 0;
        if (act0 == 0 && act1 == 0 && w0c == 0 && w1c == 0) continue;
        const ns = zone ? <i32>max<f64>(1, Math.ceil((b - a) / (alpha * 0.5) - 1e-9)) : 1;
        for (let s = 0; s < ns; s++) {
          const sa = a + ((b - a) * <f64>s) / <f64>ns;
          const sb = s + 1 == ns ? b : a + ((b - a) * <f64>(s + 1)) / <f64>ns;
          const sm = 0.5 * (sa + sb);
          const sh = 0.5 * (sb - sa);
          for (let j = 0; j < 16; j++) {
            const z = sm + sh * unchecked(GL16_X[j]);
            const W0 = act0 == 0 ? w0c : windowActive(act0, lo0, hi0, z * z);
            const W1 = act1 == 0 ? w1c : windowActive(act1, lo1, hi1, z * z);
            if (act0 != 0) window++;
            if (act1 != 0) window++;
            const vz = sh * unchecked(GL16_W[j]);
            const t = (z - m) / h;
            let den: f64 = 0;
            let hit: i32 = -1;
            for (let k = 0; k < 16; k++) {
              const d = t - unchecked(GL16_X[k]);
              if (d == 0) hit = k;
              const l = unchecked(GL16_B[k]) / d;
              unchecked((lag[k] = l));
              den += l;
            }
            for (let k = 0; k < 16; k++) {
              const l = hit >= 0 ? (k == hit ? 1.0 : 0.0) : unchecked(lag[k]) / den;
              const o = p * 16 + k;
              st(om0, o, ld(om0, o) + vz * W0 * l);
              st(om1, o, ld(om1, o) + vz * W1 * l);
            }
          }
        }
      }
    }
    // Bob's p(b|a) in one dimension (Eq. 94) on the same nodes
    const S = c * c * S1 + S2;
    for (let j = 0; j < nb; j++) {
      const k0 = rician(ld(X, j), c * ga0, S);
      const k1 = rician(ld(X, j), c * ga1, S);
      b00 += k0 * ld(om0, j);
      b01 += k0 * ld(om1, j);
      b10 += k1 * ld(om0, j);
      b11 += k1 * ld(om1, j);
    }
    // the Rician kernel on each r node's band (Eq. 101), Hankel form where z >= HANKEL_Z
    const sx = zeros(nb);
    const ix = zeros(nb);
    for (let k = 0; k < nb; k++) {
      st(sx, k, Math.sqrt(ld(X, k)));
      st(ix, k, 1 / ld(X, k));
    }
    const invS2 = 1 / S2;
    const reach = PN_SD * sd2 + 1;
    let pLo: i32 = 0;
    for (let i = 0; i < nr; i++) {
      const ri = ld(r, i);
      const cr = c * ri;
      if (i > 0 && ri < ld(r, i - 1)) pLo = 0;
      while (pLo < nP && ld(pb, 2 * pLo + 1) < cr - reach) pLo++;
      const A = 1 / Math.sqrt(Math.PI * S2 * cr);
      const B = S2 / (2 * cr);
      let s0: f64 = 0;
      let s1: f64 = 0;
      for (let p = pLo; p < nP && ld(pb, 2 * p) <= cr + reach; p++) {
        for (let k = p * 16; k < p * 16 + 16; k++) {
          const u = B * ld(ix, k);
          let K: f64;
          if (u * HANKEL_Z <= 1) {
            let h = unchecked(HANKEL_C[14]);
            for (let j = 13; j >= 0; j--) h = h * u + unchecked(HANKEL_C[j]);
            const d = ld(X, k) - cr;
            K = A * ld(sx, k) * Math.exp(-d * d * invS2) * h;
          } else K = rician(ld(X, k), cr, S2);
          s0 += K * ld(om0, k);
          s1 += K * ld(om1, k);
        }
        kernel += 16;
        if (kernel > PN_MAX_WORK) {
          sepTooMuch = true;
          return NaN;
        }
      }
      st(g0, i, s0);
      st(g1, i, s1);
    }
  }

  // ---- p(b|a), p_check, I(A:B) ----
  let clamped: f64 = 0;
  let q00: f64 = 0;
  let q01: f64 = 0;
  let q10: f64 = 0;
  let q11: f64 = 0;
  for (let i = 0; i < nr; i++) {
    if (ld(g0, i) < 0) {
      if (ld(g0, i) < -1e-15) clamped++;
      st(g0, i, 0);
    }
    if (ld(g1, i) < 0) {
      if (ld(g1, i) < -1e-15) clamped++;
      st(g1, i, 0);
    }
    q00 += ld(wa0, i) * ld(g0, i);
    q01 += ld(wa0, i) * ld(g1, i);
    q10 += ld(wa1, i) * ld(g0, i);
    q11 += ld(wa1, i) * ld(g1, i);
  }
  let bobDiff: f64 = 0;
  if (S1 > 0 && S2 > 0) {
    bobDiff = max(bobDiff, Math.abs(q00 - b00));
    bobDiff = max(bobDiff, Math.abs(q01 - b01));
    bobDiff = max(bobDiff, Math.abs(q10 - b10));
    bobDiff = max(bobDiff, Math.abs(q11 - b11));
  }
  const pA0 = q00 + q01;
  const pA1 = q10 + q11;
  const pCheck = 0.5 * (pA0 + pA1);
  const iAB = mutualInformationBits(q00, q01, q10, q11, pCheck);

  // ---- Eve's Fock-diagonal states (Eq. 104) and chi (Eqs. 113-116), on lattices (eveLattice) ----
  let chi: f64 = 0;
  if (rE > 0) {
    const q0 = pA0 / (2 * pCheck);
    const q1 = pA1 / (2 * pCheck);
    // contributing nodes (ascending r) and the weight put in
    const idx = push(<usize>max(nr, 1) << 2);
    let ni = 0;
    let ascending = true;
    let f0: f64 = 0;
    let f1: f64 = 0;
    for (let i = 0; i < nr; i++) {
      const gi = ld(g0, i) + ld(g1, i);
      const a0 = ld(wa0, i) * gi;
      const a1 = ld(wa1, i) * gi;
      if (a0 + a1 == 0) continue;
      if (ni > 0 && ld(r, i) < ld(r, load<i32>(idx + (<usize>(ni - 1) << 2)))) ascending = false;
      store<i32>(idx + (<usize>ni << 2), i);
      ni++;
      f0 += a0;
      f1 += a1;
    }
    // accepted clusters: [pointer to interleaved rho01, J, m, lo] each
    const cl = push(<usize>(4 * max(ni, 1)) << 3);
    let nc = 0;
    let s0: f64 = 0;
    let s1: f64 = 0;
    let c0 = 0;
    while (c0 < ni) {
      let lam = rE * ld(r, load<i32>(idx + (<usize>c0 << 2))) * ld(r, load<i32>(idx + (<usize>c0 << 2)));
      let lo = bandLo(lam);
      let hi = bandHi(lam);
      const width = Math.sqrt(lam);
      let c1 = c0 + 1;
      for (; c1 < ni; c1++) {
        const ri = ld(r, load<i32>(idx + (<usize>c1 << 2)));
        lam = rE * ri * ri;
        if (ascending && bandLo(lam) > hi) break;
        lo = min(lo, bandLo(lam));
        hi = max(hi, bandHi(lam));
      }
      let m: f64 = 1;
      if (ascending && lo > 0) while (2 * m <= (width * alpha) / (PN_ALPHA * PN_LATTICE)) m *= 2;
      let lv = latticeLevel(idx, c0, c1, lo, hi, m, r, wa0, wa1, g0, g1, rE, q0, q1, f0, f1);
      let ls0 = lvS0;
      let ls1 = lvS1;
      let lx = lvX;
      while (m > 1) {
        const fine = latticeLevel(idx, c0, c1, lo, hi, m / 2, r, wa0, wa1, g0, g1, rE, q0, q1, f0, f1);
        const d = max(relDiff(ls0, lvS0), max(relDiff(ls1, lvS1), relDiff(lx, lvX)));
        lv = fine;
        m = m / 2;
        ls0 = lvS0;
        ls1 = lvS1;
        lx = lvX;
        if (d <= PN_LATTICE_AGREE) break;
      }
      const J = <i32>Math.floor((hi - lo) / m) + 1;
      st(cl, 4 * nc, <f64>lv);
      st(cl, 4 * nc + 1, <f64>J);
      st(cl, 4 * nc + 2, m);
      nc++;
      s0 += ls0;
      s1 += ls1;
      c0 = c1;
    }
    const inv0: f64 = s0 > 0 ? 1 / s0 : 0;
    const inv1: f64 = s1 > 0 ? 1 / s1 : 0;
    if (!(q0 >= 0 && q1 >= 0)) chi = NaN; // p_check = 0: as the reference
    else {
      for (let k = 0; k < nc; k++) {
        const rho01 = <usize>ld(cl, 4 * k);
        const J = <i32>ld(cl, 4 * k + 1);
        const m = ld(cl, 4 * k + 2);
        for (let j = 0; j < J; j++) chi += m * holevoTerm(q0, q1, ld(rho01, 2 * j) * inv0, ld(rho01, 2 * j + 1) * inv1);
      }
    }
  }
  sepPCheck = pCheck;
  sepIAB = iAB;
  sepChi = chi;
  sepEvaluations = kernel + window;
  sepBobDiff = bobDiff;
  sepClamped = clamped;
  return pCheck * (iAB - chi); // Eq. 7, not clipped
}
