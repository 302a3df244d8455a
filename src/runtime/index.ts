/** Evaluators for the models: createEvaluator (registry + pool + history) and the GPU screen-and-refine path. */
export { createEvaluator, checkBackendName, type EvaluatorOptions } from './evaluator.js';
export { screenAndRefine, type ScreenAndRefineOptions, type RefinedMinimum } from './screen-refine.js';
export type { KernelEvaluator, ModelKernels, ScreenResult } from '../kernels/evaluator.js';
