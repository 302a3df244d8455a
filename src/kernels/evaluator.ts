/**
 * What a model receives to run its kernels, and what it tells the registry about itself. Models
 * import only these types (never a backend, the registry or the pool); src/runtime/evaluator.ts
 * builds a KernelEvaluator for a model with `createEvaluator(model, { backend, workers })`.
 */
import type { KernelName } from './names.js';

/** A model's kernel needs, handed to createEvaluator. */
export interface ModelKernels {
  /** The model family ('leakage' | 'amplified'), for log lines. */
  readonly model: string;
  /** f64 kernels the model's numbers come from: a backend lacking one is skipped. */
  readonly kernels: readonly KernelName[];
  /** Screening kernels (f32 allowed, SPEC 4) the model uses when a screening backend is selected. */
  readonly screens?: readonly KernelName[];
  /**
   * Synchronous TypeScript implementations of kernels whose twin is the model's own code (the
   * reference backend runs them; e.g. 'amplified-rate' -> the amplified model's evaluateBatch).
   */
  readonly references?: Partial<Record<KernelName, (input: unknown) => unknown>>;
}

export interface KernelRunOptions {
  signal?: AbortSignal;
  /** Size of the work in points (screens: under 'auto' a GPU screens only above a measured size). */
  points?: number;
}

/** A screen result and the backend that computed it. */
export interface ScreenResult<O> {
  value: O;
  backend: string;
}

export interface KernelEvaluator {
  /** Label of the f64 backend tried first (e.g. 'wasm-simd', 'reference'), or of the pool. */
  readonly primary: string;
  /** Label of the screening backend (e.g. 'webgpu'), undefined when screens run in f64. */
  readonly screener: string | undefined;
  /** True when the f64 chain has the kernel. */
  has(kernel: KernelName): boolean;
  /** Run an f64 kernel: per-batch fallback down the chain; large batches on the worker pool. */
  run<O>(kernel: KernelName, input: unknown, opts?: KernelRunOptions): Promise<O>;
  /** Run an f64 kernel synchronously on the CPU chain (wasm -> reference), with per-batch fallback. */
  runSync<O>(kernel: KernelName, input: unknown): O;
  /**
   * Run a screening kernel on the screening backend; undefined when there is none, it lacks the
   * kernel, or it failed (logged: the caller screens in f64 instead).
   */
  screen<O>(kernel: KernelName, input: unknown, opts?: KernelRunOptions): Promise<ScreenResult<O> | undefined>;
  /** Batches run so far (a mark for backendsSince). */
  batches(): number;
  /** The distinct backends that computed the batches after `mark`, joined by ' + ' in first-use order. */
  backendsSince(mark: number): string;
  close(): Promise<void>;
}
