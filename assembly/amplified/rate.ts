// Amplified-line key rate Lf/L of paper [A] (f64), AssemblyScript port of the reference batch
// evaluator src/models/amplified/kernels.ts `evaluateBatch` (the TS code is the truth; this file
// repeats its arithmetic operation by operation, in the same order, so the two agree to libm ulps):
//  - photon-number encoding (Supplementary Note 4, SPEC 3.2; src/models/amplified/photon-number.ts):
//    'exact' by the separable fixed-node kernel (separable.ts, twin of src/kernels/pn-separable);
//    'paper': Bob's window probabilities p(b|a) (Eq. 94) by adaptive quadrature of the displaced-thermal
//    Poisson mixture, I(A:B) (Eq. 95), p_check (Eq. 96), Eve's Fock-diagonal states by the paper's
//    asymptotic route (Eqs. 105-112 with the SPEC errata), Holevo chi (Eqs. 113-116), Lf/L (Eq. 7);
//  - phase encoding (Supplementary Note 5, SPEC 3.3; phase.ts): Eqs. 132-133 and 142-143.
//
// Exact-arithmetic shortcuts only (results bit-identical to doing the reference's work): lgamma(n+1),
// log of the Poisson mean and the per-n logs are computed once and reused instead of once per
// (node, n) pair; nothing else is reordered.
//
// Memory ABI (byte offsets in this module's memory; the host owns everything from heapBase()):
//   points  f64[n * stride]   photon-number stride 6 [|g0|^2, |g1|^2, th1..th4], phase stride 3
//   out     f64[n]            Lf/L (NaN for a point violating the window constraints)
//   diag    f64[n * 4] or 0   per point [p_check, I(A:B), chi, inner evaluations] (debugging)
//   scratch                   bump stack from here up; memory grows as needed
// amplifiedRateBatch returns the total inner evaluations (as the TS evaluateBatch), or -(i + 1)
// when point i failed: amplifiedLastError() says why (1: the paper route outside its domain, the
// reference throws an InputError; 2: the separable kernel's work bound, a RangeError).

import { poissonCdfWindow } from '../special/incgamma';
import { i0e } from '../special/bessel';
import { lgamma } from '../special/gamma';
import { logAddExp } from '../special/logsum';
import { logHyp1f1 } from '../special/hyp1f1';
import { logErfDiff } from '../special/erf';
import { binaryEntropy, binaryEntropyComplement, holevoTerm, mutualInformationBits } from '../special/entropy';
import { integrate, qValue, qError, qEvaluations, qOrder, qCount, nodeX, nodeF, nodeW } from './quad';
import { push, markStack, popTo, resetStack } from './scratch';
import { pnSeparable, sepChi, sepEvaluations, sepIAB, sepPCheck, sepTooMuch } from './separable';

const PN_ALPHA: f64 = 3; // src/kernels/pn-separable/spec.ts PN_ALPHA (the batch evaluator's panel width)
/** Why the last batch stopped (amplifiedRateBatch returned -(i + 1)): 1 = the paper route outside
 *  its domain (the reference throws an InputError), 2 = pn-separable over PN_MAX_WORK (RangeError). */
let lastError: i32 = 0;
export function amplifiedLastError(): i32 {
  return lastError;
}

const SD_RANGE: f64 = 9; // photon-number.ts: centre +- 9 standard deviations

// ---- integrand parameters (module globals; AssemblyScript has no closures) ----
// kind 0: displaced-thermal window (displacedThermalWindow's f)
let dtLo: f64 = 0;
let dtHi: f64 = 0;
let dtC: f64 = 0;
let dtS: f64 = 0;
// results of displacedThermalWindow
let dtError: f64 = 0;
let dtEvaluations: f64 = 0;

/** Integrand dispatch for quad.ts. */
export function integrand(kind: i32, r: f64): f64 {
  if (kind == 0) {
    if (r <= 0) return 0;
    // Rician density of |beta| (Eq. 101 form): (2r/S) exp(-(r-c)^2/S) i0e(2 r c / S)
    const dens = ((2 * r) / dtS) * Math.exp(-((r - dtC) * (r - dtC)) / dtS) * i0e((2 * r * dtC) / dtS);
    if (dens == 0) return 0;
    return dens * poissonCdfWindow(dtLo, dtHi, r * r);
  }
  return 0;
}

/**
 * Window probability of a displaced thermal state (Eqs. 92-94): Poisson mixture over the Rician
 * |beta| (S > 0) or a pure Poisson window (S <= 0). Sets dtError / dtEvaluations.
 */
function displacedThermalWindow(lo: f64, hi: f64, D: f64, S: f64, absTol: f64): f64 {
  if (hi < lo) {
    dtError = 0;
    dtEvaluations = 0;
    return 0;
  }
  if (S <= 0) {
    dtError = 0;
    dtEvaluations = 1;
    return poissonCdfWindow(lo, hi, D);
  }
  const c = Math.sqrt(D);
  const sd = Math.sqrt(S / 2);
  const a = Math.max(0, c - SD_RANGE * sd - 1);
  const b = c + SD_RANGE * sd + 1;
  const mark = markStack();
  const brk = push(24);
  store<f64>(brk, c);
  store<f64>(brk + 8, Math.sqrt(Math.max(lo, 0)));
  store<f64>(brk + 16, Math.sqrt(Math.max(hi + 1, 0)));
  dtLo = lo;
  dtHi = hi;
  dtC = c;
  dtS = S;
  integrate(0, a, b, brk, 3, absTol, Math.max(1e-11, Math.min(1e-7, 1e4 * absTol)), 200);
  popTo(mark);
  dtError = qError;
  dtEvaluations = qEvaluations;
  return qValue;
}

// ---- photon-number encoding ----

// windows (Eq. 2a) of the current point
let wLo0: f64 = 0;
let wHi0: f64 = 0;
let wLo1: f64 = 0;
let wHi1: f64 = 0;

// Eve's state of one bit value: comps f64[len] starting at Fock number n0
let stN0: i32 = 0;
let stLen: i32 = 0;
let stComps: usize = 0;
let stEvaluations: f64 = 0;
let stPaperDomainError: bool = false;

/** Fock range [nLo, nHi] (fockRange in photon-number.ts). */
let frLo: i32 = 0;
let frHi: i32 = 0;
function fockRange(lamLo: f64, lamHi: f64): void {
  frLo = <i32>Math.max(0, Math.floor(lamLo - 10 * Math.sqrt(lamLo) - 10));
  frHi = <i32>Math.ceil(lamHi + 10 * Math.sqrt(lamHi) + 40);
}

/** Per-n lgamma(n + 1) for n in [n0, n1] (the reference calls lgamma for every (node, n) pair). */
function lgammaTable(n0: i32, n1: i32): usize {
  const t = push(<usize>(n1 - n0 + 1) << 3);
  for (let n = n0; n <= n1; n++) store<f64>(t + (<usize>(n - n0) << 3), lgamma(<f64>n + 1));
  return t;
}

/**
 * eveStatePaper (Eqs. 105-112 with the SPEC 3.2 errata), components normalised by pCheckA.
 * Sets stPaperDomainError when gamma_a, G1 - 1 or G2 - 1 is not > 0 (the reference throws).
 */
function eveStatePaper(G1: f64, G2: f64, rE: f64, ga: f64, pCheckA: f64): void {
  const G1m = G1 - 1;
  const G2m = G2 - 1;
  if (!(ga > 0) || !(G1m > 0) || !(G2m > 0)) {
    stPaperDomainError = true;
    return;
  }
  const nodesPerPanel: i32 = 64;
  const s = Math.sqrt(1 - rE);
  const A = 1 / G1m + (1 - rE) / G2m + rE; // Eq. 109
  const S = (1 - rE) * G1m + G2m;
  const c = s * ga;
  const sd = Math.sqrt(S / 2);
  const bLo = Math.max(1e-9, c - SD_RANGE * sd);
  const bHi = c + SD_RANGE * sd;
  const brk = push(<usize>(nodesPerPanel - 1) << 3);
  for (let i = 0; i < nodesPerPanel - 1; i++) {
    store<f64>(brk + (<usize>i << 3), bLo + (<f64>(i + 1) * (bHi - bLo)) / <f64>nodesPerPanel);
  }
  integrate(2, bLo, bHi, brk, nodesPerPanel - 1, 1e-14, 1e-12, 400);
  const order = qOrder;
  const count = qCount;
  const t1 = ga + SD_RANGE * Math.sqrt(G1m / 2);
  const t0 = Math.max(0, ga - SD_RANGE * Math.sqrt(G1m / 2));
  fockRange(rE * (t0 * t0), rE * (t1 * t1));
  const n0 = frLo;
  const n1 = frHi;
  const len = n1 - n0 + 1;
  const comps = push(<usize>len << 3);
  memory.fill(comps, 0, <usize>len << 3);
  // per-n terms (the reference recomputes them for every node; same values)
  const lgH = push(<usize>len << 3); // lgamma(n + 0.5)
  const lg1 = push(<usize>len << 3); // lgamma(n + 1)
  const kA = push(<usize>len << 3); // -(n + 0.5) log A
  const ktA = push(<usize>len << 3); // -n log A
  const l2n = push(<usize>len << 3); // -log(2n)
  const lrn = push(<usize>len << 3); // n log rE (0 for n = 0)
  const logA = Math.log(A);
  const logRE = Math.log(rE);
  for (let n = n0; n <= n1; n++) {
    const o = <usize>(n - n0) << 3;
    const nf = <f64>n;
    store<f64>(lgH + o, lgamma(nf + 0.5));
    store<f64>(lg1 + o, lgamma(nf + 1));
    store<f64>(kA + o, -(nf + 0.5) * logA);
    store<f64>(ktA + o, -nf * logA);
    store<f64>(l2n + o, -Math.log(2 * nf));
    store<f64>(lrn + o, n == 0 ? 0 : nf * logRE);
  }
  // log prefactor of Eq. 107 without r_E^n
  const logPre = -(ga * ga) / G1m - Math.log(Math.PI) - 0.5 * Math.log(ga * s * G1m * G2m) - Math.log(pCheckA);
  let evaluations: f64 = 0;
  for (let i = 0; i < count; i++) {
    for (let j = 0; j < 15; j++) {
      const b = nodeX(order, i, j);
      const w = nodeW(order, i, j);
      const fb = poissonCdfWindow(wLo0, wHi0, b * b) + poissonCdfWindow(wLo1, wHi1, b * b);
      if (fb <= 0) continue;
      const B = (2 * ga) / G1m + (2 * b * s) / G2m; // Eq. 110
      const z = (B * B) / (4 * A);
      const corr = (G1m / ga + G2m / (b * s)) / 16;
      const logOuter = Math.log(w) + 0.5 * Math.log(b) + Math.log(fb) - (b * b) / G2m + logPre;
      const halfLogZ = 0.5 * Math.log(z);
      const logCorr = Math.log(corr);
      for (let n = n0; n <= n1; n++) {
        const o = <usize>(n - n0) << 3;
        const nf = <f64>n;
        // Eq. 108: kappa_n
        const logK = load<f64>(kA + o) +
          logAddExp(
            halfLogZ + logHyp1f1(nf + 1, 1.5, z),
            load<f64>(lgH + o) - Math.LN2 - load<f64>(lg1 + o) + logHyp1f1(nf + 0.5, 0.5, z),
          );
        // Eq. 111 (corrected prefactor A^(-n)); kappa~_0 = 0 (Eq. 112)
        const logKt = n == 0 ? -Infinity : load<f64>(ktA + o) +
          logAddExp(
            halfLogZ + load<f64>(lgH + o) - load<f64>(lg1 + o) + logHyp1f1(nf + 0.5, 1.5, z),
            load<f64>(l2n + o) + logHyp1f1(nf, 0.5, z),
          );
        evaluations += 4;
        const logTerm = logAddExp(logK, logKt + logCorr);
        store<f64>(comps + o, load<f64>(comps + o) + Math.exp(logOuter + load<f64>(lrn + o) + logTerm));
      }
    }
  }
  stN0 = n0;
  stLen = len;
  stComps = comps;
  stEvaluations = evaluations;
}

// results of the current point
let rPCheck: f64 = 0;
let rIAB: f64 = 0;
let rChi: f64 = 0;
let rEvaluations: f64 = 0;

/** photonNumberRate (Eq. 7) at one valid point; returns Lf/L (NaN + stPaperDomainError on a domain error). */
function photonNumberRate(p0: f64, p1: f64, t1: f64, t2: f64, t3: f64, t4: f64, G1: f64, G2: f64, leak: f64, tol: f64, paper: bool): f64 {
  if (!paper) {
    // 'exact': the separable fixed-node kernel (separable.ts), as kernels.ts evaluateBatch at PN_ALPHA
    const v = pnSeparable(p0, p1, t1, t2, t3, t4, G1, G2, leak, PN_ALPHA);
    if (sepTooMuch) {
      lastError = 2;
      return NaN;
    }
    rPCheck = sepPCheck;
    rIAB = sepIAB;
    rChi = sepChi;
    rEvaluations = sepEvaluations;
    return v;
  }
  const mu = (p0 + p1) / 2;
  wLo0 = mu - t3;
  wHi0 = mu - t1;
  wLo1 = mu + t2;
  wHi1 = mu + t4;
  // Bob's p(b|a) (Eq. 94): displaced thermal with S = (1-rE)(G1-1) + (G2-1), D = (1-rE) gamma_a^2
  const S = (1 - leak) * (G1 - 1) + (G2 - 1);
  let evaluations: f64 = 0;
  const D0 = (1 - leak) * p0;
  const p00 = displacedThermalWindow(wLo0, wHi0, D0, S, tol);
  evaluations += dtEvaluations;
  const p01 = displacedThermalWindow(wLo1, wHi1, D0, S, tol);
  evaluations += dtEvaluations;
  const D1 = (1 - leak) * p1;
  const p10 = displacedThermalWindow(wLo0, wHi0, D1, S, tol);
  evaluations += dtEvaluations;
  const p11 = displacedThermalWindow(wLo1, wHi1, D1, S, tol);
  evaluations += dtEvaluations;
  // I(A:B) (Eq. 95), p_check (Eq. 96)
  const pCheck = 0.5 * (p00 + p01 + p10 + p11);
  const iAB = mutualInformationBits(p00, p01, p10, p11, pCheck);
  const pc0 = p00 + p01;
  const pc1 = p10 + p11;
  // Bayes priors q_a = p(check|a) / (2 p_check) (SPEC 3.2)
  const q0 = pc0 / (2 * pCheck);
  const q1 = pc1 / (2 * pCheck);
  let chi: f64 = 0;
  if (leak != 0) {
    // Eve's states (unnormalised), a = 0 then a = 1
    const sqrtP0 = Math.sqrt(p0);
    eveStatePaper(G1, G2, leak, sqrtP0, pc0);
    if (stPaperDomainError) return NaN;
    evaluations += stEvaluations;
    const a0 = stComps;
    const n00 = stN0;
    const len0 = stLen;
    const sqrtP1 = Math.sqrt(p1);
    eveStatePaper(G1, G2, leak, sqrtP1, pc1);
    if (stPaperDomainError) return NaN;
    evaluations += stEvaluations;
    const a1 = stComps;
    const n01 = stN0;
    const len1 = stLen;
    // states = comps * p(check|a) (then normalised below, as the reference does)
    for (let k = 0; k < len0; k++) store<f64>(a0 + (<usize>k << 3), load<f64>(a0 + (<usize>k << 3)) * pc0);
    for (let k = 0; k < len1; k++) store<f64>(a1 + (<usize>k << 3), load<f64>(a1 + (<usize>k << 3)) * pc1);
    // normalise on one Fock range and take chi (Eqs. 114-116)
    let sum0: f64 = 0;
    for (let k = 0; k < len0; k++) sum0 += load<f64>(a0 + (<usize>k << 3));
    let sum1: f64 = 0;
    for (let k = 0; k < len1; k++) sum1 += load<f64>(a1 + (<usize>k << 3));
    const nLo = min(n00, n01);
    const nHi = max(n00 + len0, n01 + len1);
    for (let n = nLo; n < nHi; n++) {
      const k0 = n - n00;
      const k1 = n - n01;
      const r0 = k0 >= 0 && k0 < len0 && sum0 > 0 ? load<f64>(a0 + (<usize>k0 << 3)) / sum0 : 0;
      const r1 = k1 >= 0 && k1 < len1 && sum1 > 0 ? load<f64>(a1 + (<usize>k1 << 3)) / sum1 : 0;
      chi += holevoTerm(q0, q1, r0, r1);
    }
  }
  rPCheck = pCheck;
  rIAB = iAB;
  rChi = chi;
  rEvaluations = evaluations;
  return pCheck * (iAB - chi); // Eq. 7, not clipped
}

// ---- phase encoding ----

/** phaseRate: p(b|a) (Eq. 132, SPEC errata), I(A:B) (Eq. 133), overlap (Eq. 143), I_E (Eq. 142), in logs (phase.ts). */
function phaseRate(g2: f64, t1: f64, t2: f64, G1: f64, G2: f64, rE: f64): f64 {
  const s = Math.sqrt(1 + 2 * (G2 - 1) + 2 * (1 - rE) * (G1 - 1));
  const m = Math.sqrt(g2 * (1 - rE));
  const hs = (Math.SQRT2 * (t2 - t1)) / s;
  const ls = logErfDiff((Math.SQRT2 * (t2 - 1 * m)) / s, (Math.SQRT2 * (t1 - 1 * m)) / s, hs) - Math.LN2;
  const ld = logErfDiff((Math.SQRT2 * (t2 - -1 * m)) / s, (Math.SQRT2 * (t1 - -1 * m)) / s, hs) - Math.LN2;
  const logPCheck = logAddExp(ls, ld); // Eq. 96
  const pCheck = Math.exp(logPCheck);
  const hE = logPCheck > -Infinity ? binaryEntropy(Math.exp(ld - logPCheck)) : NaN;
  const iAB = 1 - hE; // Eq. 133
  // <exp(-2 rE |alpha|^2)>_Q (Eq. 143)
  const g = Math.sqrt(g2);
  const c = 1 + 2 * rE * (G1 - 1);
  const zeta = Math.sqrt(G1 + G2 + 2 * rE * (G1 - 1) * (G2 - 1) - 1.5);
  const sc = zeta * Math.sqrt(c);
  const s1 = Math.sqrt(1 - rE) * g;
  const h = ((t2 - t1) * c) / sc;
  const logBracket = logAddExp(logErfDiff((t2 * c + s1) / sc, (t1 * c + s1) / sc, h), logErfDiff((t2 * c - s1) / sc, (t1 * c - s1) / sc, h));
  let overlap: f64 = rE == 0 ? 1 : Math.exp(logBracket + (-2 * rE * g * g) / c - Math.log(2 * c) - logPCheck);
  if (overlap > 1 && overlap - 1 <= 1e-12 * Math.max(1, Math.abs(logPCheck))) overlap = 1; // rounding (phase.ts overlapFromLog)
  const chi = logPCheck > -Infinity ? binaryEntropy((1 + overlap) / 2) : NaN; // Eq. 142
  rPCheck = pCheck;
  rIAB = iAB;
  rChi = chi;
  rEvaluations = 1;
  return pCheck * (binaryEntropyComplement(overlap) - hE); // I(A:B) - I_E without cancellation (phase.ts)
}

/**
 * Batch Lf/L (kernels.ts evaluateBatch contract). encoding 0 = photon-number (stride 6),
 * 1 = phase (stride 3); method 0 = 'exact', 1 = 'paper' (photon-number only).
 */
export function amplifiedRateBatch(
  encoding: i32, method: i32, G1: f64, G2: f64, leak: f64, tol: f64,
  pointsPtr: usize, n: i32, outPtr: usize, diagPtr: usize, scratchPtr: usize,
): f64 {
  resetStack(scratchPtr);
  let evaluations: f64 = 0;
  const stride: i32 = encoding == 1 ? 3 : 6;
  for (let i = 0; i < n; i++) {
    const p = pointsPtr + (<usize>(i * stride) << 3);
    let v: f64 = NaN;
    rPCheck = NaN;
    rIAB = NaN;
    rChi = NaN;
    rEvaluations = 0;
    if (encoding == 1) {
      const g = load<f64>(p);
      const t1 = load<f64>(p, 8);
      const t2 = load<f64>(p, 16);
      if (g > 0 && t1 >= 0 && t2 > t1) {
        v = phaseRate(g, t1, t2, G1, G2, leak);
        evaluations += 1;
      }
    } else {
      const p0 = load<f64>(p);
      const p1 = load<f64>(p, 8);
      const t1 = load<f64>(p, 16);
      const t2 = load<f64>(p, 24);
      const t3 = load<f64>(p, 32);
      const t4 = load<f64>(p, 40);
      const mu = (p0 + p1) / 2;
      // the validity rule of src/kernels/amplified-rate/spec.ts (amplifiedPointValid)
      const valid = p0 >= 0 && p1 > 0 && isFinite(p0) && isFinite(p1) && t3 >= t1 && t4 >= t2 && t1 + t2 >= 1 && mu - t1 >= 0 &&
        isFinite(t1) && isFinite(t2) && isFinite(t3) && isFinite(t4);
      if (valid) {
        const mark = markStack();
        stPaperDomainError = false;
        lastError = 0;
        v = photonNumberRate(p0, p1, t1, t2, t3, t4, G1, G2, leak, tol, method == 1);
        popTo(mark);
        if (stPaperDomainError) lastError = 1;
        if (lastError != 0) return -<f64>(i + 1);
        evaluations += rEvaluations;
      }
    }
    store<f64>(outPtr + (<usize>i << 3), v);
    if (diagPtr != 0) {
      const d = diagPtr + (<usize>(i * 4) << 3);
      store<f64>(d, rPCheck);
      store<f64>(d, rIAB, 8);
      store<f64>(d, rChi, 16);
      store<f64>(d, rEvaluations, 24);
    }
  }
  return evaluations;
}
