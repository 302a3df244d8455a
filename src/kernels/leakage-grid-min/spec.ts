/**
 * Kernel contract 'leakage-grid-min': Eve's global grid search of [L] App. B (min over gamma of
 * F_x(gamma), Eqs. 25-29) for a batch of problems, fused so the grid never leaves the backend.
 * (Lives under src/backends/ for now; it belongs beside src/kernels/leakage-objective/.)
 *
 * For each problem p (coefficients as in LeakageObjectiveBatch.coef) the grid is
 *   gamma_a = k_a * step, step = 1/(G-1), k_a in 0..G-1, a = 0..n-1 (n = d^N),
 * enumerated in the order c = sum_a k_a G^a (axis 0 fastest); min[p] is the smallest F over
 * the G^n points and arg[p*n .. p*n+n) the first point (in that order) attaining it.
 * Backends agree on min to the objective's tolerance; argmin may differ between backends where
 * two grid points' F differ by less than that tolerance (symmetric problems), so compare
 * F_ref(arg) against min_ref, not arg itself. A NaN F (invalid coefficients: the objective's
 * contract, a bug upstream) never wins the minimum (every backend compares f < best); it is
 * seen where the model evaluates the objective itself (the f64 local search and the refine
 * stage count NaN values as nanEvents; an all-NaN problem is refused).
 */
import type { Objective } from '../../kernels/leakage-objective/spec.js';

export interface LeakageGridMinInput {
  dim: number;
  parties: number;
  /** problems * 2n: A at [p*2n, +n), B at [p*2n+n, +n). */
  coef: Float64Array;
  /** Grid points per gamma axis, >= 2; G^n must stay <= 2^40. */
  grid: number;
  objective: Objective;
}

export interface LeakageGridMinOutput {
  /** Minimum of F per problem. */
  min: Float64Array;
  /** Minimising gamma per problem (problems * n). */
  arg: Float64Array;
}

export function checkGridMinShape(b: LeakageGridMinInput): { n: number; problems: number } {
  if (!Number.isInteger(b.dim) || b.dim < 2) throw new RangeError(`dim must be an integer >= 2, got ${b.dim}`);
  if (!Number.isInteger(b.parties) || b.parties < 2) throw new RangeError(`parties must be an integer >= 2, got ${b.parties}`);
  const n = b.dim ** b.parties;
  if (b.coef.length % (2 * n) !== 0) throw new RangeError(`coef length ${b.coef.length} is not a multiple of 2n = ${2 * n}`);
  if (!Number.isInteger(b.grid) || b.grid < 2) throw new RangeError(`grid must be an integer >= 2, got ${b.grid}`);
  if (n * Math.log2(b.grid) > 40) throw new RangeError(`grid^n = ${b.grid}^${n} exceeds 2^40 points per problem`);
  return { n, problems: b.coef.length / (2 * n) };
}
