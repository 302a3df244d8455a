/**
 * Kernel contract 'leakage-grid-screen': screen Eve's objective F_x(gamma) of [L] App. B
 * (Eqs. 25-29; formula in ../leakage-objective/spec.ts) on a regular grid over [0,1]^n for a
 * batch of problems and keep only the best K grid points ("cells") per problem, reduced inside
 * the backend (no per-point readback).
 *
 * Grid (same convention as 'leakage-grid-min'): gamma_a = k_a * step, step = 1/(G-1),
 * k_a in 0..G-1, a = 0..n-1 (n = d^N <= 9), linear index c = sum_a k_a G^a (axis 0 fastest).
 * Cell of c = the box {gamma : |gamma_a - k_a step| <= step/2}; the cells cover [0,1]^n.
 *
 * Output per problem p: best[p*K .. p*K+K) = the K smallest (F, c) pairs in (value, index)
 * lexicographic order (values in the backend's precision; f32 backends may order near-ties
 * differently from f64, see docs/webgpu.md), and modulus[p] = a proven bound M_p with
 *     |F(gamma) - F(gamma')| <= M_p  whenever  max_a |gamma_a - gamma'_a| <= step/2
 * for the 'joint' objective (NaN for 'conditional', where no bound is derived), so
 *     min_[0,1]^n F >= min_grid F - M_p         (certified lower bound, up to evaluation error).
 *
 * Derivation of M_p (docs/webgpu.md): with phi(x) = x log2 x,
 *   F = sum_a phi(w_a) - sum_{i,k} phi(m_i(k)) + (N-1) phi(P)            ([L] Eq. 27, spec.ts)
 * and w_a = gamma_a A_a + B_a with A_a >= 0, moving gamma by <= h = step/2 per axis moves
 *   w_a by <= A_a h,  m_i(k) by <= sum_{a: a_i = k} A_a h,  P by <= sum_a A_a h.
 * phi is not Lipschitz at 0, but |phi(x) - phi(y)| = |int_y^x phi'(t) dt| and |phi'(t)| =
 * |log2 t + 1/ln 2| is decreasing on (0, 1/e) and increasing after, so over [0, U] the integral
 * over any window of length delta is largest at an end of [0, U]:
 *   omega(delta, U) = max( int_0^delta |phi'|, int_{U-delta}^U |phi'| )   (delta <= U),
 * computed exactly from the antiderivative phi (split at 1/e). U is the largest value the
 * argument takes on [0,1]^n (A + B summed as for the argument). Then
 *   M_p = sum_a omega(A_a h, U_a) + sum_{i,k} omega(A_ik h, U_ik) + (N-1) omega(A_P h, U_P).
 */
import type { Objective } from '../leakage-objective/spec.js';
import { InputError } from '../../errors.js';

export const LEAKAGE_GRID_SCREEN = 'leakage-grid-screen';
/** Largest K a backend must support. */
export const MAX_TOP_K = 8;

export interface LeakageGridScreenInput {
  dim: number;
  parties: number;
  /** problems * 2n: A at [p*2n, +n), B at [p*2n+n, +n) (as LeakageObjectiveBatch.coef). */
  coef: Float64Array;
  /** Grid points per axis G >= 2; G^n <= 2^40. */
  grid: number;
  /** Best cells kept per problem, 1..8 (<= G^n). */
  topK: number;
  objective: Objective;
}

export interface LeakageGridScreenOutput {
  /** problems * K values of F at the best grid points, ascending per problem. */
  values: Float64Array;
  /** problems * K linear grid indices c (exact integers < 2^40). */
  index: Float64Array;
  /** Grid spacing 1/(G-1). */
  step: number;
  /** Per problem: M_p (see above), NaN for 'conditional'. */
  modulus: Float64Array;
  /** 'f64' or 'f32': precision the values were computed in. */
  precision: 'f64' | 'f32';
  /** Grid points evaluated per problem (G^n). */
  evaluations: number;
}

/** Validate a screen input; throws InputError naming the parameter and its allowed range. */
export function checkGridScreenShape(b: LeakageGridScreenInput): { n: number; problems: number; total: number } {
  if (!Number.isInteger(b.dim) || b.dim < 2) throw new InputError('dim', 'integer >= 2', b.dim);
  if (!Number.isInteger(b.parties) || b.parties < 2) throw new InputError('parties', 'integer >= 2', b.parties);
  const n = b.dim ** b.parties;
  if (n > 9) throw new InputError('parties', 'd^N <= 9', b.parties, `d^N = ${n} exceeds 9`);
  if (!(b.coef instanceof Float64Array) || b.coef.length % (2 * n) !== 0 || b.coef.length === 0)
    throw new InputError('coef', `Float64Array, positive multiple of 2n = ${2 * n} long`, b.coef?.length);
  if (!Number.isInteger(b.grid) || b.grid < 2) throw new InputError('grid', 'integer >= 2', b.grid);
  if (n * Math.log2(b.grid) > 40) throw new InputError('grid', `grid^n <= 2^40 (n = ${n})`, b.grid, `grid^n exceeds 2^40 points per problem`);
  const total = b.grid ** n;
  if (!Number.isInteger(b.topK) || b.topK < 1 || b.topK > MAX_TOP_K || b.topK > total)
    throw new InputError('topK', `integer in 1..${Math.min(MAX_TOP_K, total)}`, b.topK);
  if (b.objective !== 'joint' && b.objective !== 'conditional') throw new InputError('objective', "'joint' | 'conditional'", b.objective);
  for (let i = 0; i < b.coef.length; i++) {
    const v = b.coef[i]!;
    if (!(v >= 0) || !Number.isFinite(v)) throw new InputError(`coef[${i}]`, 'finite, >= 0', v);
  }
  return { n, problems: b.coef.length / (2 * n), total };
}

/** Base-G digits of linear grid index c (axis 0 first), written to `out` (length n). */
export function gridDigits(c: number, grid: number, n: number, out: Float64Array = new Float64Array(n)): Float64Array {
  let rest = c;
  for (let a = 0; a < n; a++) {
    const k = rest % grid;
    out[a] = k;
    rest = (rest - k) / grid;
  }
  return out;
}

/** Gamma point of linear grid index c. */
export function gridPoint(c: number, grid: number, n: number): Float64Array {
  const g = gridDigits(c, grid, n);
  const step = 1 / (grid - 1);
  for (let a = 0; a < n; a++) g[a] = Math.min(1, g[a]! * step);
  return g;
}

const LN2 = Math.LN2;
const phi = (x: number): number => (x > 0 ? (x * Math.log(x)) / LN2 : 0);
const INV_E = 1 / Math.E;

/** int_a^b |phi'(t)| dt for 0 <= a <= b, phi(x) = x log2 x (phi' changes sign at 1/e). */
export function absDerivIntegral(a: number, b: number): number {
  if (a < INV_E && b > INV_E) return Math.abs(phi(INV_E) - phi(a)) + Math.abs(phi(b) - phi(INV_E));
  return Math.abs(phi(b) - phi(a));
}

/** omega(delta, U): sup |phi(x)-phi(y)| over x,y in [0,U], |x-y| <= delta (see header). */
export function phiModulus(delta: number, U: number): number {
  if (delta <= 0) return 0;
  if (delta >= U) return absDerivIntegral(0, U); // |phi(x)-phi(y)| <= total variation on [0,U]
  return Math.max(absDerivIntegral(0, delta), absDerivIntegral(U - delta, U));
}

/**
 * M_p for problem p: |F(g) - F(g')| <= M_p when max_a |g_a - g'_a| <= halfWidth ('joint').
 * Rounded up by a relative 1e-12 to cover the f64 evaluation of this bound itself.
 */
export function cellModulus(dim: number, parties: number, coef: ArrayLike<number>, p: number, halfWidth: number): number {
  const n = dim ** parties;
  const o = p * 2 * n;
  let M = 0;
  const mA = new Float64Array(dim * parties);
  const mU = new Float64Array(dim * parties);
  let PA = 0;
  let PU = 0;
  for (let a = 0; a < n; a++) {
    const A = coef[o + a]!;
    const B = coef[o + n + a]!;
    M += phiModulus(A * halfWidth, A + B);
    PA += A;
    PU += A + B;
    let rest = a;
    for (let i = parties - 1; i >= 0; i--) {
      const k = rest % dim;
      rest = (rest - k) / dim;
      mA[i * dim + k] += A;
      mU[i * dim + k] += A + B;
    }
  }
  for (let j = 0; j < dim * parties; j++) M += phiModulus(mA[j]! * halfWidth, mU[j]!);
  M += (parties - 1) * phiModulus(PA * halfWidth, PU);
  return M * (1 + 1e-12);
}
