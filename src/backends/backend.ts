/**
 * The one interface every compute backend implements (DESIGN.md). A backend runs named batch
 * kernels; each kernel's contract (inputs, outputs, tolerance) lives in src/kernels/<name>/spec.ts
 * with a plain-TS twin in reference.ts. Models never know which backend runs them.
 */
export type BackendName = 'reference' | 'wasm' | 'webgpu' | 'gpujs';

export interface RunOptions {
  signal?: AbortSignal;
}

export interface Backend {
  readonly name: BackendName;
  readonly precision: 'f64' | 'f32';
  /** Optional one-line description for logs (e.g. 'simd, build/wasm/keyrate.simd.wasm'). */
  readonly detail?: string;
  /** Throwing marks the backend unavailable; the registry records the reason. */
  init(): Promise<void>;
  has(kernel: string): boolean;
  run<I, O>(kernel: string, input: I, opts?: RunOptions): Promise<O>;
  dispose(): Promise<void>;
}
