/**
 * Kernel contract: Eve's objective F_x(gamma) of the leakage paper [L], App. B Eqs. 25-29,
 * evaluated for a batch of gamma points. Every backend (reference, wasm, webgpu, gpujs)
 * implements exactly this contract; `reference.ts` is the truth.
 *
 * One *problem* is a fixed (d, N, visibility, leakage, model, setting x). For it the joint
 * probability of outcome a with Eve's flag e = ? is affine in gamma_a (SPEC.md section 2, Eq. 12/20):
 *     w_a(gamma) = p(a, e=? | x) = gamma_a * A_a + B_a,      a = 0 .. n-1, n = d^N,
 * with A_a = q L p_sep(a|x) and B_a = K p_ent(a|x) (K = (1-q)(1-L) uniform, (1-q) junk).
 * Outcome index a = sum_i a_i d^(N-1-i) (party 1 is the most significant digit).
 *
 * With P = sum_a w_a and marginals m_i(k) = sum_{a: a_i = k} w_a, the multipartite (total
 * correlation) information in bits satisfies
 *     P * I(A_1..A_N | ?) = sum_a w_a log2 w_a - sum_i sum_k m_i(k) log2 m_i(k) + (N-1) P log2 P,
 * so the 'joint' objective (Eq. 27, default) is F = P * I and the 'conditional' one is F = I.
 * 0 log 0 = 0; P = 0 gives F = 0. A NaN or negative w_a (NaN or negative coefficients: a bug
 * upstream) gives F = NaN, never a silent 0; callers count such values (leakage model `nanEvents`).
 */
export type Objective = 'joint' | 'conditional';

/**
 * Largest d^N of the kernel at screening precision (f32, the WGSL twin: shaders/leakage-common.wgsl
 * MAXN); f64 backends have no limit. A screening backend refuses larger batches.
 */
export const SCREEN_MAX_OUTCOMES = 32;

export interface LeakageObjectiveBatch {
  /** Local dimension d >= 2 (homogeneous over the batch). */
  dim: number;
  /** Number of parties N >= 2 (homogeneous over the batch). */
  parties: number;
  /** Per problem p: A at [p*2n, p*2n+n), B at [p*2n+n, p*2n+2n). Length = problems * 2n. */
  coef: Float64Array;
  /** Gamma points, n values each in [0,1]. Length = points * n. */
  gammas: Float64Array;
  /** For each gamma point, the index of its problem in `coef`. Length = points. */
  problemOf: Uint32Array;
  objective: Objective;
}

/** Number of joint outcomes n = d^N. */
export function outcomeCount(dim: number, parties: number): number {
  return dim ** parties;
}

/** Check the array shapes of a batch; throws RangeError naming the mismatched field. */
export function checkBatchShape(b: LeakageObjectiveBatch): { n: number; problems: number; points: number } {
  const n = outcomeCount(b.dim, b.parties);
  if (!Number.isInteger(b.dim) || b.dim < 2) throw new RangeError(`dim must be an integer >= 2, got ${b.dim}`);
  if (!Number.isInteger(b.parties) || b.parties < 2) throw new RangeError(`parties must be an integer >= 2, got ${b.parties}`);
  if (b.coef.length % (2 * n) !== 0) throw new RangeError(`coef length ${b.coef.length} is not a multiple of 2n = ${2 * n}`);
  if (b.gammas.length % n !== 0) throw new RangeError(`gammas length ${b.gammas.length} is not a multiple of n = ${n}`);
  const problems = b.coef.length / (2 * n);
  const points = b.gammas.length / n;
  if (b.problemOf.length !== points) throw new RangeError(`problemOf length ${b.problemOf.length} != points ${points}`);
  for (let i = 0; i < points; i++) {
    if (b.problemOf[i]! >= problems) throw new RangeError(`problemOf[${i}] = ${b.problemOf[i]} >= problems ${problems}`);
  }
  return { n, problems, points };
}
