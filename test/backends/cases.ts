/**
 * One table of leakage-objective cases run on every available backend (and the pool) against the
 * reference twin. Coefficients are built from SPEC.md section 2 directly (independent of the
 * leakage model code): rho_v = v|phi><phi| + (1-v) 1/d^N, q = (1+D)(1-v)/D (App. A),
 * p_sep = (p_phi + 1/d)/(1+D) (Eq. 9), p_ent = (p_v - q p_sep)/(1-q); A = q L p_sep,
 * B = K p_ent with K = (1-q)(1-L) (uniform, Eq. 12) or (1-q) (junk, Eq. 20).
 */
import type { LeakageObjectiveBatch, Objective } from '../../src/kernels/leakage-objective/spec.js';
import { mulberry32 } from '../../src/util/prng.js';
export { mulberry32 as rng };

export interface Problem {
  dim: number;
  parties: number;
  leakage: number;
  visibility: number;
  model: 'uniform' | 'junk';
  /** Relative angle of the last party's measurement (qubits only; 0 = aligned computational basis). */
  theta: number;
}

/** p_phi(a): outcome distribution of |phi_{d,N}> (GHZ) measured as in `Problem`. */
function pPhi(p: Problem): number[] {
  const n = p.dim ** p.parties;
  const out: number[] = [];
  for (let a = 0; a < n; a++) {
    const digits: number[] = [];
    let r = a;
    for (let i = 0; i < p.parties; i++) {
      digits.unshift(r % p.dim);
      r = Math.floor(r / p.dim);
    }
    if (p.theta !== 0) {
      // d = 2, N = 2: |phi+>, Alice Z, Bob at angle theta in XZ: p(a,b) = (1 + (-1)^(a+b) cos theta)/4
      out.push((1 + (digits[0] === digits[1] ? 1 : -1) * Math.cos(p.theta)) / 4);
    } else {
      out.push(digits.every((x) => x === digits[0]) ? 1 / p.dim : 0);
    }
  }
  return out;
}

/** Coefficients [A_0..A_{n-1}, B_0..B_{n-1}] of one problem. */
export function coefficients(p: Problem): number[] {
  const n = p.dim ** p.parties;
  const D = p.dim ** (p.parties - 1);
  const phi = pPhi(p);
  const q = Math.min(1, ((1 + D) * (1 - p.visibility)) / D);
  const pv = phi.map((x) => p.visibility * x + (1 - p.visibility) / n);
  const psep = phi.map((x) => (x + 1 / p.dim) / (1 + D));
  const pent = pv.map((x, a) => (q < 1 ? Math.max(0, (x - q * psep[a]!) / (1 - q)) : 0));
  const K = p.model === 'uniform' ? (1 - q) * (1 - p.leakage) : 1 - q;
  return [...psep.map((x) => q * p.leakage * x), ...pent.map((x) => K * x)];
}

/** Uniform-leakage threshold v* = 1/(1 + D(1-L)) (SPEC 2, corrected Thm. 1). */
export const vStarUniform = (d: number, N: number, L: number): number => 1 / (1 + d ** (N - 1) * (1 - L));
/** Junk threshold v* = (1+L)/(1+D+L). */
export const vStarJunk = (d: number, N: number, L: number): number => (1 + L) / (1 + d ** (N - 1) + L);


export interface Case {
  label: string;
  batch: LeakageObjectiveBatch;
}

/** Problems for one (d, N): extreme leakages, visibilities at/near thresholds, both models. */
function problemsFor(dim: number, parties: number): Problem[] {
  const D = dim ** (parties - 1);
  const out: Problem[] = [];
  for (const L of [0, 0.1, 0.3, 0.999]) {
    for (const v of [1 / (1 + D), vStarUniform(dim, parties, L), vStarJunk(dim, parties, L), 0.37, 0.9, 1]) {
      for (const model of ['uniform', 'junk'] as const) out.push({ dim, parties, leakage: L, visibility: v, model, theta: 0 });
    }
  }
  if (dim === 2 && parties === 2) {
    for (const theta of [0.3, Math.PI / 4, Math.PI / 2]) out.push({ dim, parties, leakage: 0.2, visibility: 0.5, model: 'uniform', theta });
  }
  return out;
}

/** Gamma points: box corners (all 2^n for n <= 9), the centre, random interior points. */
function gammaPoints(n: number, random: number, next: () => number): number[][] {
  const pts: number[][] = [];
  for (let c = 0; c < 2 ** n; c++) pts.push(Array.from({ length: n }, (_, a) => (c >> a) & 1));
  pts.push(Array(n).fill(0.5));
  for (let i = 0; i < random; i++) pts.push(Array.from({ length: n }, () => next()));
  return pts;
}

/** The agreement table: for each (d, N) and objective, one batch over all problems x points. */
export function agreementCases(): Case[] {
  const cases: Case[] = [];
  const next = mulberry32(12345);
  for (const [dim, parties] of [[2, 2], [3, 2], [2, 3]] as const) {
    const n = dim ** parties;
    const problems = problemsFor(dim, parties);
    const coef = problems.flatMap(coefficients);
    // add a P = 0 problem (all coefficients zero) and one with subnormal / tiny weights
    coef.push(...Array(2 * n).fill(0));
    coef.push(...Array.from({ length: 2 * n }, (_, i) => (i % 3 === 0 ? 5e-310 : i % 3 === 1 ? 1e-300 : 0.25)));
    const nProblems = problems.length + 2;
    const gam: number[] = [];
    const problemOf: number[] = [];
    for (let p = 0; p < nProblems; p++) {
      for (const g of gammaPoints(n, 7, next)) {
        gam.push(...g);
        problemOf.push(p);
      }
    }
    // shuffle point order so SIMD lane pairs mix problems; keep an odd count (SIMD tail path)
    const order = problemOf.map((_, i) => i);
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(next() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    if (order.length % 2 === 0) order.pop();
    const gammas = new Float64Array(order.length * n);
    const pOf = new Uint32Array(order.length);
    order.forEach((src, dst) => {
      gammas.set(gam.slice(src * n, src * n + n), dst * n);
      pOf[dst] = problemOf[src]!;
    });
    for (const objective of ['joint', 'conditional'] as Objective[]) {
      cases.push({
        label: `d=${dim} N=${parties} ${objective} (${order.length} points, ${nProblems} problems)`,
        batch: { dim, parties, coef: Float64Array.from(coef), gammas, problemOf: pOf, objective },
      });
    }
  }
  return cases;
}

/**
 * Magnitude S of the terms F is summed from, in bits: sum_a |w ln w| + sum |m ln m| + (N-1)|P ln P|
 * over ln 2 (divided by P for 'conditional'). Backends that differ by ~1 ulp per logarithm differ by
 * a few ulp of S in F; where F << S (cancellation near the zero of the rate) that is far above
 * 1e-12 |F|, so the agreement criterion is |F - F_ref| <= 1e-12 |F_ref| + 4e-15 S (4e-15 ~ 18 ulp
 * of S; measured worst case ~1.7 ulp over 1.2e5 random points).
 */
export function termScale(b: LeakageObjectiveBatch, i: number): number {
  const n = b.dim ** b.parties;
  const c = b.problemOf[i]! * 2 * n;
  const marg = new Float64Array(b.dim * b.parties);
  const t = (x: number): number => (x > 0 ? Math.abs(x * Math.log2(x)) : 0);
  let P = 0;
  let S = 0;
  for (let a = 0; a < n; a++) {
    const w = b.gammas[i * n + a]! * b.coef[c + a]! + b.coef[c + n + a]!;
    P += w;
    S += t(w);
    let r = a;
    for (let k = b.parties - 1; k >= 0; k--) {
      const dgt = r % b.dim;
      r = (r - dgt) / b.dim;
      marg[k * b.dim + dgt] += w;
    }
  }
  for (const m of marg) S += t(m);
  S += (b.parties - 1) * t(P);
  return b.objective === 'conditional' && P > 0 ? S / P : S;
}

/**
 * Worst violation ratio |F - F_ref| / (1e-12 |F_ref| + 4e-15 S) over a batch (<= 1 passes).
 * A NaN in `got` or `ref` (at any index) or a length mismatch gives ratio Infinity (fails).
 */
export function worstAgreement(b: LeakageObjectiveBatch, got: Float64Array, ref: Float64Array): { ratio: number; index: number } {
  if (got.length !== ref.length || ref.length !== b.problemOf.length) return { ratio: Infinity, index: -1 };
  let ratio = 0;
  let index = -1;
  for (let i = 0; i < ref.length; i++) {
    if (Number.isNaN(got[i]!) || Number.isNaN(ref[i]!)) return { ratio: Infinity, index: i };
    const tol = 1e-12 * Math.abs(ref[i]!) + 4e-15 * termScale(b, i);
    const d = Math.abs(got[i]! - ref[i]!);
    const r = tol > 0 ? d / tol : d === 0 ? 0 : Infinity;
    if (Number.isNaN(r)) return { ratio: Infinity, index: i }; // e.g. Inf - Inf
    if (r > ratio) {
      ratio = r;
      index = i;
    }
  }
  return { ratio, index };
}
