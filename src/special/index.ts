/**
 * keyrate special-function library (f64 reference for every kernel). See docs/special.md.
 */
export { lgamma } from './gamma.js';
export { logPoissonPmf } from './poisson.js';
export { gammaP, gammaQ, logGammaP, logGammaQ, poissonCdfWindow } from './incgamma.js';
export { i0e, logI0 } from './bessel.js';
export { logHyp1f1 } from './hyp1f1.js';
export { erf, erfc, erfcx, logErfc, logErfDiff } from './erf.js';
export { logSumExp, logAddExp, log1mExp } from './logsum.js';
export { binaryEntropy, binaryEntropyComplement, xlog2x, entropyBits, holevoTerm, mutualInformationBits } from './entropy.js';
