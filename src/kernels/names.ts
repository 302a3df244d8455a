/** Names of the batch kernels (src/kernels/<name>/spec.ts holds each contract, reference.ts its TS twin). */
export const KERNELS = {
  /** Eve's objective F_x(gamma), [L] Eqs. 25-29: LeakageObjectiveBatch -> Float64Array (f64). */
  leakageObjective: 'leakage-objective',
  /** Fused grid search min_gamma F over the box (src/kernels/leakage-grid-min/spec.ts; f64). */
  leakageGridMin: 'leakage-grid-min',
  /** Best-K grid cells of F with a proven cell modulus (src/kernels/leakage-grid-screen/spec.ts; a screen). */
  leakageGridScreen: 'leakage-grid-screen',
  /** Lf/L of the amplified-line model for a batch of points (src/kernels/amplified-rate/spec.ts; f64). */
  amplifiedRate: 'amplified-rate',
  /** f32 screen of the amplified photon-number encoding (src/kernels/amplified-screen/spec.ts; a screen). */
  amplifiedScreen: 'amplified-screen',
} as const;
export type KernelName = (typeof KERNELS)[keyof typeof KERNELS];
