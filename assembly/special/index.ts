// keyrate special functions, AssemblyScript (f64) port of src/special. Scalar exports with the same
// names as the TypeScript reference; logSumExp / entropyBits take (byte pointer, count) of f64s.
// Bad arguments return NaN (the TS reference throws RangeError). See docs/special.md.
export { lgamma } from './gamma';
export { logPoissonPmf } from './poisson';
export { gammaP, gammaQ, logGammaP, logGammaQ, poissonCdfWindow } from './incgamma';
export { i0e, logI0 } from './bessel';
export { logHyp1f1 } from './hyp1f1';
export { erf, erfc, erfcx, logErfc } from './erf';
export { logAddExp, logSumExp, log1mExp } from './logsum';
export { binaryEntropy, xlog2x, entropyBits, holevoTerm } from './entropy';
