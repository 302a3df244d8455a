/**
 * The one interface every compute backend implements (DESIGN.md). A backend runs named batch
 * kernels; each kernel's contract (inputs, outputs, tolerance) lives in src/kernels/<name>/spec.ts
 * with a plain-TS twin in reference.ts. Models never know which backend runs them.
 */

/** Every backend, in one place. gpujs is a comparison backend for bench/ only (not offered by the CLI). */
export const BACKEND_NAMES = ['reference', 'wasm', 'webgpu', 'gpujs'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];

export interface RunOptions {
  signal?: AbortSignal;
}

export interface Backend {
  readonly name: BackendName;
  readonly precision: 'f64' | 'f32';
  /** Optional one-line description for logs (e.g. 'simd, build/wasm/keyrate.simd.wasm'). */
  readonly detail?: string;
  /** Label results carry (default: name; wasm: 'wasm-simd' | 'wasm-scalar'). */
  readonly label?: string;
  /** True for an adapter that is a CPU implementation (lavapipe, SwiftShader): used only when forced. */
  readonly software?: boolean;
  /** Throwing marks the backend unavailable; the registry records the reason. */
  init(): Promise<void>;
  has(kernel: string): boolean;
  run<I, O>(kernel: string, input: I, opts?: RunOptions): Promise<O>;
  /** Synchronous run (CPU backends: the optimisers of the amplified model call it per batch). */
  runSync?<I, O>(kernel: string, input: I): O;
  dispose(): Promise<void>;
}
