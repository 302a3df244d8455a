/**
 * The model registry: engine name -> its typed module (loaded lazily, so a sweep of one engine
 * never pays for the other). Sweeps, figures and the CLI dispatch through it; an unknown engine is
 * an InputError naming the engines there are. Each module exports `modelKernels` (what
 * createEvaluator needs to build its evaluator, src/runtime/evaluator.ts).
 */
import { InputError } from '../errors.js';

export const MODELS = {
  leakage: { name: 'leakage', paper: 'L', load: () => import('./leakage/index.js') },
  amplified: { name: 'amplified', paper: 'A', load: () => import('./amplified/index.js') },
} as const;

export type ModelName = keyof typeof MODELS;
export type LeakageModule = Awaited<ReturnType<(typeof MODELS)['leakage']['load']>>;
export type AmplifiedModule = Awaited<ReturnType<(typeof MODELS)['amplified']['load']>>;

export const MODEL_NAMES = Object.keys(MODELS) as ModelName[];

export function isModelName(name: string): name is ModelName {
  return Object.prototype.hasOwnProperty.call(MODELS, name);
}

/** The registry entry of `name`; InputError ('engine') for anything else. */
export function getModel(name: string): (typeof MODELS)[ModelName] {
  if (!isModelName(name)) throw new InputError('engine', MODEL_NAMES.join(' | '), name);
  return MODELS[name];
}
