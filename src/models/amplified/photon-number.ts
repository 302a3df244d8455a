/**
 * Photon-number encoding, paper [A] Supplementary Note 4 (SPEC.md 3.2).
 *
 * Conventions: amplitudes gamma_a >= 0 (phase randomised), mu = (gamma_0^2 + gamma_1^2)/2,
 * Bob's windows (Eq. 2a) E0 = [mu - theta3, mu - theta1], E1 = [mu + theta2, mu + theta4] with the
 * continuous edges of SPEC 3.2: P(k in [lo, hi] | Poisson x) = Q(hi + 1, x) - Q(lo, x).
 */
import { InputError } from '../../errors.js';
import { entropyBits, holevoTerm, i0e, mutualInformationBits, lgamma, logAddExp, logHyp1f1, poissonCdfWindow, xlog2x } from '../../special/index.js';
import { integrate } from './quad.js';
import { pnSeparable } from '../../kernels/pn-separable/reference.js';
import { PN_ALPHA, PN_ALPHA_FINE, type PnSeparableResult } from '../../kernels/pn-separable/spec.js';

/** Window edges [lo, hi] for bit 0 and bit 1 (Eq. 2a). */
export interface Windows {
  lo0: number;
  hi0: number;
  lo1: number;
  hi1: number;
}

/** theta1..theta4 -> window edges (Eq. 2a). */
export function windowEdges(photons: readonly [number, number], theta: readonly number[]): Windows {
  const [p0, p1] = photons;
  const mu = (p0 + p1) / 2;
  const [t1, t2, t3, t4] = theta as [number, number, number, number];
  return { lo0: mu - t3, hi0: mu - t1, lo1: mu + t2, hi1: mu + t4 };
}

/** Validate theta1..4 (SPEC 3.2): theta3 >= theta1, theta4 >= theta2, windows disjoint. */
export function checkWindows(photons: readonly [number, number], theta: readonly number[]): void {
  if (theta.length !== 4 || theta.some((t) => !Number.isFinite(t))) {
    throw new InputError('windows', '4 finite numbers theta1,theta2,theta3,theta4', theta);
  }
  const [t1, t2, t3, t4] = theta as [number, number, number, number];
  if (t3 < t1) throw new InputError('windows', 'theta3 >= theta1', theta);
  if (t4 < t2) throw new InputError('windows', 'theta4 >= theta2', theta);
  if (t1 + t2 < 1) throw new InputError('windows', 'theta1 + theta2 >= 1 (E0 and E1 disjoint)', theta);
  const mu = (photons[0] + photons[1]) / 2;
  if (mu - t1 < 0) throw new InputError('windows', 'E0 inside [0, inf): theta1 <= mu', theta);
}

const SD_RANGE = 9; // integration range: centre +- 9 standard deviations (Gaussian tail < 3e-18)

/**
 * Window probability of a displaced thermal state (thermal mean S, displacement D = |c|^2):
 * the Poisson-mixture P(k in [lo, hi]) = int d|beta| Rician(|beta|; sqrt D, S) [Q(hi+1,|beta|^2) - Q(lo,|beta|^2)]
 * (Eqs. 92-94; for S = 0 a pure Poisson window). Adaptive Gauss-Kronrod to absTol.
 */
export function displacedThermalWindow(lo: number, hi: number, D: number, S: number, absTol = 1e-15): { value: number; error: number; evaluations: number; converged: boolean } {
  if (hi < lo) return { value: 0, error: 0, evaluations: 0, converged: true };
  if (S <= 0) return { value: poissonCdfWindow(lo, hi, D), error: 0, evaluations: 1, converged: true };
  const c = Math.sqrt(D);
  const sd = Math.sqrt(S / 2);
  const a = Math.max(0, c - SD_RANGE * sd - 1);
  const b = c + SD_RANGE * sd + 1;
  const f = (r: number): number => {
    if (r <= 0) return 0;
    // Rician density of |beta| (Eq. 101 form): (2r/S) exp(-(r-c)^2/S) i0e(2 r c / S)
    const dens = ((2 * r) / S) * Math.exp(-((r - c) * (r - c)) / S) * i0e((2 * r * c) / S);
    if (dens === 0) return 0;
    return dens * poissonCdfWindow(lo, hi, r * r);
  };
  const breaks = [c, Math.sqrt(Math.max(lo, 0)), Math.sqrt(Math.max(hi + 1, 0))];
  const q = integrate(f, a, b, { absTol, relTol: Math.max(1e-11, Math.min(1e-7, 1e4 * absTol)), breaks, maxPanels: 200 });
  return { value: q.value, error: q.error, evaluations: q.evaluations, converged: q.converged };
}

/** Inputs of one photon-number evaluation. */
export interface PnPoint {
  /** |gamma_0|^2, |gamma_1|^2 */
  photons: readonly [number, number];
  /** theta1..theta4 */
  windows: readonly number[];
  /** effective gains before/after Eve (Eqs. 78-79) */
  G1: number;
  G2: number;
  /** leak rE */
  leak: number;
  /** absolute quadrature tolerance of the adaptive witness and the paper route's Bob integrals
   *  (default 1e-15); the exact route runs on fixed nodes (src/kernels/pn-separable) */
  tol?: number;
  /** exact route: one evaluation at this panel width (no error estimate) instead of the checked
   *  pair PN_ALPHA / PN_ALPHA_FINE */
  alpha?: number;
}

export interface PnResult {
  rate: number;
  pCheck: number;
  iAB: number;
  chi: number;
  /** p(b|a) as [[p(0|0), p(1|0)], [p(0|1), p(1|1)]] (Eq. 94) */
  pba: [[number, number], [number, number]];
  /** Eve's Fock-diagonal states (Eq. 104), normalised, starting at Fock number n0 */
  eve?: { n0: number; rho: [number[], number[]] };
  /** trace of Eve's states before normalisation (exact: 1 - truncated mass; paper: see SPEC 3.2) */
  trace: [number, number];
  /** largest quadrature error estimate (exact: |value(PN_ALPHA) - value(PN_ALPHA_FINE)| over
   *  rate, p_check, I(A:B), chi and p(b|a), the 1-D/2-D difference of p(b|a), and the rounding of
   *  Eve's Poisson recurrences, 2 eps x band (1 + chi)) */
  quadError: number;
  /** false when a quadrature did not meet its tolerance (adaptive) or rounding exceeded its bound
   *  (exact: negative window probabilities below -1e-15) */
  quadConverged: boolean;
  evaluations: number;
  method: 'exact' | 'paper';
}

/** Bob's p(b|a) (Eq. 94): displaced thermal with S = (1-rE)(G1-1) + (G2-1), D = (1-rE) gamma_a^2. */
export function bobProbabilities(pt: PnPoint): { pba: [[number, number], [number, number]]; error: number; evaluations: number; converged: boolean } {
  const w = windowEdges(pt.photons, pt.windows);
  const S = (1 - pt.leak) * (pt.G1 - 1) + (pt.G2 - 1);
  let error = 0;
  let evaluations = 0;
  let converged = true;
  const row = (a: 0 | 1): [number, number] => {
    const D = (1 - pt.leak) * pt.photons[a];
    const r0 = displacedThermalWindow(w.lo0, w.hi0, D, S, pt.tol ?? 1e-15);
    const r1 = displacedThermalWindow(w.lo1, w.hi1, D, S, pt.tol ?? 1e-15);
    error += r0.error + r1.error;
    evaluations += r0.evaluations + r1.evaluations;
    converged &&= r0.converged && r1.converged;
    return [r0.value, r1.value];
  };
  const pba: [[number, number], [number, number]] = [row(0), row(1)];
  return { pba, error, evaluations, converged };
}

/** I(A:B) of Eq. 95 from p(b|a) with Bayes priors (joint p(a,b|check) = p(b|a)/(2 p_check)). */
export function mutualInformationAB(pba: readonly (readonly number[])[]): { iAB: number; pCheck: number } {
  const pCheck = 0.5 * (pba[0]![0]! + pba[0]![1]! + pba[1]![0]! + pba[1]![1]!); // Eq. 96
  return { iAB: mutualInformationBits(pba[0]![0]!, pba[0]![1]!, pba[1]![0]!, pba[1]![1]!, pCheck), pCheck };
}

/** Holevo chi (Eqs. 114-116) of the diagonal ensemble {(q_a, rho_a)} as sum_a q_a D(rho_a || rho_bar). */
export function holevoDiagonal(q: readonly [number, number], rho: readonly [ArrayLike<number>, ArrayLike<number>]): number {
  const n = Math.max(rho[0].length, rho[1].length);
  if (!(q[0] >= 0 && q[1] >= 0)) return NaN; // priors 0/0 (p_check = 0)
  let chi = 0;
  for (let k = 0; k < n; k++) {
    const r0 = rho[0][k] ?? 0;
    const r1 = rho[1][k] ?? 0;
    chi += holevoTerm(q[0], q[1], r0, r1);
  }
  return chi;
}

/** Poisson log pmf. */
function logPoisson(n: number, lambda: number): number {
  if (lambda === 0) return n === 0 ? 0 : -Infinity;
  return n * Math.log(lambda) - lambda - lgamma(n + 1);
}

/** Fock range [nLo, nHi] holding all but < ~1e-17 of Poisson mass for means in [lamLo, lamHi]. */
function fockRange(lamLo: number, lamHi: number): [number, number] {
  const lo = Math.max(0, Math.floor(lamLo - 10 * Math.sqrt(lamLo) - 10));
  const hi = Math.ceil(lamHi + 10 * Math.sqrt(lamHi) + 40);
  return [lo, hi];
}

/** Largest half-width (times 1/sqrt(rE)) of an outer panel in eveStateExact: a K15 panel of this
 *  half-width resolves Poisson(n; rE r^2) kernels of width 1/(2 sqrt(rE)) in r. */
const FOCK_HALF_WIDTH = 2.4;

/**
 * Eve's Fock-diagonal state given a and check, `exact` method (SPEC 3.2): the separated integral
 * rho_a(n) = (1/p(check|a)) int d|alpha| w_a(|alpha|) Poisson(n; rE |alpha|^2) g(|alpha|),
 * w_a Rician (Eq. 100), g = Bob's window probability given |alpha| (Eq. 101 + Eq. 2a).
 * Returns the unnormalised components (sum = p(check|a) from this quadrature up to truncation).
 */
export function eveStateExact(
  pt: PnPoint,
  a: 0 | 1,
  w: Windows,
  absTol = Math.max(10 * (pt.tol ?? 1e-15), 1e-14),
): { n0: number; comps: Float64Array; pCheckA: number; error: number; evaluations: number; truncated: number; converged: boolean } {
  const rE = pt.leak;
  const tolInner = pt.tol ?? 1e-15;
  const S2 = pt.G2 - 1;
  let converged = true;
  const g = (r: number): { v: number; e: number; k: number } => {
    const D = (1 - rE) * r * r;
    const x0 = displacedThermalWindow(w.lo0, w.hi0, D, S2, tolInner);
    const x1 = displacedThermalWindow(w.lo1, w.hi1, D, S2, tolInner);
    converged &&= x0.converged && x1.converged;
    return { v: x0.value + x1.value, e: x0.error + x1.error, k: x0.evaluations + x1.evaluations };
  };
  const ga = Math.sqrt(pt.photons[a]);
  const S1 = pt.G1 - 1;
  let evaluations = 0;
  let innerErr = 0;
  let nodes: Float64Array;
  let weights: Float64Array;
  let gvals: number[] = [];
  let outerErr = 0;
  if (S1 <= 0) {
    // Eve next to Alice (G1 = 1): w_a is a point mass at gamma_a.
    nodes = new Float64Array([ga]);
    weights = new Float64Array([1]);
    const gv = g(ga);
    evaluations += gv.k;
    innerErr += gv.e;
    gvals = [gv.v];
  } else {
    const sd = Math.sqrt(S1 / 2);
    const lo = Math.max(0, ga - SD_RANGE * sd - 1);
    const hi = ga + SD_RANGE * sd + 1;
    const cache = new Map<number, number>();
    const f = (r: number): number => {
      if (r <= 0) return 0;
      // Rician w_a (Eq. 100): (2r/S1) exp(-(r-ga)^2/S1) i0e(2 r ga/S1)
      const wa = ((2 * r) / S1) * Math.exp(-((r - ga) * (r - ga)) / S1) * i0e((2 * r * ga) / S1);
      if (wa === 0) {
        cache.set(r, 0);
        return 0;
      }
      const gv = g(r);
      evaluations += gv.k;
      innerErr = Math.max(innerErr, gv.e);
      const v = wa * gv.v;
      cache.set(r, v);
      return v;
    };
    const edges = [w.lo0, w.hi0 + 1, w.lo1, w.hi1 + 1].filter((e) => e > 0).map((e) => Math.sqrt(e / (1 - rE)));
    // The adaptive rule refines on p(check|a) only, but the same nodes carry the Fock mixture
    // sum_i W_i Poisson(n; rE r_i^2), whose kernels have width ~1/(2 sqrt(rE)) in r: cap the panel
    // half-width at FOCK_HALF_WIDTH/sqrt(rE) so the mixture is resolved (else chi is wrong by up to
    // 0.3 at large rE (G1 - 1); found against an independently resolved chi, test/amplified).
    const maxWidth = rE > 0 ? (2 * FOCK_HALF_WIDTH) / Math.sqrt(rE) : Infinity;
    const nFock = Math.ceil((hi - lo) / maxWidth);
    const fockBreaks = nFock > 1 ? Array.from({ length: nFock - 1 }, (_, i) => lo + ((i + 1) * (hi - lo)) / nFock) : [];
    const q = integrate(f, lo, hi, {
      absTol,
      relTol: Math.max(1e-10, Math.min(1e-6, 1e5 * absTol)),
      breaks: [ga, ...edges, ...fockBreaks],
      maxPanels: 120 + fockBreaks.length,
    });
    nodes = q.nodes;
    weights = q.weights;
    outerErr = q.error;
    converged &&= q.converged;
    gvals = Array.from(nodes, (r) => cache.get(r) ?? f(r));
  }
  // Fock components: sum over the same nodes (Eq. 102 Poisson weights).
  let lamLo = Infinity;
  let lamHi = 0;
  for (let i = 0; i < nodes.length; i++) {
    if (gvals[i] === 0) continue;
    const lam = rE * nodes[i]! * nodes[i]!;
    lamLo = Math.min(lamLo, lam);
    lamHi = Math.max(lamHi, lam);
  }
  if (!Number.isFinite(lamLo)) lamLo = 0;
  const [n0, n1] = fockRange(lamLo, lamHi);
  const comps = new Float64Array(n1 - n0 + 1);
  let pCheckA = 0;
  for (let i = 0; i < nodes.length; i++) {
    const wi = weights[i]! * gvals[i]!;
    if (wi === 0) continue;
    pCheckA += wi;
    const lam = rE * nodes[i]! * nodes[i]!;
    for (let n = n0; n <= n1; n++) comps[n - n0] += wi * Math.exp(logPoisson(n, lam));
  }
  let sum = 0;
  for (const c of comps) sum += c;
  const truncated = pCheckA > 0 ? Math.max(0, 1 - sum / pCheckA) : 0;
  return { n0, comps, pCheckA, error: outerErr + innerErr, evaluations, truncated, converged };
}

/**
 * Eve's state by the paper's asymptotic route (Eqs. 105-112 with SPEC 3.2 errata: 1/sqrt|beta|
 * inside the integral (Eq. 107), A^(-n) in Eq. 111, kappa_0 with erfc(-B/(2 sqrt A)) (Eq. 112),
 * kappa~_0 = 0, cross term dropped). Components normalised by the exact p(check|a).
 */
export function eveStatePaper(
  pt: PnPoint,
  a: 0 | 1,
  w: Windows,
  pCheckA: number,
  nodesPerPanel = 64,
): { n0: number; comps: Float64Array; evaluations: number } {
  const rE = pt.leak;
  const G1m = pt.G1 - 1;
  const G2m = pt.G2 - 1;
  const ga = Math.sqrt(pt.photons[a]);
  if (!(ga > 0) || !(G1m > 0) || !(G2m > 0)) {
    // Eq. 105 expands I0(2|alpha|gamma_a/(G1-1)) and I0(...|beta|/(G2-1)) for large arguments
    throw new InputError('method', "'exact' here: the paper's asymptotic route (Eqs. 105-112) needs gamma_a > 0, G1 > 1 and G2 > 1", 'paper');
  }
  const s = Math.sqrt(1 - rE);
  const A = 1 / G1m + (1 - rE) / G2m + rE; // Eq. 109
  // |beta| range: Bob's Rician, centre sqrt((1-rE)) gamma_a, thermal S (Eq. 94)
  const S = (1 - rE) * G1m + G2m;
  const c = s * ga;
  const sd = Math.sqrt(S / 2);
  const bLo = Math.max(1e-9, c - SD_RANGE * sd);
  const bHi = c + SD_RANGE * sd;
  // composite Gauss-Legendre-like grid via the K15 rule on equal panels
  const q = integrate(() => 0, bLo, bHi, { breaks: Array.from({ length: nodesPerPanel - 1 }, (_, i) => bLo + ((i + 1) * (bHi - bLo)) / nodesPerPanel) });
  const nodes = q.nodes;
  const weights = q.weights;
  const lamHi = rE * (ga + SD_RANGE * Math.sqrt(G1m / 2)) ** 2;
  const lamLo = rE * Math.max(0, ga - SD_RANGE * Math.sqrt(G1m / 2)) ** 2;
  const [n0, n1] = fockRange(lamLo, lamHi);
  const comps = new Float64Array(n1 - n0 + 1);
  // log prefactor of Eq. 107 without r_E^n: -gamma^2/(G1-1) - log(pi) - 0.5 log(gamma s G1m G2m) - log p
  const logPre = -(ga * ga) / G1m - Math.log(Math.PI) - 0.5 * Math.log(ga * s * G1m * G2m) - Math.log(pCheckA);
  let evaluations = 0;
  for (let i = 0; i < nodes.length; i++) {
    const b = nodes[i]!;
    const fb = poissonCdfWindow(w.lo0, w.hi0, b * b) + poissonCdfWindow(w.lo1, w.hi1, b * b);
    if (fb <= 0) continue;
    const B = (2 * ga) / G1m + (2 * b * s) / G2m; // Eq. 110
    const z = (B * B) / (4 * A);
    const corr = (G1m / ga + G2m / (b * s)) / 16;
    const logOuter = Math.log(weights[i]!) + 0.5 * Math.log(b) + Math.log(fb) - (b * b) / G2m + logPre;
    for (let n = n0; n <= n1; n++) {
      // Eq. 108: kappa_n
      const logK = -(n + 0.5) * Math.log(A) +
        logAddExp(
          0.5 * Math.log(z) + logHyp1f1(n + 1, 1.5, z),
          lgamma(n + 0.5) - Math.LN2 - lgamma(n + 1) + logHyp1f1(n + 0.5, 0.5, z),
        );
      // Eq. 111 (corrected prefactor A^(-n)); kappa~_0 = 0 (Eq. 112)
      const logKt = n === 0 ? -Infinity : -n * Math.log(A) +
        logAddExp(
          0.5 * Math.log(z) + lgamma(n + 0.5) - lgamma(n + 1) + logHyp1f1(n + 0.5, 1.5, z),
          -Math.log(2 * n) + logHyp1f1(n, 0.5, z),
        );
      evaluations += 4;
      const logTerm = logAddExp(logK, logKt + Math.log(corr));
      const logRn = n === 0 ? 0 : n * Math.log(rE);
      comps[n - n0] += Math.exp(logOuter + logRn + logTerm);
    }
  }
  return { n0, comps, evaluations };
}

const pba2 = (p: readonly number[]): [[number, number], [number, number]] => [[p[0]!, p[1]!], [p[2]!, p[3]!]];

/** The separable kernel's input for a point (src/kernels/pn-separable/spec.ts). */
function separableInput(pt: PnPoint, alpha: number) {
  const [t1, t2, t3, t4] = pt.windows as [number, number, number, number];
  return { p0: pt.photons[0], p1: pt.photons[1], t1, t2, t3, t4, G1: pt.G1, G2: pt.G2, leak: pt.leak, alpha };
}

/**
 * One photon-number-encoding key rate Lf/L = p_check (I(A:B) - chi) (Eq. 7) at fixed parameters.
 * 'exact' runs the separable fixed-node kernel (src/kernels/pn-separable): with `pt.alpha` once, else
 * at PN_ALPHA_FINE with PN_ALPHA beside it as the error estimate; 'paper' the asymptotic route.
 */
export function photonNumberRate(pt: PnPoint, method: 'exact' | 'paper' = 'exact', withState = false): PnResult {
  if (method === 'paper') return photonNumberRateQuadrature(pt, 'paper', withState);
  const fine = pnSeparable(separableInput(pt, pt.alpha ?? PN_ALPHA_FINE), withState);
  let quadError = fine.bobDiff;
  let evaluations = fine.work.kernel + fine.work.window;
  if (pt.alpha === undefined) {
    const coarse: PnSeparableResult = pnSeparable(separableInput(pt, PN_ALPHA));
    evaluations += coarse.work.kernel + coarse.work.window;
    const d = (a: number, b: number): number => (Number.isFinite(a - b) ? Math.abs(a - b) : Infinity);
    quadError = Math.max(quadError, d(fine.rate, coarse.rate), d(fine.pCheck, coarse.pCheck), d(fine.iAB, coarse.iAB), d(fine.chi, coarse.chi));
    for (let j = 0; j < 4; j++) quadError = Math.max(quadError, d(fine.pba[j]!, coarse.pba[j]!));
  }
  // rounding the node-set comparison cannot see (both node sets share it): on step-1 Fock lattices
  // Eve's Poisson weights run by recurrence up to ~band/2 steps from the mode, one multiplication
  // and one division each, so they carry up to ~2 eps x band relative error (band = Fock entries
  // per |alpha| node; coarser lattices take each weight from its log). (The 2e-13 once measured on
  // chi at 1000 km, Eve at Bob, rE 0.5 was the fixture's own: its direct log pmf lost n eps.)
  const band = fine.work.fock / Math.max(1, fine.work.rNodes);
  quadError = Math.max(quadError, 2 * Number.EPSILON * band * (1 + Math.abs(fine.chi)));
  const res: PnResult = {
    rate: fine.rate, pCheck: fine.pCheck, iAB: fine.iAB, chi: fine.chi, pba: pba2(fine.pba), trace: fine.trace,
    quadError, quadConverged: fine.clamped === 0, evaluations, method: 'exact',
  };
  if (withState && fine.eve) res.eve = fine.eve;
  return res;
}

/**
 * The adaptive-quadrature route: the exact Eve state by nested adaptive Gauss-Kronrod
 * (`eveStateExact`, the accuracy witness of the separable kernel in the tests) or the paper's
 * asymptotic route (Bob's p(b|a) adaptive in both).
 */
export function photonNumberRateQuadrature(pt: PnPoint, method: 'exact' | 'paper' = 'exact', withState = false): PnResult {
  const bob = bobProbabilities(pt);
  const { iAB, pCheck } = mutualInformationAB(bob.pba);
  const w = windowEdges(pt.photons, pt.windows);
  const pCheckA = [bob.pba[0][0] + bob.pba[0][1], bob.pba[1][0] + bob.pba[1][1]] as const;
  // Bayes priors q_a = p(check|a) / (2 p_check) (SPEC 3.2)
  const q: [number, number] = [pCheckA[0] / (2 * pCheck), pCheckA[1] / (2 * pCheck)];
  let evaluations = bob.evaluations;
  let quadError = bob.error;
  let quadConverged = bob.converged;
  const states: { n0: number; comps: Float64Array }[] = [];
  const trace: [number, number] = [0, 0];
  for (const a of [0, 1] as const) {
    if (pt.leak === 0) {
      states.push({ n0: 0, comps: new Float64Array([pCheckA[a]]) });
      trace[a] = 1;
      continue;
    }
    if (method === 'exact') {
      const st = eveStateExact(pt, a, w);
      evaluations += st.evaluations;
      quadError = Math.max(quadError, st.error, Math.abs(st.pCheckA - pCheckA[a]));
      quadConverged &&= st.converged;
      trace[a] = 1 - st.truncated;
      states.push({ n0: st.n0, comps: st.comps });
    } else {
      const st = eveStatePaper(pt, a, w, pCheckA[a]);
      evaluations += st.evaluations;
      let t = 0;
      for (const c of st.comps) t += c;
      trace[a] = t;
      states.push({ n0: st.n0, comps: st.comps.map((c) => c * pCheckA[a]) });
    }
  }
  // Align both states on one Fock range and normalise (chi of normalised states; trace reported)
  const nLo = Math.min(states[0]!.n0, states[1]!.n0);
  const nHi = Math.max(states[0]!.n0 + states[0]!.comps.length, states[1]!.n0 + states[1]!.comps.length);
  const rho: [Float64Array, Float64Array] = [new Float64Array(nHi - nLo), new Float64Array(nHi - nLo)];
  for (const a of [0, 1] as const) {
    const st = states[a]!;
    let sum = 0;
    for (const c of st.comps) sum += c;
    for (let k = 0; k < st.comps.length; k++) rho[a][st.n0 - nLo + k] = sum > 0 ? st.comps[k]! / sum : 0;
  }
  const chi = pt.leak === 0 ? 0 : holevoDiagonal(q, rho); // rE = 0: Eve holds vacuum
  const rate = pCheck * (iAB - chi); // Eq. 7, not clipped
  const res: PnResult = { rate, pCheck, iAB, chi, pba: bob.pba, trace, quadError, quadConverged, evaluations, method };
  if (withState) res.eve = { n0: nLo, rho: [Array.from(rho[0]), Array.from(rho[1])] };
  return res;
}

/** Shannon entropy (bits) helper re-exported for tests. */
export function entropyOf(p: ArrayLike<number>): number {
  return entropyBits(p);
}
export { xlog2x };
