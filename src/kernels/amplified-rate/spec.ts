/**
 * Kernel contract 'amplified-rate': Lf/L of the amplified-line model [A] (Eq. 7) for a batch of
 * parameter points, written once here: inputs, layouts (strides), the point-validity rule, and
 * the evaluation count. Implementations:
 *   - TypeScript twin: the amplified model's `evaluateBatch` (src/models/amplified/kernels.ts; the
 *     physics is the model's, photon-number.ts / phase.ts). The model hands it to the registry as
 *     its reference implementation (`ModelKernels.references`, src/kernels/evaluator.ts), so no
 *     backend imports the model;
 *   - AssemblyScript: assembly/amplified/rate.ts (host side src/backends/wasm/amplified.ts).
 *
 * Layouts (flat Float64Array, stride AMPLIFIED_STRIDE[encoding]):
 *   photon-number, stride 6: [|gamma0|^2, |gamma1|^2, theta1, theta2, theta3, theta4]
 *   phase, stride 3:          [|gamma|^2, theta1', theta2']
 * Invalid points (amplifiedPointValid false: SPEC 3.2/3.3 window constraints) give NaN, are not
 * errors and cost no evaluation. The AssemblyScript and WGSL ports restate this rule in their
 * own language (assembly/amplified/rate.ts, shaders/amplified-screen.wgsl host filter).
 * Tolerance between implementations: see test/backends/amplified-agreement.test.ts (SPEC 4: f64
 * backends agree to 1e-10 relative on photon-number, 1e-12 on phase).
 */
export type Encoding = 'photon-number' | 'phase';

export interface AmplifiedBatchFixed {
  encoding: Encoding;
  G1: number;
  G2: number;
  /** the leak rE: fraction of the signal taken by Eve, [0, 1) (docs/glossary.md) */
  leak: number;
  method: 'exact' | 'paper';
  /** quadrature tolerance (photon-number); default 1e-15 */
  tol?: number;
}

export interface AmplifiedRateInput {
  fixed: AmplifiedBatchFixed;
  /** Flat points, stride AMPLIFIED_STRIDE[fixed.encoding]. */
  points: Float64Array;
}

export interface AmplifiedRateOutput {
  /** Lf/L per point (NaN where the point violates the window constraints). */
  values: Float64Array;
  /** Inner evaluations reported by the implementation (for re-derivability). */
  evaluations: number;
}

export const AMPLIFIED_STRIDE: Readonly<Record<Encoding, number>> = { 'photon-number': 6, phase: 3 };

/** Signature of a synchronous batch implementation: fills out[i] with Lf/L of point i; returns inner evaluations. */
export type AmplifiedBatchFn = (fixed: AmplifiedBatchFixed, points: Float64Array, out: Float64Array) => number;

/**
 * The point-validity rule (SPEC 3.2 photon number, 3.3 phase) of point i of a flat batch:
 *   photon-number: |gamma0|^2 >= 0, |gamma1|^2 > 0, every value finite, theta3 >= theta1,
 *                  theta4 >= theta2, theta1 + theta2 >= 1 (E0, E1 disjoint), theta1 <= mu
 *                  (mu = (|gamma0|^2 + |gamma1|^2)/2: E0 inside [0, inf));
 *   phase:         |gamma|^2 > 0, 0 <= theta1' < theta2'.
 */
export function amplifiedPointValid(encoding: Encoding, points: ArrayLike<number>, i: number): boolean {
  const o = i * AMPLIFIED_STRIDE[encoding];
  if (encoding === 'phase') {
    const g = points[o]!;
    const t1 = points[o + 1]!;
    const t2 = points[o + 2]!;
    return g > 0 && t1 >= 0 && t2 > t1;
  }
  const p0 = points[o]!;
  const p1 = points[o + 1]!;
  const t1 = points[o + 2]!;
  const t2 = points[o + 3]!;
  const t3 = points[o + 4]!;
  const t4 = points[o + 5]!;
  const mu = (p0 + p1) / 2;
  return p0 >= 0 && p1 > 0 && Number.isFinite(p0) && Number.isFinite(p1) &&
    Number.isFinite(t1) && Number.isFinite(t2) && Number.isFinite(t3) && Number.isFinite(t4) &&
    t3 >= t1 && t4 >= t2 && t1 + t2 >= 1 && mu - t1 >= 0;
}

/** Shape check: returns the point count. */
export function checkAmplifiedShape(input: AmplifiedRateInput): number {
  const stride = AMPLIFIED_STRIDE[input.fixed?.encoding];
  if (!stride) throw new RangeError(`fixed.encoding must be 'photon-number' or 'phase', got ${String(input.fixed?.encoding)}`);
  if (input.points.length % stride !== 0) throw new RangeError(`points length ${input.points.length} is not a multiple of the stride ${stride}`);
  return input.points.length / stride;
}

/** Run a synchronous batch implementation on a kernel input (reference backend, pool chunks). */
export function runAmplifiedBatch(fn: AmplifiedBatchFn, input: AmplifiedRateInput, out?: Float64Array): AmplifiedRateOutput {
  const n = checkAmplifiedShape(input);
  const values = out ?? new Float64Array(n);
  const evaluations = fn(input.fixed, input.points, values);
  return { values, evaluations };
}
