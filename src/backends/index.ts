/** Compute backends: interface, registry (selection + fallback), reference and wasm backends, evaluator. */
export type { Backend, BackendName, RunOptions } from './backend.js';
export { KERNELS, UnsupportedKernelError, type KernelName } from './kernels.js';
export {
  resolveBackend, stderrLogger, AUTO_ORDER, BACKEND_NAMES,
  type BackendPreference, type BackendLogger, type BackendFactory, type ResolveOptions,
  type BackendSelection, type SkippedBackend, type RunResult,
} from './registry.js';
export { createReferenceBackend } from './reference/index.js';
export {
  createWasmBackend, WasmLeakageKernel, WasmAmplifiedKernel, compileKernelModule, simdSupported, wasmPath, KERNEL_ABI_VERSION,
  type WasmBackend, type WasmBackendOptions, type WasmFlavor,
} from './wasm/index.js';
export { createLeakageEvaluator, type LeakageEvaluator, type LeakageEvaluatorOptions } from './evaluator.js';
export { leakageGridMinReference } from './grid-min/reference.js';
export { checkGridMinShape, type LeakageGridMinInput, type LeakageGridMinOutput } from './grid-min/spec.js';
export {
  createLeakagePool, allocSharedBatch, planChunks, poolWorkerFile,
  type LeakagePool, type LeakagePoolOptions, type PoolEvaluateOptions,
} from '../pool/index.js';
export {
  amplifiedRateReference, loadAmplifiedBatch, checkAmplifiedShape, AMPLIFIED_STRIDE,
  type AmplifiedRateInput, type AmplifiedRateOutput, type AmplifiedBatchFixed,
} from './amplified.js';
