/** Compute backends: interface, registry (selection + fallback), reference and wasm backends. */
export { BACKEND_NAMES, type Backend, type BackendName, type RunOptions } from './backend.js';
export { KERNELS, UnsupportedKernelError, type KernelName } from './kernels.js';
export {
  resolveBackend, stderrLogger, labelOf, AUTO_ORDER, CLI_BACKENDS,
  type BackendPreference, type BackendLogger, type BackendFactory, type ResolveOptions,
  type BackendSelection, type SkippedBackend, type RunResult, type CliBackend,
} from './registry.js';
export { createReferenceBackend, type ReferenceKernels } from './reference/index.js';
export {
  createWasmBackend, WasmLeakageKernel, WasmAmplifiedKernel, compileKernelModule, simdSupported, wasmPath, KERNEL_ABI_VERSION,
  type WasmBackend, type WasmBackendOptions, type WasmFlavor,
} from './wasm/index.js';
