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
export { checkPhaseWindows, erfDiff, phaseNoise, phaseOverlap, phaseProbabilities, phaseRate, type PhasePoint, type PhaseResult } from './phase.js';
export { evaluateBatch, STRIDE, type BatchEvaluator, type BatchFixed, type Encoding } from './kernels.js';
export { maximizeBox, type SearchOptions, type SearchResult } from './optimize.js';
export {
  curve,
  defaultSearch,
  optimizeAt,
  phaseFromUnit,
  pnFromUnit,
  rate,
  worstCase,
  type AmplifiedRate,
  type CurveInput,
  type CurvePoint,
  type Method,
  type RateInput,
  type WorstCase,
  type WorstCaseInput,
} from './model.js';
export { correlation, plob, precision, type CorrelationResult, type PlobResult, type PrecisionResult } from './supporting.js';
export { naturalLosses, type NaturalLossesInput, type NaturalLossesResult, type NaturalLossesRow } from './natural-losses.js';
