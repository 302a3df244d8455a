/**
 * Kernel contract 'amplified-screen': an f32 screen of the amplified-line photon-number encoding
 * (paper [A] Supplementary Note 4, SPEC.md 3.2, 'exact' method) for a batch of parameter points.
 * Points use the photon-number layout of src/kernels/amplified-rate/spec.ts (stride 6:
 * [|gamma0|^2, |gamma1|^2, theta1, theta2, theta3, theta4]); fixed G1, G2, leak rE.
 *
 * Output per point i (f32 values widened to f64; NaN rows where the point violates the window
 * constraints of SPEC 3.2, amplifiedPointValid of the amplified-rate spec):
 *   logPba[4i + 2a + b] = log p(b|a)                  (Eq. 94, Bob's windows Eq. 2a)
 *   logPCheckEve[2i + a] = log p(check|a) by Eve's route: the trace of Eq. 104 before
 *                          normalisation (must equal p(0|a) + p(1|a); a consistency check)
 *   chi[i]  = Holevo chi of Eve's Fock-diagonal states                  (Eqs. 113-116)
 *   rate[i] = p_check (I(A:B) - chi) = Lf/L, not clipped                 (Eq. 7)
 *   resolved[i] = 0 where chi could not be resolved in f32 (then chi[i] = rate[i] = NaN)
 * Precision: a screen (SPEC 4). The measured f32 error is in docs/webgpu.md; every number the
 * engine reports is re-evaluated in f64 (src/models/amplified/kernels.ts evaluateBatch).
 */
import { InputError } from '../../errors.js';
import { AMPLIFIED_STRIDE, amplifiedPointValid as pointValid } from '../amplified-rate/spec.js';

export const AMPLIFIED_SCREEN = 'amplified-screen';
/** The photon-number layout of 'amplified-rate' (src/kernels/amplified-rate/spec.ts). */
export const AMPLIFIED_SCREEN_STRIDE = AMPLIFIED_STRIDE['photon-number'];
/** f32 values written per point by the shader (shaders/amplified-screen.wgsl). */
export const AMPLIFIED_SCREEN_OUT = 9;

export interface AmplifiedScreenInput {
  /** Effective gains before/after Eve (Eqs. 78-79) and the leak rE in [0, 1). */
  fixed: { G1: number; G2: number; leak: number };
  /** Flat points, stride 6. */
  points: Float64Array;
}

export interface AmplifiedScreenOutput {
  logPba: Float64Array;
  logPCheckEve: Float64Array;
  chi: Float64Array;
  rate: Float64Array;
  /** false where the point was invalid (its row is NaN) */
  valid: Uint8Array;
  /**
   * false where Eve's |alpha| quadrature could not resolve the Fock mixture within the kernel's
   * panel budget (large rE (G1 - 1)): chi and rate of that point are NaN (evaluate it in f64).
   */
  resolved: Uint8Array;
  /** 'f32' from the shader; 'f64' from the TS twin (reference.ts) */
  precision: 'f32' | 'f64';
}

/** The output for `n` points before any is computed: NaN rows, nothing valid or resolved. */
export function emptyAmplifiedScreenOutput(n: number, precision: AmplifiedScreenOutput['precision']): AmplifiedScreenOutput {
  return {
    logPba: new Float64Array(4 * n).fill(NaN),
    logPCheckEve: new Float64Array(2 * n).fill(NaN),
    chi: new Float64Array(n).fill(NaN),
    rate: new Float64Array(n).fill(NaN),
    valid: new Uint8Array(n),
    resolved: new Uint8Array(n),
    precision,
  };
}

/** Shape and range check: returns the point count. Invalid points are not errors (NaN rows). */
export function checkAmplifiedScreenShape(input: AmplifiedScreenInput): number {
  const f = input.fixed;
  if (!f || !(f.G1 >= 1) || !Number.isFinite(f.G1)) throw new InputError('G1', 'finite number >= 1', f?.G1);
  if (!(f.G2 >= 1) || !Number.isFinite(f.G2)) throw new InputError('G2', 'finite number >= 1', f.G2);
  if (!(f.leak >= 0 && f.leak < 1)) throw new InputError('leak', '[0, 1)', f.leak);
  if (!(input.points instanceof Float64Array) || input.points.length % AMPLIFIED_SCREEN_STRIDE !== 0) {
    throw new InputError('points', `Float64Array with length a multiple of ${AMPLIFIED_SCREEN_STRIDE}`, input.points?.length);
  }
  return input.points.length / AMPLIFIED_SCREEN_STRIDE;
}

/** SPEC 3.2 validity of one point: the photon-number rule of 'amplified-rate' (one rule, written there). */
export function amplifiedPointValid(points: Float64Array, i: number): boolean {
  return pointValid('photon-number', points, i);
}
