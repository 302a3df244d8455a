// Poisson log pmf (f64), AssemblyScript port of src/special/poisson.ts: Loader's saddle-point form
// -bd0(n, lambda) - log(2 pi n)/2 - stirlingCorr(n) for n >= 10, the direct form below.
import { lgamma, log1pmxImpl, stirlingCorrImpl } from './gamma';

const LOG_SQRT_2PI: f64 = 0.9189385332046728;

export function logPoissonPmf(n: f64, lambda: f64): f64 {
  if (!(n >= 0) || n == Infinity || !(lambda >= 0) || lambda == Infinity) return NaN;
  if (lambda == 0) return n == 0 ? 0 : -Infinity;
  const u = (n - lambda) / lambda;
  if (n < 10 || !(u <= 1e150)) return n * Math.log(lambda) - lambda - lgamma(n + 1);
  const bd0 = lambda * ((1 + u) * log1pmxImpl(u) + u * u);
  return -bd0 - 0.5 * Math.log(n) - LOG_SQRT_2PI - stirlingCorrImpl(n);
}
