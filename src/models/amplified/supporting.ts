/**
 * Supporting results of [A]: Bob-Eve correlation R_BE (Eqs. 117-127), loss-control precision and
 * rE_min (Eqs. 80-84 with the SPEC 3.1 erratum), PLOB bound in log domain (SPEC 3.1).
 */
import { z } from 'zod';
import { InputError } from '../../errors.js';
import { checkObject, params, ranged } from '../../validate.js';
import { line } from './channel.js';

export const corrSchema = z.object({
  distance: params.distance,
  eveAt: params.eveAt,
  leak: params.leak,
  photons: params.photons,
  span: params.span.optional(),
  loss: params.loss.optional(),
}).strict();

export interface CorrelationResult {
  /** R_BE (Eq. 117) */
  R: number;
  covariance: number;
  sigmaB: number;
  sigmaE: number;
  meanB: number;
  meanE: number;
  G1: number;
  G2: number;
  params: { distance: number; eveAt: number; leak: number; photons: number; span: number; loss: number };
}

/** Pearson correlation of Bob's and Eve's photon numbers, Eqs. 117-127 (|gamma|^2 = photons). */
export function correlation(input: { distance: number; eveAt: number; leak: number; photons: number; span?: number; loss?: number }): CorrelationResult {
  const v = checkObject(corrSchema, input);
  const L = line(v);
  const g2 = v.photons;
  const rE = v.leak;
  const N1 = L.G1 - 1;
  const N2 = L.G2 - 1;
  const meanB = (1 - rE) * (g2 + N1) + N2; // Eq. 122
  const meanE = rE * (g2 + N1); // Eq. 123
  const covariance = rE * (1 - rE) * N1 * (2 * g2 + N1); // Eq. 125
  const varB = (1 - rE) * (g2 + N1) * (1 + 2 * N2) + (1 - rE) ** 2 * N1 * (2 * g2 + N1) + L.G2 * N2; // Eq. 126
  const varE = rE * (g2 + N1) + rE * rE * N1 * (2 * g2 + N1); // Eq. 127
  const sigmaB = Math.sqrt(varB);
  const sigmaE = Math.sqrt(varE);
  const R = covariance === 0 ? 0 : covariance / (sigmaB * sigmaE); // Eq. 117
  return { R, covariance, sigmaB, sigmaE, meanB, meanE, G1: L.G1, G2: L.G2, params: { distance: L.distance, eveAt: L.eveAt, leak: rE, photons: g2, span: L.span, loss: L.loss } };
}

export const precSchema = z.object({
  distance: params.distance,
  photons: ranged(z.number().gt(0).max(1e30), '(0, 1e30] (test-pulse photon number n)'),
  span: params.span.optional(),
  loss: params.loss.optional(),
}).strict();

export interface PrecisionResult {
  /** photon-number standard deviation at Bob from Eq. 81 (exact: displaced thermal, D = n, S = M(G-1)) */
  deltaN: number;
  /** rE_min = deltaN / n (exact) */
  rEminExact: number;
  /** corrected asymptotic sqrt(2 M (G-1)/n) (SPEC 3.1 erratum of Eqs. 83-84) */
  rEminCorrected: number;
  /** the paper's sqrt(M G / n) (Eq. 84 / Methods), labelled as printed */
  rEminPaper: number;
  M: number;
  G: number;
  params: { distance: number; photons: number; span: number; loss: number };
}

/** Loss-control precision (Eqs. 80-84): fluctuation of a test pulse of n photons after M amplifiers. */
export function precision(input: { distance: number; photons: number; span?: number; loss?: number }): PrecisionResult {
  const v = checkObject(precSchema, input);
  const L = line({ distance: v.distance, eveAt: 0, span: v.span, loss: v.loss });
  const n = v.photons;
  const S = L.M * (L.G - 1); // Eq. 75: G_M - 1
  const variance = n + S + S * S + 2 * n * S; // Eq. 81: displaced thermal photon-number variance
  const deltaN = Math.sqrt(variance);
  const rEminExact = deltaN / n;
  const rEminCorrected = Math.sqrt((2 * L.M * (L.G - 1)) / n);
  const rEminPaper = Math.sqrt((L.M * L.G) / n);
  // line() bounds M and G, so these are finite; a non-finite value would be a bug, never output
  if (![deltaN, rEminExact, rEminCorrected, rEminPaper].every(Number.isFinite)) {
    throw new InputError('distance', 'a line whose precision is finite in f64 (fewer spans or less loss per span)', v.distance);
  }
  return {
    deltaN,
    rEminExact,
    rEminCorrected,
    rEminPaper,
    M: L.M,
    G: L.G,
    params: { distance: L.distance, photons: n, span: L.span, loss: L.loss },
  };
}

export interface PlobResult {
  /** log10 of the bare-fibre transmission T = 10^(-loss distance) */
  log10T: number;
  /** T as an f64 (0 when it underflows; use log10T) */
  T: number;
  /** PLOB capacity -log2(1 - T) in bits per channel use (0 when it underflows) */
  bits: number;
  /** log10 of the PLOB capacity (always finite) */
  log10Bits: number;
  params: { distance: number; loss: number };
}

/** PLOB bound -log2(1 - T) in log domain (SPEC 3.1). */
export const plobSchema = z.object({ distance: params.distance, loss: params.loss.optional() }).strict();

export function plob(input: { distance: number; loss?: number }): PlobResult {
  const v = checkObject(plobSchema, input);
  const loss = v.loss ?? 0.02;
  const log10T = -loss * v.distance;
  if (!Number.isFinite(log10T)) throw new InputError('distance', `loss*distance finite in f64 (distance <= ${(Number.MAX_VALUE / loss).toPrecision(3)} km at loss ${loss})`, v.distance);
  if (log10T === 0) throw new InputError('loss', 'loss*distance > 0 in f64 (here the product underflows to 0, T = 1)', loss);
  const lnT = log10T * Math.LN10;
  const T = Math.exp(lnT);
  // -ln(1 - T) without forming 1 - T: T <= 1/2: -log1p(-T) (T has full relative precision);
  // T > 1/2: 1 - T = -expm1(lnT) exactly to rounding (T = 1 - 1e-17 keeps its 1e-17), then -ln of it;
  // T < 1e-8: the series T (1 + T/2 + ...), in log10 so that T = 1e-800 does not underflow
  let log10Bits: number;
  if (log10T < -8) log10Bits = log10T - Math.log10(Math.LN2) + Math.log10(1 + T / 2);
  else if (T <= 0.5) log10Bits = Math.log10(-Math.log1p(-T) / Math.LN2);
  else log10Bits = Math.log10(-Math.log(-Math.expm1(lnT)) / Math.LN2);
  return { log10T, T, bits: Math.pow(10, log10Bits), log10Bits, params: { distance: v.distance, loss } };
}
