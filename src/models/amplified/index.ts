/**
 * Amplified-line QKD of paper [A] (reference f64 engine). See docs/amplified.md.
 */
export * from './channel.js';
export { integrate, type QuadResult } from './quad.js';
export {
  bobProbabilities,
  checkWindows,
  displacedThermalWindow,
  eveStateExact,
  eveStatePaper,
  holevoDiagonal,
  mutualInformationAB,
  photonNumberRate,
  photonNumberRateQuadrature,
  windowEdges,
  type PnPoint,
  type PnResult,
  type Windows,
} from './photon-number.js';
export { checkPhaseWindows, phaseNoise, phaseOverlap, phaseProbabilities, phaseRate, type PhasePoint, type PhaseResult } from './phase.js';
export { evaluateBatch, STRIDE, type BatchEvaluator, type BatchFixed, type Encoding } from './kernels.js';
export { maximizeBox, type BoxLimits, type OptimumStatus, type SearchOptions, type SearchResult, type StartResult } from './optimize.js';
export {
  AMPLIFIED_KERNELS,
  defaultSearch,
  optimizeAt,
  phaseFromUnit,
  pnFromUnit,
  type AmplifiedRate,
  type CurveInput,
  type CurvePoint,
  type Method,
  type RateInput,
  type RateMany,
  type RunStartTasks,
  searchStart,
  type StartTask,
  type WorstCase,
  type WorstCaseInput,
} from './model.js';
export { AMPLIFIED_KERNELS as modelKernels } from './model.js';
export { correlation, plob, precision, type CorrelationResult, type PlobResult, type PrecisionResult } from './supporting.js';
export { naturalLosses, type NaturalLossesInput, type NaturalLossesResult, type NaturalLossesRow } from './natural-losses.js';

// Public entry points: the model functions behind a strict key check (an unknown or misspelt key,
// e.g. optimize: { bogus: 1 }, is an InputError instead of being ignored). The key lists live in
// src/validate.ts (amplifiedKeys) so that new options are added in one place.
import * as model from './model.js';
import { checkAmplifiedInput } from '../../validate.js';

/** Key rate Lf/L at given or optimised photons/windows (model.rate, keys checked). */
export async function rate(input: model.RateInput): Promise<model.AmplifiedRate> {
  checkAmplifiedInput('rate', input);
  return model.rate(input);
}

/** Worst case over Eve's position (model.worstCase, keys checked). */
export async function worstCase(input: model.WorstCaseInput): Promise<model.WorstCase> {
  checkAmplifiedInput('worstCase', input);
  return model.worstCase(input);
}

/** Optimised Lf/L over a list of leaks (model.curve, keys checked). */
export async function curve(input: model.CurveInput): ReturnType<typeof model.curve> {
  checkAmplifiedInput('curve', input);
  return model.curve(input);
}
