/**
 * Eavesdropping on natural (scattering) losses, paper [A] Supplementary Note 1 (Eqs. 19-37, Fig. 5),
 * with the SPEC errata: Eqs. 24-26 use Delta n = N |q1 - q0| (difference of click probabilities;
 * the printed N |mu_E1 - mu_E0| is also reported, labelled), h2 with the correct sign (Eq. 95).
 */
import { z } from 'zod';
import { InputError } from '../../errors.js';
import { checkObject, params, ranged } from '../../validate.js';
import { binaryEntropy, lgamma } from '../../special/index.js';

export interface NaturalLossesInput {
  /** photon numbers mu_0, mu_1 (default 9000, 11000: the paper's 1000-km values) */
  mu?: [number, number];
  /** loss coefficient xi (1/km, log10 units), default 0.02 */
  loss?: number;
  /** fibre piece covered by one detector, km (default 2e-4 km = 0.2 m, one pulse length) */
  piece?: number;
  /** total detection-device lengths (km) */
  lengths: number[];
}

export interface NaturalLossesRow {
  /** device length (km) */
  length: number;
  /** number of detectors N = length / piece (rounded) */
  N: number;
  /** Eq. 28: individual single-photon detectors (binomial clicks) */
  individual: number;
  /** Eq. 31 (= Eq. 37, Holevo with phase randomisation): collective photon counting */
  collective: number;
  /** Eq. 37 evaluated as a Holevo quantity (entropy differences), for the Eq. 31 = Eq. 37 check */
  holevoPR: number;
  /** Eq. 34: Holevo bound without phase randomisation */
  holevoNoPR: number;
}

export interface NaturalLossesResult {
  rows: NaturalLossesRow[];
  /** r_l (Eq. 19), mu_E^(a) (Eq. 20), q_a (Eq. 22) */
  rl: number;
  muE: [number, number];
  q: [number, number];
  /**
   * Eq. 26 critical detector number: corrected (|q1-q0|) and as printed (|muE1-muE0|); Infinity
   * (JSON null) where the two click probabilities (or mean photon numbers) coincide: no number of
   * detectors tells the states apart.
   */
  criticalN: { corrected: number; printed: number };
  params: { mu: [number, number]; loss: number; piece: number };
}

export const naturalLossesSchema = z.object({
  mu: ranged(z.tuple([z.number().min(0).finite(), z.number().min(0).finite()]), '[mu0, mu1] >= 0').optional(),
  loss: params.loss.optional(),
  piece: ranged(z.number().gt(0).finite(), '> 0 km').optional(),
  lengths: ranged(z.array(z.number().gt(0).finite()).min(1).max(100_000), 'non-empty list of at most 100000 lengths > 0 km'),
}).strict();

/** Most detectors N = length/piece of one row (the binomial sum of Eq. 28 runs over N + 1 terms). */
export const MAX_DETECTORS = 1_000_000;
/** Largest mean number of scattered photons N mu_E (the Poisson sums of Eqs. 31-37 run past it). */
export const MAX_SCATTERED = 1_000_000;
/** Terms summed over all rows (time bound: ~1e8 terms is ~30 s). */
export const MAX_TERMS = 100_000_000;

function miFromConditionals(logp0: (k: number) => number, logp1: (k: number) => number, kmax: number): number {
  // I = 1 - 1/2 sum_k (p0 + p1) h2(p0/(p0+p1))  (Eqs. 28, 31)
  let s = 0;
  for (let k = 0; k <= kmax; k++) {
    const a = Math.exp(logp0(k));
    const b = Math.exp(logp1(k));
    const t = a + b;
    if (t > 0) s += t * binaryEntropy(a / t);
  }
  return 1 - s / 2;
}

function entropyFromLog(logp: (k: number) => number, kmax: number): number {
  let h = 0;
  for (let k = 0; k <= kmax; k++) {
    const lp = logp(k);
    if (lp > -745) h -= Math.exp(lp) * lp;
  }
  return h / Math.LN2;
}

/** Eve's information from natural losses vs detection-device length (Fig. 5). */
export function naturalLosses(input: NaturalLossesInput): NaturalLossesResult {
  const v = checkObject(naturalLossesSchema, input);
  const mu: [number, number] = v.mu ?? [9000, 11000];
  const loss = v.loss ?? 0.02;
  const piece = v.piece ?? 2e-4;
  const rl = -Math.expm1(-loss * piece * Math.LN10); // Eq. 19
  const muE: [number, number] = [mu[0] * rl, mu[1] * rl]; // Eq. 20
  const q: [number, number] = [-Math.expm1(-muE[0]), -Math.expm1(-muE[1])]; // Eq. 22
  // bound the sums before any of them runs (length 1e300 or mu 1e300 would never end)
  let terms = 0;
  for (const length of v.lengths) {
    const N = Math.max(1, Math.round(length / piece));
    if (!(N <= MAX_DETECTORS)) {
      throw new InputError('lengths', `each length in (0, ${MAX_DETECTORS * piece}] km at piece ${piece} km (at most ${MAX_DETECTORS} detectors)`, length);
    }
    const mMax = N * Math.max(muE[0], muE[1]);
    if (!(mMax <= MAX_SCATTERED)) {
      throw new InputError('mu', `mu0, mu1 with N * mu * r_l <= ${MAX_SCATTERED} scattered photons (at ${N} detectors: mu <= ${(MAX_SCATTERED / (N * rl)).toPrecision(3)})`, mu);
    }
    terms += N + 1 + 4 * Math.ceil(mMax + 40 * Math.sqrt(mMax) + 50);
  }
  if (terms > MAX_TERMS) throw new InputError('lengths', `lengths whose sums total at most ${MAX_TERMS} terms (fewer or shorter lengths)`, v.lengths.length, `${terms.toPrecision(3)} terms`);
  const sd = Math.sqrt(q[0] * (1 - q[0])) + Math.sqrt(q[1] * (1 - q[1]));
  const critical = (d: number): number => (d === 0 ? Infinity : (sd * sd) / (d * d)); // Eq. 26
  const criticalN = { corrected: critical(q[1] - q[0]), printed: critical(muE[1] - muE[0]) };
  const rows = v.lengths.map((length) => {
    const N = Math.max(1, Math.round(length / piece));
    // Eq. 27: binomial clicks
    const lb = (k: number, qa: number) => lgamma(N + 1) - lgamma(k + 1) - lgamma(N - k + 1) + k * Math.log(qa) + (N - k) * Math.log1p(-qa);
    const individual = miFromConditionals((k) => lb(k, q[0]), (k) => lb(k, q[1]), N);
    // Eq. 30: Poisson counts of all scattered photons, mean N mu_E^(a)
    const m: [number, number] = [N * muE[0], N * muE[1]];
    const kmax = Math.ceil(Math.max(...m) + 40 * Math.sqrt(Math.max(...m)) + 50);
    const lp = (k: number, mm: number) => (mm === 0 ? (k === 0 ? 0 : -Infinity) : k * Math.log(mm) - mm - lgamma(k + 1));
    const collective = miFromConditionals((k) => lp(k, m[0]), (k) => lp(k, m[1]), kmax);
    // Eq. 37 as a Holevo quantity: H(mix) - (H0 + H1)/2
    const lmix = (k: number) => Math.log(0.5 * (Math.exp(lp(k, m[0])) + Math.exp(lp(k, m[1]))));
    const holevoPR = entropyFromLog(lmix, kmax) - 0.5 * (entropyFromLog((k) => lp(k, m[0]), kmax) + entropyFromLog((k) => lp(k, m[1]), kmax));
    // Eq. 34: pure coherent states |sqrt(rl N) gamma_a>, overlap exp(-rl N (gamma1-gamma0)^2 / 2)
    const dg = Math.sqrt(mu[1]) - Math.sqrt(mu[0]);
    const holevoNoPR = binaryEntropy(0.5 - 0.5 * Math.exp(-0.5 * rl * N * dg * dg));
    return { length, N, individual, collective, holevoPR, holevoNoPR };
  });
  return { rows, rl, muE, q, criticalN, params: { mu, loss, piece } };
}
