/**
 * Phase encoding, paper [A] Supplementary Note 5 (SPEC.md 3.3). gamma_0 = -gamma_1 = gamma real,
 * homodyne windows E0 = [theta1', theta2'] (Eq. 2b), E1 = [-theta2', -theta1'].
 */
import { InputError } from '../../errors.js';
import { binaryEntropy, binaryEntropyComplement, logAddExp, logErfDiff } from '../../special/index.js';

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
 * log p(b|a) (Eq. 132 with the SPEC errata: prefactor sqrt(2/pi) in Eq. 131, sign of the (-1)^(a+b)
 * term flipped so that p(0|0) > p(1|0)), [log p(0|0), log p(1|0)]:
 * p(b|a) = 1/2 [erf(sqrt2 (theta2' - (-1)^(a+b) gamma sqrt(1-rE))/s) - erf(sqrt2 (theta1' - ...)/s)].
 * In logs: far or narrow windows give probabilities below the f64 range whose ratios still matter.
 */
export function phaseLogProbabilities(pt: PhasePoint): [number, number] {
  const s = phaseNoise(pt.G1, pt.G2, pt.leak);
  const m = Math.sqrt(pt.photons * (1 - pt.leak));
  const [t1, t2] = pt.windows as [number, number];
  // the width from t2 - t1 directly: on narrow windows the difference of the arguments would cancel
  const h = (Math.SQRT2 * (t2 - t1)) / s;
  const p = (sign: number): number => logErfDiff((Math.SQRT2 * (t2 - sign * m)) / s, (Math.SQRT2 * (t1 - sign * m)) / s, h) - Math.LN2;
  return [p(1), p(-1)];
}

/** p(b|a) (Eq. 132): [[p(0|0), p(1|0)], [p(0|1), p(1|1)]]. */
export function phaseProbabilities(pt: PhasePoint): [[number, number], [number, number]] {
  const [ls, ld] = phaseLogProbabilities(pt);
  const same = Math.exp(ls);
  const diff = Math.exp(ld);
  return [
    [same, diff],
    [diff, same],
  ];
}

/** log(p_check <exp(-2 rE |alpha|^2)>_{Q_check}) (Eq. 143 before the division by p_check). */
function logOverlapNumerator(pt: PhasePoint): number {
  const { G1, G2, leak: rE } = pt;
  const g = Math.sqrt(pt.photons);
  const c = 1 + 2 * rE * (G1 - 1);
  const zeta = Math.sqrt(G1 + G2 + 2 * rE * (G1 - 1) * (G2 - 1) - 1.5);
  const sc = zeta * Math.sqrt(c);
  const s1 = Math.sqrt(1 - rE) * g;
  const [t1, t2] = pt.windows as [number, number];
  // [sum_x erf((t2 c + (-1)^x s1)/sc) - sum_x erf((t1 c + (-1)^x s1)/sc)], paired to avoid cancellation
  const h = ((t2 - t1) * c) / sc;
  const logBracket = logAddExp(logErfDiff((t2 * c + s1) / sc, (t1 * c + s1) / sc, h), logErfDiff((t2 * c - s1) / sc, (t1 * c - s1) / sc, h));
  return logBracket + (-2 * rE * g * g) / c - Math.log(2 * c);
}

/**
 * The overlap from its log, a value above 1 by rounding taken as 1. The overlap is an average of
 * exp(-x), x >= 0, over a probability density: <= 1 exactly. The erf pairs and p_check carry ~1e-14
 * relative rounding (measured: <= 2.8e-14 over the photon, window and leak ranges of the model) plus,
 * in far tails, the rounding of their arguments t amplified by exp(-t^2): 2 t^2 eps ~ 4.4e-16
 * |log p_check|. An excess of at most OVERLAP_ROUNDING max(1, |log p_check|) is that rounding and is
 * 1; anything larger is not rounding and is left for binaryEntropy to refuse. (I_E depends on the
 * overlap quadratically near 1: an error d in the overlap moves it by ~d^2.)
 */
function overlapFromLog(logOverlap: number, logPCheck: number): number {
  const overlap = Math.exp(logOverlap);
  if (overlap > 1 && overlap - 1 <= OVERLAP_ROUNDING * Math.max(1, Math.abs(logPCheck))) return 1;
  return overlap;
}

/**
 * <exp(-2 rE |alpha|^2)>_{Q_check} (Eq. 143, as printed: zeta = sqrt(G1 + G2 + 2 rE (G1-1)(G2-1) - 3/2)).
 */
export function phaseOverlap(pt: PhasePoint, pCheck: number): number {
  // no leak: exp(-2 rE |alpha|^2) = 1 for every alpha and Q_check is normalised, so the overlap is
  // exactly 1 (Eve's states coincide); the erf form would give 1 +- rounding
  if (pt.leak === 0) return 1;
  const logPCheck = Math.log(pCheck);
  return overlapFromLog(logOverlapNumerator(pt) - logPCheck, logPCheck);
}

/** Largest excess over 1 of the computed Eq. 143 overlap attributed to rounding, per unit of max(1, |log p_check|). */
export const OVERLAP_ROUNDING = 1e-12;

/** Phase-encoding Lf/L = p_check (I(A:B) - I_E) with I(A:B) of Eq. 133 and I_E of Eq. 142. */
export function phaseRate(pt: PhasePoint): PhaseResult {
  const [ls, ld] = phaseLogProbabilities(pt);
  const logPCheck = logAddExp(ls, ld); // p(check|a) for both a (Eq. 96)
  const pba = phaseProbabilities(pt);
  const pCheck = Math.exp(logPCheck);
  if (!(logPCheck > -Infinity)) {
    // the windows catch no detection at all: no rate is defined (NaN: an invalid point for the
    // batch kernels; model.rate refuses it with an InputError naming the windows)
    return { rate: NaN, pCheck, iAB: NaN, chi: NaN, pba, overlap: NaN };
  }
  const hE = binaryEntropy(Math.exp(ld - logPCheck));
  const iAB = 1 - hE; // Eq. 133
  const overlap = pt.leak === 0 ? 1 : overlapFromLog(logOverlapNumerator(pt) - logPCheck, logPCheck);
  const chi = binaryEntropy((1 + overlap) / 2); // Eq. 142
  // I(A:B) - I_E = [1 - h2((1+x)/2)] - h2(e) (SPEC.md 3.4: complementary terms, no cancellation of
  // 1 - 1 when both are near 1); p_check below the f64 range: the rate underflows to 0
  return { rate: pCheck * (binaryEntropyComplement(overlap) - hE), pCheck, iAB, chi, pba, overlap };
}
