/**
 * keyrate public API.
 *   import { leakage, amplified, special } from 'keyrate';
 * Each namespace validates its inputs (InputError names the parameter and its range).
 */
export * as leakage from './models/leakage/index.js';
export * as amplified from './models/amplified/index.js';
export * as special from './special/index.js';
export { InputError } from './errors.js';
export { version } from './version.js';
export type { Backend, BackendName } from './backends/backend.js';
/** Lower layers: backend selection, evaluators for the models, the worker pool, sweeps, figures. */
export * as backends from './backends/index.js';
export { createEvaluator, type EvaluatorOptions, type KernelEvaluator, type ModelKernels } from './runtime/index.js';
export { MODELS, getModel, type ModelName } from './models/registry.js';
export { createLeakagePool, type LeakagePool, type LeakagePoolOptions } from './pool/index.js';
export * as sweep from './sweep/index.js';
export { generateFigures, figures } from './figures/index.js';
