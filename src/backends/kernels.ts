/** Names of the batch kernels backends can run (src/kernels/<name>/spec.ts holds each contract). */
export const KERNELS = {
  /** Eve's objective F_x(gamma), [L] Eqs. 25-29: LeakageObjectiveBatch -> Float64Array. */
  leakageObjective: 'leakage-objective',
  /** Fused grid search min_gamma F over the box (src/backends/grid-min/spec.ts). */
  leakageGridMin: 'leakage-grid-min',
  /** Lf/L of the amplified-line model for a batch of points (src/backends/amplified.ts). */
  amplifiedRate: 'amplified-rate',
  /** f32 screen of the amplified photon-number encoding (src/kernels/amplified-screen/spec.ts; webgpu). */
  amplifiedScreen: 'amplified-screen',
} as const;
export type KernelName = (typeof KERNELS)[keyof typeof KERNELS];

/** Error a backend throws for a kernel it does not implement. */
export class UnsupportedKernelError extends Error {
  override readonly name = 'UnsupportedKernelError';
  constructor(backend: string, kernel: string) {
    super(`backend ${backend} has no kernel ${kernel}`);
  }
}

/** Throw the signal's reason (or an AbortError) when it is aborted. */
export function throwIfAborted(signal?: AbortSignal): void {
  if (signal?.aborted) {
    const r: unknown = signal.reason;
    throw r instanceof Error ? r : Object.assign(new Error('operation aborted'), { name: 'AbortError' });
  }
}
