/**
 * Eve's classical-correlation (C.C.) attack with leakage ([L] App. A, Eqs. 10-12, 20, with the
 * re-flagging of SPEC.md 2). Given the state weight q = q_v and leakage L, the joint distribution
 * of the parties' outcomes a and Eve's guess e is split into three classes of e:
 *   flag f_i (product states, not leaked)      : q (1-L) p_sep(a|x)
 *   e = a   (outcomes known to Eve)             : q L (1-gamma_a) p_sep(a|x) + [uniform] (1-q) L p_ent(a|x)
 *   e = ?                                       : q L gamma_a p_sep(a|x) + K p_ent(a|x)
 * with K = (1-q)(1-L) for 'uniform' leakage (Eq. 12) and K = 1-q for 'junk' (Eq. 20: no leakage
 * when the entangled state is sent). The e=? part is affine in gamma: A_a gamma_a + B_a
 * (kernel coefficients, src/kernels/leakage-objective/spec.ts).
 */
import type { LeakageObjectiveBatch, Objective } from '../../kernels/leakage-objective/spec.js';

export type LeakageModel = 'uniform' | 'junk';

/** K: weight of the unleaked entangled events (Eq. 12 uniform, Eq. 20 junk). */
export function entWeight(q: number, leakage: number, model: LeakageModel): number {
  return model === 'uniform' ? (1 - q) * (1 - leakage) : 1 - q;
}

/** Kernel coefficients A_a = q L p_sep(a|x), B_a = K p_ent(a|x) (SPEC.md 2). */
export function attackCoefficients(
  pEnt: ArrayLike<number>,
  pSep: ArrayLike<number>,
  q: number,
  leakage: number,
  model: LeakageModel,
): { A: Float64Array; B: Float64Array } {
  const n = pEnt.length;
  const K = entWeight(q, leakage, model);
  const A = new Float64Array(n);
  const B = new Float64Array(n);
  for (let a = 0; a < n; a++) {
    A[a] = q * leakage * pSep[a]!;
    B[a] = K * pEnt[a]!;
  }
  return { A, B };
}

export interface AttackDistribution {
  /** p(a, e = product flag | x), summed over the flags f_i (Eq. 11, first term) */
  flagged: Float64Array;
  /** p(a, e = a | x): outcomes known to Eve */
  known: Float64Array;
  /** p(a, e = ? | x) */
  unknown: Float64Array;
  /** sum of all entries (1 up to rounding) */
  total: number;
}

/**
 * Full p(a, e | x) of Eqs. 12 / 20 for mixing parameters gamma (one per outcome), validated:
 * gamma_a in [0,1], q in [0,1], L in [0,1), distributions normalised; throws RangeError otherwise.
 */
export function attackDistribution(
  pEnt: ArrayLike<number>,
  pSep: ArrayLike<number>,
  q: number,
  leakage: number,
  model: LeakageModel,
  gamma: ArrayLike<number>,
): AttackDistribution {
  const n = pEnt.length;
  if (pSep.length !== n || gamma.length !== n) throw new RangeError('pEnt, pSep and gamma must have the same length');
  if (!(q >= 0 && q <= 1)) throw new RangeError(`q must be in [0,1], got ${q}`);
  if (!(leakage >= 0 && leakage < 1)) throw new RangeError(`leakage must be in [0,1), got ${leakage}`);
  let se = 0;
  let ss = 0;
  for (let a = 0; a < n; a++) {
    const g = gamma[a]!;
    if (!(g >= 0 && g <= 1)) throw new RangeError(`gamma[${a}] must be in [0,1], got ${g}`);
    if (!(pEnt[a]! >= 0 && pSep[a]! >= 0)) throw new RangeError(`negative probability at outcome ${a}`);
    se += pEnt[a]!;
    ss += pSep[a]!;
  }
  if (Math.abs(se - 1) > 1e-9 || Math.abs(ss - 1) > 1e-9) throw new RangeError(`p_ent / p_sep not normalised (${se}, ${ss})`);
  const K = entWeight(q, leakage, model);
  const leakEnt = model === 'uniform' ? (1 - q) * leakage : 0;
  const flagged = new Float64Array(n);
  const known = new Float64Array(n);
  const unknown = new Float64Array(n);
  let total = 0;
  for (let a = 0; a < n; a++) {
    const g = gamma[a]!;
    flagged[a] = q * (1 - leakage) * pSep[a]!; // Eq. 11/12 first term
    known[a] = q * leakage * (1 - g) * pSep[a]! + leakEnt * pEnt[a]!; // Eq. 12 delta_{e,a} terms
    unknown[a] = q * leakage * g * pSep[a]! + K * pEnt[a]!; // Eq. 12 delta_{e,?} terms
    total += flagged[a]! + known[a]! + unknown[a]!;
  }
  return { flagged, known, unknown, total };
}

/**
 * The paper's attack (Eq. 16, with K for either model): gamma_a = K (max p_ent - p_ent(a)) /
 * (q L p_sep(a)), which makes p(a|e=?) uniform (I = 0) when every gamma_a <= 1; clipped to [0,1].
 */
export function paperGamma(pEnt: ArrayLike<number>, pSep: ArrayLike<number>, q: number, leakage: number, model: LeakageModel): Float64Array {
  const n = pEnt.length;
  const K = entWeight(q, leakage, model);
  let mx = 0;
  for (let a = 0; a < n; a++) mx = Math.max(mx, pEnt[a]!);
  const g = new Float64Array(n);
  for (let a = 0; a < n; a++) {
    const den = q * leakage * pSep[a]!;
    const num = K * (mx - pEnt[a]!);
    g[a] = den > 0 ? Math.min(1, Math.max(0, num / den)) : num > 0 ? 1 : 0;
  }
  return g;
}

/** A one-problem batch (helper for tests and single evaluations). */
export function singleBatch(
  dim: number,
  parties: number,
  A: ArrayLike<number>,
  B: ArrayLike<number>,
  gammas: ArrayLike<number>[],
  objective: Objective,
): LeakageObjectiveBatch {
  const n = A.length;
  const coef = new Float64Array(2 * n);
  coef.set(A, 0);
  coef.set(B, n);
  const g = new Float64Array(gammas.length * n);
  gammas.forEach((x, i) => g.set(x, i * n));
  return { dim, parties, coef, gammas: g, problemOf: new Uint32Array(gammas.length), objective };
}
