/**
 * Channel of the amplified line, paper [A] Supplementary Note 3 (SPEC.md 3.1).
 *
 * A "pair" (T, G) is a pure-loss channel of transmission T followed by a phase-insensitive
 * amplifier of gain G. Acting on a coherent state |gamma>, its output P-function is Gaussian
 * (Eq. 52, erratum Note 3.2: variance (G-1)/2 per quadrature) centred at sqrt(G T) gamma with
 * thermal (P-function) photon number G - 1.
 */
import { InputError } from '../../errors.js';
import { check, params } from '../../validate.js';

/** Effective loss+amplifier pair. */
export interface Pair {
  /** transmission probability T (0, 1] */
  T: number;
  /** amplification factor G >= 1 */
  G: number;
}

/** Amplitude gain sqrt(G T) and added P-function noise N = G - 1 of a pair. */
export function pairNoise(p: Pair): { amplitudeGain2: number; noise: number } {
  return { amplitudeGain2: p.G * p.T, noise: p.G - 1 };
}

/**
 * Compose pair a (first) then pair b (Statements 1-3, Eqs. 55-73): the result is again a
 * pair with G T = G_a T_a G_b T_b and added noise G_b T_b (G_a - 1) + (G_b - 1). Works for any G T.
 */
export function composePairs(a: Pair, b: Pair): Pair {
  const gain = a.G * a.T * b.G * b.T;
  const noise = b.G * b.T * (a.G - 1) + (b.G - 1);
  const G = 1 + noise;
  return { T: gain / G, G };
}

/**
 * Amplifier G followed by loss T equals loss T' then amplifier G' (Statement 2, Eqs. 57-59,
 * erratum Eq. 57): G' = 1 + T (G - 1), T' = G T / G'.
 */
export function amplifierThenLoss(G: number, T: number): Pair {
  const Gp = 1 + T * (G - 1);
  return { T: (G * T) / Gp, G: Gp };
}

/**
 * M identical pairs (T, G) in series (Eq. 74, any G T): G_M - 1 = (G-1) sum_{j<M} (G T)^j,
 * T_M = (G T)^M / G_M. For G T = 1 this is Eq. 75: G_M = M (G - 1) + 1, T_M = 1/G_M.
 */
export function composeSpans(p: Pair, M: number): Pair {
  if (!Number.isInteger(M) || M < 0) throw new InputError('M', 'integer >= 0', M);
  const gt = p.G * p.T;
  const geo = Math.abs(gt - 1) < 1e-12 ? M : Math.expm1(M * Math.log(gt)) / (gt - 1);
  const G = 1 + (p.G - 1) * geo;
  return { T: Math.pow(gt, M) / G, G };
}

/** Span transmission T = 10^(-loss*span), G = 1/T (SPEC 3.1). */
export function spanPair(span: number, loss: number): Pair {
  const T = Math.pow(10, -loss * span);
  return { T, G: 1 / T };
}

/** Geometry of the line with Eve's beam splitter at eveAt. */
export interface LineGeometry {
  distance: number;
  eveAt: number;
  span: number;
  loss: number;
  /** number of spans (amplifiers) M = distance/span */
  M: number;
  M1: number;
  M2: number;
  /** single-span pair */
  spanT: number;
  G: number;
  /** effective pairs before/after Eve (corrected Eqs. 78-79: G_i = M_i (G-1) + 1, T_i = 1/G_i) */
  G1: number;
  T1: number;
  G2: number;
  T2: number;
  /** log10 of the bare fibre transmission 10^(-loss*distance) (no amplifiers) */
  log10T: number;
}

function multipleOf(name: string, x: number, span: number): number {
  const m = x / span;
  const r = Math.round(m);
  if (Math.abs(m - r) > 1e-9 * Math.max(1, Math.abs(m))) {
    throw new InputError(name, `a multiple of span (${span} km)`, x);
  }
  return r;
}

/** Most amplifiers a line may have (distance/span); 40,000 km at 1 m spacing is 4e7. */
export const MAX_SPANS = 1e9;
/** Largest loss per span, loss*span (log10 units): amplifier gain G = 10^(loss*span) <= 1e30. */
export const MAX_SPAN_LOSS = 30;

/**
 * Bounds where the line model keeps its meaning in f64: M = distance/span <= MAX_SPANS (beyond,
 * G_i = M_i (G-1) + 1 and the test-pulse noise overflow or lose all precision) and
 * loss*span <= MAX_SPAN_LOSS (beyond, G = 10^(loss span) overflows to Infinity and every
 * probability becomes NaN).
 */
export function checkLineSize(distance: number, span: number, loss: number): void {
  if (!(loss * span <= MAX_SPAN_LOSS)) {
    throw new InputError('loss', `(0, ${MAX_SPAN_LOSS / span}] per km at span ${span} km (loss*span <= ${MAX_SPAN_LOSS}: amplifier gain at most 1e${MAX_SPAN_LOSS})`, loss);
  }
  if (!(distance / span <= MAX_SPANS)) {
    throw new InputError('distance', `at most ${MAX_SPANS} spans of ${span} km (distance/span <= ${MAX_SPANS} amplifiers)`, distance);
  }
}

/**
 * Equidistant amplifier line, Eve at eveAt (Eqs. 76-79 corrected, SPEC 3.1). Validates inputs:
 * distance and eveAt multiples of span, 0 <= eveAt <= distance.
 */
export function line(input: { distance: number; eveAt: number; span?: number; loss?: number }): LineGeometry {
  const distance = check('distance', params.distance, input.distance);
  const span = check('span', params.span, input.span ?? 50);
  const loss = check('loss', params.loss, input.loss ?? 0.02);
  const eveAt = check('eveAt', params.eveAt, input.eveAt);
  if (eveAt > distance) throw new InputError('eveAt', '[0, distance] km, a multiple of span', eveAt);
  checkLineSize(distance, span, loss);
  const M = multipleOf('distance', distance, span);
  const M1 = multipleOf('eveAt', eveAt, span);
  const M2 = M - M1;
  const { T: spanT, G } = spanPair(span, loss);
  const G1 = M1 * (G - 1) + 1; // Eq. 78 (corrected)
  const G2 = M2 * (G - 1) + 1; // Eq. 79 (corrected)
  return { distance, eveAt, span, loss, M, M1, M2, spanT, G, G1, T1: 1 / G1, G2, T2: 1 / G2, log10T: -loss * distance };
}

/**
 * Several leakage points r_i combined (Eq. 1): the users see the total transmitted fraction
 * prod (1 - r_i), so the effective leak is r_E = 1 - prod_i (1 - r_i).
 */
export function combineLeaks(leaks: readonly number[]): number {
  let logKeep = 0;
  for (const [i, r] of leaks.entries()) {
    check(`leaks.${i}`, params.leak, r);
    logKeep += Math.log1p(-r);
  }
  return -Math.expm1(logKeep);
}

/** Total transmission of the bare fibre in log domain (T = 1e-800 at 40,000 km must not underflow). */
export function transmission(distance: number, loss = 0.02): { log10T: number; lnT: number; T: number } {
  check('distance', params.distance, distance);
  check('loss', params.loss, loss);
  const log10T = -loss * distance;
  return { log10T, lnT: log10T * Math.LN10, T: Math.pow(10, log10T) };
}
