/**
 * Phase encoding, paper [A] Supplementary Note 5 (SPEC.md 3.3). gamma_0 = -gamma_1 = gamma real,
 * homodyne windows E0 = [theta1', theta2'] (Eq. 2b), E1 = [-theta2', -theta1'].
 */
import { InputError } from '../../errors.js';
import { binaryEntropy, erf, erfc } from '../../special/index.js';

export interface PhasePoint {
  /** |gamma|^2 */
  photons: number;
  /** theta1', theta2' */
  windows: readonly number[];
  G1: number;
  G2: number;
  leak: number;
}

export interface PhaseResult {
  rate: number;
  pCheck: number;
  iAB: number;
  chi: number;
  /** [[p(0|0), p(1|0)], [p(0|1), p(1|1)]] */
  pba: [[number, number], [number, number]];
  /** <exp(-2 rE |alpha|^2)>_Q (Eq. 143) */
  overlap: number;
}

export function checkPhaseWindows(theta: readonly number[]): void {
  if (theta.length !== 2 || theta.some((t) => !Number.isFinite(t))) {
    throw new InputError('windows', "2 finite numbers theta1',theta2'", theta);
  }
  if (theta[0]! < 0) throw new InputError('windows', "theta1' >= 0 (E0, E1 disjoint)", theta);
  if (theta[1]! <= theta[0]!) throw new InputError('windows', "theta2' > theta1'", theta);
}

/** s = sqrt(1 + 2(G2-1) + 2(1-rE)(G1-1)): 2 x standard deviation of Bob's q (Eq. 132). */
export function phaseNoise(G1: number, G2: number, leak: number): number {
  return Math.sqrt(1 + 2 * (G2 - 1) + 2 * (1 - leak) * (G1 - 1));
}

/**
 * p(b|a) (Eq. 132 with the SPEC errata: prefactor sqrt(2/pi) in Eq. 131, sign of the (-1)^(a+b)
 * term flipped so that p(0|0) > p(1|0)):
 * p(b|a) = 1/2 [erf(sqrt2 (theta2' - (-1)^(a+b) gamma sqrt(1-rE))/s) - erf(sqrt2 (theta1' - ...)/s)].
 */
export function phaseProbabilities(pt: PhasePoint): [[number, number], [number, number]] {
  const s = phaseNoise(pt.G1, pt.G2, pt.leak);
  const m = Math.sqrt(pt.photons * (1 - pt.leak));
  const [t1, t2] = pt.windows as [number, number];
  const p = (sign: number): number =>
    0.5 * erfDiff((Math.SQRT2 * (t2 - sign * m)) / s, (Math.SQRT2 * (t1 - sign * m)) / s);
  const same = p(1);
  const diff = p(-1);
  return [
    [same, diff],
    [diff, same],
  ];
}

/** erf(a) - erf(b) without cancellation in the tails (via erfc on the side both lie on). */
export function erfDiff(a: number, b: number): number {
  if (a > 0 && b > 0) return erfc(b) - erfc(a);
  if (a < 0 && b < 0) return erfc(-a) - erfc(-b);
  return erf(a) - erf(b);
}

/**
 * <exp(-2 rE |alpha|^2)>_{Q_check} (Eq. 143, as printed: zeta = sqrt(G1 + G2 + 2 rE (G1-1)(G2-1) - 3/2)).
 */
export function phaseOverlap(pt: PhasePoint, pCheck: number): number {
  const { G1, G2, leak: rE } = pt;
  // no leak: exp(-2 rE |alpha|^2) = 1 for every alpha and Q_check is normalised, so the overlap is
  // exactly 1 (Eve's states coincide); the erf form below would give 1 +- rounding
  if (rE === 0) return 1;
  const g = Math.sqrt(pt.photons);
  const c = 1 + 2 * rE * (G1 - 1);
  const zeta = Math.sqrt(G1 + G2 + 2 * rE * (G1 - 1) * (G2 - 1) - 1.5);
  const sc = zeta * Math.sqrt(c);
  const s1 = Math.sqrt(1 - rE) * g;
  const [t1, t2] = pt.windows as [number, number];
  // [sum_x erf((t2 c + (-1)^x s1)/sc) - sum_x erf((t1 c + (-1)^x s1)/sc)], paired to avoid cancellation
  const bracket = erfDiff((t2 * c + s1) / sc, (t1 * c + s1) / sc) + erfDiff((t2 * c - s1) / sc, (t1 * c - s1) / sc);
  const overlap = (bracket * Math.exp((-2 * rE * g * g) / c)) / (2 * pCheck * c);
  // The overlap is an average of exp(-x), x >= 0, over a probability density: <= 1 exactly. The two
  // erf pairs and p_check carry ~1e-14 relative rounding (measured: <= 2.8e-14 over the photon,
  // window and leak ranges of the model), so a value above 1 by at most OVERLAP_ROUNDING is that
  // rounding and is 1; anything larger is not rounding and is left for binaryEntropy to refuse.
  if (overlap > 1 && overlap - 1 <= OVERLAP_ROUNDING) return 1;
  return overlap;
}

/** Largest excess over 1 of the computed Eq. 143 overlap that is attributed to rounding. */
export const OVERLAP_ROUNDING = 1e-12;

/** Phase-encoding Lf/L = p_check (I(A:B) - I_E) with I(A:B) of Eq. 133 and I_E of Eq. 142. */
export function phaseRate(pt: PhasePoint): PhaseResult {
  const pba = phaseProbabilities(pt);
  const pCheck = pba[0][0] + pba[0][1]; // = p(check|a) for both a (Eq. 96)
  if (!(pCheck > 0)) {
    // the windows catch (to f64) no detection at all: no rate is defined (NaN: an invalid point for
    // the batch kernels; model.rate refuses it with an InputError naming the windows)
    return { rate: NaN, pCheck, iAB: NaN, chi: NaN, pba, overlap: NaN };
  }
  const iAB = 1 - binaryEntropy(pba[0][1] / pCheck); // Eq. 133
  const overlap = phaseOverlap(pt, pCheck);
  const chi = binaryEntropy((1 + overlap) / 2); // Eq. 142
  return { rate: pCheck * (iAB - chi), pCheck, iAB, chi, pba, overlap };
}
