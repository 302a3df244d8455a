/** Messages between the pool (src/pool/index.ts) and its workers (src/pool/worker.ts). */
import type { LeakageObjectiveBatch } from '../kernels/leakage-objective/spec.js';
import type { WasmModule } from '../backends/wasm/wa.js';
import type { LeakageGridMinInput } from '../kernels/leakage-grid-min/spec.js';
import type { AmplifiedRateInput } from '../kernels/amplified-rate/spec.js';

export interface PoolWorkerData {
  /** Compiled keyrate module (structured-cloned to each worker, instantiated once there). */
  module?: WasmModule;
  /** Test hook: the worker exits (process.exit) on this chunk index at its first attempt. */
  testExitOnChunk?: number;
  /** Test hook: exit on every attempt of testExitOnChunk (exercises the give-up path). */
  testExitAlways?: boolean;
  /** Test hook: block each task this many ms before computing (makes cancellation deterministic). */
  testChunkDelayMs?: number;
}

/**
 * One chunk of a leakage-objective batch (spec.ts contract); chunk/attempt drive retries.
 * gammas / problemOf / out are views on SharedArrayBuffers owned by the pool (no copy on send);
 * the worker writes F into `out` and returns the number of points written.
 */
export interface PoolTask extends LeakageObjectiveBatch {
  kind: 'leakage-objective';
  out: Float64Array;
  chunk: number;
  attempt: number;
}

/** A slice of problems of a 'leakage-grid-min' batch; the worker writes min/arg into shared views. */
export interface PoolGridMinTask {
  kind: 'leakage-grid-min';
  input: LeakageGridMinInput;
  min: Float64Array;
  arg: Float64Array;
  chunk: number;
  attempt: number;
}

/** A slice of points of an 'amplified-rate' batch; the worker writes Lf/L into the shared view. */
export interface PoolAmplifiedTask {
  kind: 'amplified-rate';
  input: AmplifiedRateInput;
  out: Float64Array;
  chunk: number;
  attempt: number;
}
