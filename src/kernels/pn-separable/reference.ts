/**
 * Reference twin of the 'pn-separable' kernel (spec.ts): the exact photon-number Lf/L of [A] on
 * fixed node sets. Written loop by loop as the AssemblyScript twin (assembly/amplified/separable.ts)
 * repeats it; change both together.
 */
import { gammaP, gammaQ, holevoTerm, i0e, logPoissonPmf, mutualInformationBits, poissonCdfWindow } from '../../special/index.js';
import { LOG_SQRT_2PI, log1pmx, stirlingCorr } from '../../special/gamma.js';
import {
  GL16_W, GL16_X, PN_ALPHA, PN_LATTICE, PN_LATTICE_AGREE, PN_MAX_WORK, PN_SD, PN_ZONE,
  type PnSeparableInput, type PnSeparableResult,
} from './spec.js';

/** Eve's normalised Fock-diagonal states rho_a(n0 + k) (Eq. 104). */
export interface PnEveState {
  n0: number;
  rho: [number[], number[]];
}

/** Barycentric weights of the 16 Gauss-Legendre nodes (l_k(t) = (b_k/(t-t_k)) / sum_j b_j/(t-t_j)). */
const GL16_B = GL16_X.map((x, k) => {
  let p = 1;
  for (let j = 0; j < 16; j++) if (j !== k) p *= x - GL16_X[j]!;
  return 1 / p;
});

/** Sort [a0, b0, a1, b1, ...] by start and merge overlapping intervals. */
export function mergeIntervals(iv: number[]): number[] {
  const n = iv.length / 2;
  const idx = Array.from({ length: n }, (_, i) => i).sort((p, q) => iv[2 * p]! - iv[2 * q]!);
  const out: number[] = [];
  for (const i of idx) {
    const a = iv[2 * i]!;
    const b = iv[2 * i + 1]!;
    if (!(b > a)) continue;
    if (out.length > 0 && a <= out[out.length - 1]!) out[out.length - 1] = Math.max(out[out.length - 1]!, b);
    else out.push(a, b);
  }
  return out;
}

/** True when x lies in one of the merged intervals `zones` ([a, b, ...]). */
function inZones(zones: number[], x: number): boolean {
  for (let j = 0; j < zones.length; j += 2) if (x >= zones[j]! && x <= zones[j + 1]!) return true;
  return false;
}

/**
 * Bob's edge zones in |beta| for the Q-edges e_j = [lo0, hi0 + 1, lo1, hi1 + 1]: merged
 * [a, b, mask, ...] with a, b = sqrt(e -+ (PN_ZONE sqrt e + PN_ZONE)) and mask the edges inside.
 */
export function edgeZones(edges: readonly number[]): number[] {
  const z: number[] = [];
  for (let j = 0; j < 4; j++) {
    const e = edges[j]!;
    if (e > 0) z.push(Math.sqrt(Math.max(0, e - PN_ZONE * Math.sqrt(e) - PN_ZONE)), Math.sqrt(e + PN_ZONE * Math.sqrt(e) + PN_ZONE), 1 << j);
  }
  const n = z.length / 3;
  const idx = Array.from({ length: n }, (_, i) => i).sort((p, q) => z[3 * p]! - z[3 * q]!);
  const out: number[] = [];
  for (const i of idx) {
    const k = out.length;
    if (k > 0 && z[3 * i]! <= out[k - 2]!) {
      out[k - 2] = Math.max(out[k - 2]!, z[3 * i + 1]!);
      out[k - 1] = out[k - 1]! | z[3 * i + 2]!;
    } else out.push(z[3 * i]!, z[3 * i + 1]!, z[3 * i + 2]!);
  }
  return out;
}

/** Edge mask of the zone holding x, or -1 outside every zone. */
function zoneMask(zones: number[], x: number): number {
  for (let j = 0; j < zones.length; j += 3) if (x >= zones[j]! && x <= zones[j + 1]!) return zones[j + 2]!;
  return -1;
}

/**
 * W = P(k in [lo, hi] | Poisson x) where only the edges in `act` (bit 0: lo, bit 1: hi + 1) vary:
 * an inactive edge is 0 or 1 to < 1e-20 there, so one regularised incomplete gamma suffices
 * (P(lo, x) = 1 - Q(lo, x) on a lower edge: no cancellation).
 */
function windowActive(act: number, lo: number, hi: number, x: number): number {
  if (act === 3) return poissonCdfWindow(lo, hi, x);
  if (act === 1) return lo <= 0 ? 1 : gammaP(lo, x);
  return gammaQ(hi + 1, x);
}

/**
 * Panels [u0, v0, u1, v1, ...] covering the merged intervals `iv`: every piece between interval and
 * zone boundaries is cut into equal panels of width <= hIn inside `zones`, <= hOut outside.
 */
export function buildPanels(iv: number[], zones: number[], hIn: number, hOut: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < iv.length; i += 2) {
    const a = iv[i]!;
    const b = iv[i + 1]!;
    const cuts = [a];
    for (let j = 0; j < zones.length; j++) if (zones[j]! > a && zones[j]! < b) cuts.push(zones[j]!);
    cuts.push(b);
    cuts.sort((p, q) => p - q);
    for (let j = 0; j + 1 < cuts.length; j++) {
      const u = cuts[j]!;
      const v = cuts[j + 1]!;
      if (!(v > u)) continue;
      const h = inZones(zones, 0.5 * (u + v)) ? hIn : hOut;
      const m = Math.max(1, Math.ceil((v - u) / h - 1e-9));
      for (let k = 0; k < m; k++) out.push(u + ((v - u) * k) / m, k + 1 === m ? v : u + ((v - u) * (k + 1)) / m);
    }
  }
  return out;
}

/**
 * Hankel coefficients ((2k-1)!!)^2 / (k! 8^k), k = 0..14 (DLMF 10.40.1): for z = 2 x nu / S >= 40,
 * Rician(x; nu, S) = sqrt(x / (pi S nu)) exp(-(x - nu)^2 / S) sum_k HANKEL_C[k] z^-k, truncated
 * below 1e-18 relative, with no square root or division per (r, beta) pair (kernel band loop).
 */
const HANKEL_C = Array.from({ length: 15 }, () => 1);
for (let k = 1; k < 15; k++) HANKEL_C[k] = (HANKEL_C[k - 1]! * (2 * k - 1) * (2 * k - 1)) / (8 * k);
const HANKEL_Z = 40;

/** Rician density of |x| with centre nu and variance parameter S (Eqs. 94, 100, 101). */
function rician(x: number, nu: number, S: number): number {
  return ((2 * x) / S) * Math.exp(-((x - nu) * (x - nu)) / S) * i0e((2 * x * nu) / S);
}

function tooMuch(what: string, work: number): never {
  throw new RangeError(`pn-separable: ${what} needs ${work.toExponential(2)} kernel entries (limit ${PN_MAX_WORK.toExponential(0)})`);
}

/** One exact photon-number evaluation on fixed nodes (spec.ts). */
export function pnSeparable(input: PnSeparableInput, withState = false): PnSeparableResult & { eve?: PnEveState } {
  const { p0, p1, t1, t2, t3, t4, G1, G2, leak: rE } = input; // rE: the paper's symbol in the formulas below
  const alpha = input.alpha ?? PN_ALPHA;
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
  let window = 0;

  // Bob's edge zones in |beta| (outside them W_b is 0 or 1 to < 1e-20), each with the mask of the
  // edges it holds (bit 0: lo0, 1: hi0 + 1, 2: lo1, 3: hi1 + 1)
  const zones = edgeZones([lo0, hi0 + 1, lo1, hi1 + 1]);

  // ---- outer nodes r = |alpha| with GL weights times the Rician w_a (Eq. 100) ----
  let r: Float64Array;
  let wa0: Float64Array;
  let wa1: Float64Array;
  if (S1 <= 0) {
    // Eve next to Alice (G1 = 1): w_a is a point mass at gamma_a
    r = Float64Array.of(ga0, ga1);
    wa0 = Float64Array.of(1, 0);
    wa1 = Float64Array.of(0, 1);
  } else {
    const hs = rE > 0 ? Math.min(sd1, 0.5 / Math.sqrt(rE)) : sd1;
    const st = Math.sqrt(0.25 + sd2 * sd2) / c;
    const iv = mergeIntervals([
      Math.max(0, ga0 - PN_SD * sd1 - 1), ga0 + PN_SD * sd1 + 1,
      Math.max(0, ga1 - PN_SD * sd1 - 1), ga1 + PN_SD * sd1 + 1,
    ]);
    const zr: number[] = [];
    for (let j = 0; j < zones.length; j += 3) zr.push((zones[j]! - PN_SD * sd2) / c, (zones[j + 1]! + PN_SD * sd2) / c);
    const pr = buildPanels(iv, mergeIntervals(zr), alpha * Math.min(hs, st), alpha * hs);
    const nr = (pr.length / 2) * 16;
    r = new Float64Array(nr);
    wa0 = new Float64Array(nr);
    wa1 = new Float64Array(nr);
    for (let p = 0; p < pr.length; p += 2) {
      const m = 0.5 * (pr[p]! + pr[p + 1]!);
      const h = 0.5 * (pr[p + 1]! - pr[p]!);
      for (let k = 0; k < 16; k++) {
        const i = (p / 2) * 16 + k;
        const x = m + h * GL16_X[k]!;
        r[i] = x;
        wa0[i] = h * GL16_W[k]! * rician(x, ga0, S1);
        wa1[i] = h * GL16_W[k]! * rician(x, ga1, S1);
      }
    }
  }
  const nr = r.length;

  // ---- g_b(r_i): Bob's window probabilities given |alpha| = r_i (Eq. 101 + Eq. 2a) ----
  const g0 = new Float64Array(nr);
  const g1 = new Float64Array(nr);
  let betaNodes = 0;
  let kernel = 0;
  let bobDiff = 0;
  const bob1d = [0, 0, 0, 0];
  if (S2 <= 0) {
    // Eve next to Bob (G2 = 1): Bob's count is Poisson with mean (1 - rE) r^2
    for (let i = 0; i < nr; i++) {
      const x = c * c * r[i]! * r[i]!;
      g0[i] = poissonCdfWindow(lo0, hi0, x);
      g1[i] = poissonCdfWindow(lo1, hi1, x);
      window += 2;
    }
  } else {
    let rmin = Infinity;
    let rmax = 0;
    for (let i = 0; i < nr; i++) {
      rmin = Math.min(rmin, r[i]!);
      rmax = Math.max(rmax, r[i]!);
    }
    const bIv = S1 <= 0
      ? mergeIntervals([
        Math.max(0, c * ga0 - PN_SD * sd2 - 1), c * ga0 + PN_SD * sd2 + 1,
        Math.max(0, c * ga1 - PN_SD * sd2 - 1), c * ga1 + PN_SD * sd2 + 1,
      ])
      : [Math.max(0, c * rmin - PN_SD * sd2 - 1), c * rmax + PN_SD * sd2 + 1];
    const pb = buildPanels(bIv, [], Infinity, alpha * sd2);
    const nP = pb.length / 2;
    betaNodes = nP * 16;
    const X = new Float64Array(betaNodes);
    const om0 = new Float64Array(betaNodes);
    const om1 = new Float64Array(betaNodes);
    const lag = new Float64Array(16);
    for (let p = 0; p < nP; p++) {
      const u = pb[2 * p]!;
      const v = pb[2 * p + 1]!;
      const m = 0.5 * (u + v);
      const h = 0.5 * (v - u);
      for (let k = 0; k < 16; k++) X[p * 16 + k] = m + h * GL16_X[k]!;
      // pieces of the panel between zone boundaries
      const cuts = [u];
      for (let j = 0; j < zones.length; j += 3) {
        if (zones[j]! > u && zones[j]! < v) cuts.push(zones[j]!);
        if (zones[j + 1]! > u && zones[j + 1]! < v) cuts.push(zones[j + 1]!);
      }
      cuts.push(v);
      if (cuts.length === 2 && zoneMask(zones, m) < 0) {
        // W constant on the whole panel: plain GL weights
        const x2 = m * m;
        const w0 = x2 > lo0 && x2 < hi0 + 1 ? 1 : 0;
        const w1 = x2 > lo1 && x2 < hi1 + 1 ? 1 : 0;
        for (let k = 0; k < 16; k++) {
          om0[p * 16 + k] = w0 * h * GL16_W[k]!;
          om1[p * 16 + k] = w1 * h * GL16_W[k]!;
        }
        continue;
      }
      for (let q = 0; q + 1 < cuts.length; q++) {
        const a = cuts[q]!;
        const b = cuts[q + 1]!;
        if (!(b > a)) continue;
        const mid = 0.5 * (a + b);
        const mask = zoneMask(zones, mid);
        const zone = mask >= 0;
        // the window's value where no edge of it is active (0 or 1)
        const x2 = mid * mid;
        const w0c = x2 > lo0 && x2 < hi0 + 1 ? 1 : 0;
        const w1c = x2 > lo1 && x2 < hi1 + 1 ? 1 : 0;
        const act0 = zone ? mask & 3 : 0;
        const act1 = zone ? (mask >> 2) & 3 : 0;
        if (act0 === 0 && act1 === 0 && w0c === 0 && w1c === 0) continue;
        const ns = zone ? Math.max(1, Math.ceil((b - a) / (alpha * 0.5) - 1e-9)) : 1;
        for (let s = 0; s < ns; s++) {
          const sa = a + ((b - a) * s) / ns;
          const sb = s + 1 === ns ? b : a + ((b - a) * (s + 1)) / ns;
          const sm = 0.5 * (sa + sb);
          const sh = 0.5 * (sb - sa);
          for (let j = 0; j < 16; j++) {
            const z = sm + sh * GL16_X[j]!;
            const W0 = act0 === 0 ? w0c : windowActive(act0, lo0, hi0, z * z);
            const W1 = act1 === 0 ? w1c : windowActive(act1, lo1, hi1, z * z);
            if (act0 !== 0) window++;
            if (act1 !== 0) window++;
            const vz = sh * GL16_W[j]!;
            // Lagrange basis of the panel's nodes at z (barycentric)
            const t = (z - m) / h;
            let den = 0;
            let hit = -1;
            for (let k = 0; k < 16; k++) {
              const d = t - GL16_X[k]!;
              if (d === 0) hit = k;
              lag[k] = GL16_B[k]! / d;
              den += lag[k]!;
            }
            for (let k = 0; k < 16; k++) {
              const l = hit >= 0 ? (k === hit ? 1 : 0) : lag[k]! / den;
              om0[p * 16 + k] += vz * W0 * l;
              om1[p * 16 + k] += vz * W1 * l;
            }
          }
        }
      }
    }
    // Bob's p(b|a) in one dimension (Eq. 94: Rician with S = (1 - rE) S1 + S2) on the same nodes
    const S = c * c * S1 + S2;
    for (let j = 0; j < betaNodes; j++) {
      const k0 = rician(X[j]!, c * ga0, S);
      const k1 = rician(X[j]!, c * ga1, S);
      bob1d[0] += k0 * om0[j]!;
      bob1d[1] += k0 * om1[j]!;
      bob1d[2] += k1 * om0[j]!;
      bob1d[3] += k1 * om1[j]!;
    }
    // the Rician kernel on each r node's band |beta - c r| <= 9 sd2 + 1 (Eq. 101); per node
    // sqrt(x) and 1/x once, per r node sqrt(pi S2 c r) and S2/(2 c r) once (Hankel form above)
    const sx = new Float64Array(betaNodes);
    const ix = new Float64Array(betaNodes);
    for (let k = 0; k < betaNodes; k++) {
      sx[k] = Math.sqrt(X[k]!);
      ix[k] = 1 / X[k]!;
    }
    const invS2 = 1 / S2;
    const reach = PN_SD * sd2 + 1;
    let pLo = 0;
    for (let i = 0; i < nr; i++) {
      const cr = c * r[i]!;
      // panels are sorted; r nodes ascend within each interval, so restart the search when r drops
      if (i > 0 && r[i]! < r[i - 1]!) pLo = 0;
      while (pLo < nP && pb[2 * pLo + 1]! < cr - reach) pLo++;
      const A = 1 / Math.sqrt(Math.PI * S2 * cr);
      const B = S2 / (2 * cr);
      let s0 = 0;
      let s1 = 0;
      for (let p = pLo; p < nP && pb[2 * p]! <= cr + reach; p++) {
        for (let k = p * 16; k < p * 16 + 16; k++) {
          const u = B * ix[k]!; // 1/z
          let K: number;
          if (u * HANKEL_Z <= 1) {
            let h = HANKEL_C[14]!;
            for (let j = 13; j >= 0; j--) h = h * u + HANKEL_C[j]!;
            const d = X[k]! - cr;
            K = A * sx[k]! * Math.exp(-d * d * invS2) * h;
          } else K = rician(X[k]!, cr, S2);
          s0 += K * om0[k]!;
          s1 += K * om1[k]!;
        }
        kernel += 16;
        if (kernel > PN_MAX_WORK) tooMuch('the |beta| band', kernel);
      }
      g0[i] = s0;
      g1[i] = s1;
    }
  }

  // ---- p(b|a), p_check, I(A:B) from the same nodes as Eve's state ----
  let clamped = 0;
  const pba: [number, number, number, number] = [0, 0, 0, 0];
  for (let i = 0; i < nr; i++) {
    if (g0[i]! < 0) {
      if (g0[i]! < -1e-15) clamped++;
      g0[i] = 0;
    }
    if (g1[i]! < 0) {
      if (g1[i]! < -1e-15) clamped++;
      g1[i] = 0;
    }
    pba[0] += wa0[i]! * g0[i]!;
    pba[1] += wa0[i]! * g1[i]!;
    pba[2] += wa1[i]! * g0[i]!;
    pba[3] += wa1[i]! * g1[i]!;
  }
  if (S1 > 0 && S2 > 0) for (let j = 0; j < 4; j++) bobDiff = Math.max(bobDiff, Math.abs(pba[j]! - bob1d[j]!));
  const pA0 = pba[0] + pba[1];
  const pA1 = pba[2] + pba[3];
  const pCheck = 0.5 * (pA0 + pA1); // Eq. 96
  const iAB = mutualInformationBits(pba[0], pba[1], pba[2], pba[3], pCheck);

  // ---- Eve's Fock-diagonal states (Eq. 104) and chi (Eqs. 113-116) ----
  let chi = 0;
  let fock = 0;
  let state: PnEveState = { n0: 0, rho: [[1], [1]] }; // rE = 0: Eve holds vacuum
  const trace: [number, number] = [1, 1];
  if (rE > 0) {
    // Bayes priors q_a = p(check|a) / (2 p_check) (SPEC 3.2); chi of the normalised states
    const q0 = pA0 / (2 * pCheck);
    const q1 = pA1 / (2 * pCheck);
    const e = eveLattice(r, wa0, wa1, g0, g1, rE, withState ? 0 : alpha, q0, q1);
    fock = e.fock;
    trace[0] = e.f0 > 0 ? e.s0 / e.f0 : 1;
    trace[1] = e.f1 > 0 ? e.s1 / e.f1 : 1;
    const inv0 = e.s0 > 0 ? 1 / e.s0 : 0;
    const inv1 = e.s1 > 0 ? 1 / e.s1 : 0;
    // withState: one lattice of step 1 from n0 (the states on every Fock number)
    if (withState) state = { n0: e.n[0] ?? 0, rho: [Array.from(e.rho0, (v) => v * inv0), Array.from(e.rho1, (v) => v * inv1)] };
    // p_check = 0 (no detection at all): the priors are 0/0 and chi is NaN, as the rate
    if (!(q0 >= 0 && q1 >= 0)) chi = NaN;
    else for (let j = 0; j < e.n.length; j++) chi += e.step[j]! * holevoTerm(q0, q1, e.rho0[j]! * inv0, e.rho1[j]! * inv1);
  }
  const rate = pCheck * (iAB - chi); // Eq. 7, not clipped
  const res: PnSeparableResult & { eve?: PnEveState } = { rate, pCheck, iAB, chi, pba, trace, bobDiff, clamped, work: { rNodes: nr, betaNodes, kernel, window, fock } };
  if (withState) res.eve = state;
  return res;
}

/** Eve's unnormalised Fock weights on lattices (eveLattice): rho_a at Fock numbers n[j], each
 *  standing for step[j] Fock numbers; s_a = sum_j step[j] rho_a[j], f_a the weight put in. */
export interface EveLattice {
  n: number[];
  step: number[];
  rho0: number[];
  rho1: number[];
  s0: number;
  s1: number;
  f0: number;
  f1: number;
  /** Poisson weights accumulated (node x lattice point pairs, every level tried) */
  fock: number;
  /** largest relative difference between a cluster's accepted lattice and the one twice as coarse */
  latticeDiff: number;
}

/** Fock band of a node with Poisson mean lam: lam -+ PN_ZONE sqrt(lam) (+ PN_ZONE, 4 PN_ZONE). */
function fockBand(lam: number): [number, number] {
  return [Math.max(0, Math.floor(lam - PN_ZONE * Math.sqrt(lam) - PN_ZONE)), Math.ceil(lam + PN_ZONE * Math.sqrt(lam) + 4 * PN_ZONE)];
}

/** One cluster's Fock weights on the lattice lo + j m (0 <= j < J) and their sums. */
interface LatticeLevel {
  m: number;
  rho0: Float64Array;
  rho1: Float64Array;
  s0: number;
  s1: number;
  /** sum_j m holevoTerm(q0, q1, rho0_j / f0, rho1_j / f1): the cluster's chi before normalisation */
  x: number;
  fock: number;
}

/**
 * The weights of nodes idx[c0 .. c1) (a_a = wa_a (g0 + g1), lam = rE r^2) at lo + j m, j < J:
 * step 1 by the Poisson recurrence from each node's mode over its band (the full sum); step m > 1
 * from the log pmf at the lattice points inside each band (Loader's form: no cancellation).
 */
function latticeLevel(
  idx: number[], c0: number, c1: number, lo: number, hi: number, m: number,
  r: Float64Array, wa0: Float64Array, wa1: Float64Array, g0: Float64Array, g1: Float64Array, rE: number,
  q0: number, q1: number, f0: number, f1: number,
): LatticeLevel {
  const J = Math.floor((hi - lo) / m) + 1;
  const rho0 = new Float64Array(J);
  const rho1 = new Float64Array(J);
  let fock = 0;
  // 1/(n + 1) once per Fock number (step 1: the forward recurrence multiplies instead of dividing)
  const inv = m === 1 ? Float64Array.from({ length: J }, (_, o) => 1 / (lo + o + 1)) : undefined;
  // step m > 1: log P(n; lam) = C(n) - bd0(n, lam), C(n) = -log(2 pi n)/2 - stirlingCorr(n) (n >= 10)
  const C = m > 1 ? Float64Array.from({ length: J }, (_, j) => (lo + j * m >= 10 ? -0.5 * Math.log(lo + j * m) - LOG_SQRT_2PI - stirlingCorr(lo + j * m) : 0)) : undefined;
  for (let k = c0; k < c1; k++) {
    const i = idx[k]!;
    const gi = g0[i]! + g1[i]!;
    const a0 = wa0[i]! * gi;
    const a1 = wa1[i]! * gi;
    const lam = rE * r[i]! * r[i]!;
    if (lam === 0) {
      if (lo === 0) {
        rho0[0]! += a0;
        rho1[0]! += a1;
      }
      continue;
    }
    const [blo, bhi] = fockBand(lam);
    if (inv) {
      const bl = Math.max(lo, blo);
      const bh = Math.min(hi, bhi);
      // Poisson(n; lam) by recurrence from the mode (stable both ways)
      const mode = Math.min(bh, Math.max(bl, Math.floor(lam)));
      const pm = Math.exp(logPoissonPmf(mode, lam));
      const invLam = 1 / lam;
      let pn = pm;
      for (let n = mode; n <= bh; n++) {
        rho0[n - lo]! += a0 * pn;
        rho1[n - lo]! += a1 * pn;
        pn *= lam * inv[n - lo]!;
      }
      pn = pm;
      for (let n = mode - 1; n >= bl; n--) {
        pn *= (n + 1) * invLam;
        rho0[n - lo]! += a0 * pn;
        rho1[n - lo]! += a1 * pn;
      }
      fock += bh - bl + 1;
    } else {
      const j0 = Math.max(0, Math.ceil((blo - lo) / m));
      const j1 = Math.min(J - 1, Math.floor((bhi - lo) / m));
      const invLam = 1 / lam;
      for (let j = j0; j <= j1; j++) {
        // logPoissonPmf's saddle-point form with its n-only part C[j] precomputed
        const u = (lo + j * m - lam) * invLam;
        const pn = lo + j * m >= 10 ? Math.exp(C![j]! - lam * ((1 + u) * log1pmx(u) + u * u)) : Math.exp(logPoissonPmf(lo + j * m, lam));
        rho0[j]! += a0 * pn;
        rho1[j]! += a1 * pn;
      }
      fock += j1 - j0 + 1;
    }
  }
  let s0 = 0;
  let s1 = 0;
  let x = 0;
  const i0 = f0 > 0 ? 1 / f0 : 0;
  const i1 = f1 > 0 ? 1 / f1 : 0;
  const priors = q0 >= 0 && q1 >= 0;
  for (let j = 0; j < J; j++) {
    s0 += m * rho0[j]!;
    s1 += m * rho1[j]!;
    // 2: holevoTerm's bound on a normalised component, which rho_a / f_a can exceed only with a
    // truncated mass > 1 (never; the check keeps the comparison from throwing on rounding)
    if (priors) x += m * holevoTerm(q0, q1, Math.min(2, rho0[j]! * i0), Math.min(2, rho1[j]! * i1));
  }
  return { m, rho0, rho1, s0, s1, x, fock };
}

const relDiff = (a: number, b: number): number => (a === b ? 0 : Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b), 1e-300));

/**
 * rho_a(n) = sum_i a_i Poisson(n; lam_i) (Eq. 104 on the r nodes: a_i = w_a(r_i) (g_0 + g_1)(r_i),
 * lam_i = rE r_i^2) and the sums over n that chi needs, on lattices (Poisson summation; docs/
 * amplified.md "Fock lattice"). The nodes' Fock bands (fockBand) fall into clusters (runs of
 * overlapping bands; the r nodes ascend). A smooth summand's lattice sum with step m differs from
 * its full sum by its Fourier transform at 1/m, which falls like exp(-2 pi^2 (width / m)^2) for a
 * Poisson pmf of width sqrt(lam): a cluster clear of n = 0 starts at the power of two m0 <=
 * sqrt(lam_min) alpha / (PN_ALPHA PN_LATTICE) and halves the step until two successive lattices
 * agree within PN_LATTICE_AGREE (relative, in the cluster's masses and chi sum). That difference is
 * the coarser lattice's alias error; the finer one's, decaying exponentially in 1/m, is about its
 * square, so the accepted (finer) lattice is exact to rounding. Summands that are not smooth on
 * the Poisson width (mixtures of Poissons a gap apart: the log ratio of rho_0 and rho_1 turns
 * within 1 / ln(lam_1 / lam_0) counts) fail the test and halve down as far as step 1. Clusters
 * touching n = 0 use step 1 (the full sum); so do non-ascending nodes and alpha = 0 (then as one
 * cluster, contiguous from n[0]: the states on every n).
 */
export function eveLattice(
  r: Float64Array, wa0: Float64Array, wa1: Float64Array, g0: Float64Array, g1: Float64Array, rE: number, alpha: number,
  q0: number, q1: number,
): EveLattice {
  const out: EveLattice = { n: [], step: [], rho0: [], rho1: [], s0: 0, s1: 0, f0: 0, f1: 0, fock: 0, latticeDiff: 0 };
  const nr = r.length;
  // contributing nodes (ascending r, so ascending lam and bands)
  const idx: number[] = [];
  let ascending = true;
  for (let i = 0; i < nr; i++) {
    const gi = g0[i]! + g1[i]!;
    const a0 = wa0[i]! * gi;
    const a1 = wa1[i]! * gi;
    if (a0 + a1 === 0) continue;
    if (idx.length > 0 && r[i]! < r[idx[idx.length - 1]!]!) ascending = false;
    idx.push(i);
    out.f0 += a0;
    out.f1 += a1;
  }
  if (idx.length === 0) {
    out.n.push(0);
    out.step.push(1);
    out.rho0.push(0);
    out.rho1.push(0);
    return out;
  }
  const single = !ascending || alpha === 0;
  let c0 = 0;
  while (c0 < idx.length) {
    // one cluster: nodes idx[c0 .. c1) with overlapping bands
    let [lo, hi] = fockBand(rE * r[idx[c0]!]! ** 2);
    let c1 = c0 + 1;
    for (; c1 < idx.length; c1++) {
      const b = fockBand(rE * r[idx[c1]!]! ** 2);
      if (!single && b[0] > hi) break;
      lo = Math.min(lo, b[0]);
      hi = Math.max(hi, b[1]);
    }
    const width = Math.sqrt(rE * r[idx[c0]!]! ** 2);
    let m = 1;
    if (!single && lo > 0) while (2 * m <= (width * alpha) / (PN_ALPHA * PN_LATTICE)) m *= 2;
    let level = latticeLevel(idx, c0, c1, lo, hi, m, r, wa0, wa1, g0, g1, rE, q0, q1, out.f0, out.f1);
    out.fock += level.fock;
    while (level.m > 1) {
      const finer = latticeLevel(idx, c0, c1, lo, hi, level.m / 2, r, wa0, wa1, g0, g1, rE, q0, q1, out.f0, out.f1);
      out.fock += finer.fock;
      const d = Math.max(relDiff(level.s0, finer.s0), relDiff(level.s1, finer.s1), relDiff(level.x, finer.x));
      level = finer;
      if (d <= PN_LATTICE_AGREE) {
        if (level.m > 1) out.latticeDiff = Math.max(out.latticeDiff, d);
        break;
      }
    }
    for (let j = 0; j < level.rho0.length; j++) {
      out.n.push(lo + j * level.m);
      out.step.push(level.m);
      out.rho0.push(level.rho0[j]!);
      out.rho1.push(level.rho1[j]!);
      out.s0 += level.m * level.rho0[j]!;
      out.s1 += level.m * level.rho1[j]!;
    }
    c0 = c1;
  }
  return out;
}
