/**
 * Public model API of [A]: key rate at given or optimised parameters, worst case over Eve's
 * position, and curves over the leak rE (SPEC 3.4).
 */
import { z } from 'zod';
import { InputError } from '../../errors.js';
import { check, checkObject, params, ranged } from '../../validate.js';
import { line, type LineGeometry } from './channel.js';
import { evaluateBatch, STRIDE, type BatchEvaluator, type BatchFixed, type Encoding } from './kernels.js';
import { latinHypercube, maximizeBox, maximizeBoxParallel, searchFrom, type BoxLimits, type OptimumStatus, type SearchOptions, type StartOutcome } from './optimize.js';
import { mulberry32 } from '../../util/prng.js';
import { BackendUnavailableError } from '../../errors.js';
import type { AmplifiedScreenInput, AmplifiedScreenOutput } from '../../kernels/amplified-screen/spec.js';
import { checkWindows, photonNumberRate, type PnResult } from './photon-number.js';
import { checkPhaseWindows, phaseNoise, phaseRate } from './phase.js';
import { KERNELS } from '../../kernels/names.js';
import type { KernelEvaluator, ModelKernels } from '../../kernels/evaluator.js';
import type { AmplifiedRateInput, AmplifiedRateOutput } from '../../kernels/amplified-rate/spec.js';
import { runAmplifiedBatch } from '../../kernels/amplified-rate/spec.js';

/** The kernels the amplified model runs, and its own TS twin of 'amplified-rate' (handed to createEvaluator). */
export const AMPLIFIED_KERNELS: ModelKernels = {
  model: 'amplified',
  kernels: [KERNELS.amplifiedRate],
  screens: [KERNELS.amplifiedScreen],
  references: { [KERNELS.amplifiedRate]: (input: unknown) => runAmplifiedBatch(evaluateBatch, input as AmplifiedRateInput) },
};

/** The optimiser's synchronous batch evaluator on a KernelEvaluator ('amplified-rate', f64 CPU chain). */
function batchOn(ev: KernelEvaluator): BatchEvaluator {
  return (fixed, points, out) => {
    const r = ev.runSync<AmplifiedRateOutput>(KERNELS.amplifiedRate, { fixed, points } satisfies AmplifiedRateInput);
    out.set(r.values);
    return r.evaluations;
  };
}

export type Method = 'exact' | 'paper';

export interface RateInput {
  encoding: Encoding;
  distance: number;
  eveAt: number;
  leak: number;
  span?: number;
  loss?: number;
  /** photon-number: [|gamma0|^2, |gamma1|^2]; phase: [|gamma|^2] */
  photons?: number[];
  /** photon-number: theta1..4; phase: theta1', theta2' */
  windows?: number[];
  /** optimise photons and windows (default: true when photons/windows are not given) */
  optimize?: boolean | SearchOptions;
  method?: Method;
  /** injectable batch evaluator (default: reference f64 `evaluateBatch`) */
  evaluate?: BatchEvaluator;
  /** with `evaluate`: the label reported as the search backend (without: 'reference' only) */
  backend?: string;
  /** the backends of the optimiser's batches: createEvaluator(MODELS.amplified, { backend })
   *  (src/runtime/evaluator.ts). The reported point is always re-evaluated on the reference. */
  evaluator?: KernelEvaluator;
  /** run the optimiser's local searches elsewhere (e.g. one per worker thread, each on its own
   *  evaluator; the CLI's `rate --optimize --workers N`): the same result as in this thread */
  runStarts?: RunStartTasks;
}

/** One local search of the optimiser as data (it crosses threads): the point, the search, the start. */
export interface StartTask {
  encoding: Encoding;
  distance: number;
  eveAt: number;
  leak: number;
  span: number;
  loss: number;
  method: Method;
  search: SearchOptions;
  u0: number[];
}

export type RunStartTasks = (tasks: StartTask[]) => Promise<StartOutcome[]>;

export interface AmplifiedRate {
  /** Lf/L (Eq. 7), not clipped */
  rate: number;
  pCheck: number;
  iAB: number;
  /** Eve's information bound: Holevo chi (photon number, Eq. 114) or Eq. 142 (phase) */
  chi: number;
  params: {
    encoding: Encoding;
    distance: number;
    eveAt: number;
    leak: number;
    span: number;
    loss: number;
    photons: number[];
    windows: number[];
  };
  channel: { M: number; M1: number; M2: number; G: number; G1: number; G2: number; log10T: number };
  /** p(b|a) */
  pba: number[][];
  method: Method;
  /** photon number: how the reported numbers were integrated, their estimated absolute error
   *  (exact: |value - value on a coarser node set| and the 1-D/2-D difference of p(b|a)) and
   *  whether every quadrature met its bounds; phase: closed forms (estimated 0) */
  tolerance: { method: string; estimated: number; converged: boolean };
  /** trace of Eve's states before normalisation (photon number; exact = 1 - truncated mass) */
  trace?: number[];
  /** backends: `screen` ranked the optimiser's global samples (when a screening backend did, e.g.
   *  WGSL f32), `search` computed the optimiser's f64 batches, `evaluation` the reported numbers */
  backend: { screen?: string; search: string; evaluation: 'reference' };
  /** objective evaluations (points) and inner integrand evaluations */
  evaluations: number;
  innerEvaluations: number;
  optimized: boolean;
  /** optimised: 'optimum' | 'not-converged' | 'at-bound' | 'no-key' | 'above' (with the search option above; src/models/amplified/optimize.ts);
   *  'fixed' for given photons/windows */
  status: OptimumStatus | 'fixed';
  /** status === 'optimum' */
  converged: boolean;
  /** the optimiser's evidence: starts run, starts agreeing with the best, box-unit gradient there */
  search?: { starts: number; agreeing: number; gradient: number[]; nanEvents: number };
  /** optimum in unit-box coordinates (for warm starts) */
  u?: number[];
}

/** Parameter types of rate() (the accepted keys: src/validate.ts amplifiedKeys); exported for src/serve. */
export const rateSchema = z.object({
  encoding: params.encoding,
  distance: params.distance,
  eveAt: params.eveAt,
  leak: params.leak,
  span: params.span.optional(),
  loss: params.loss.optional(),
  photons: ranged(z.array(z.number().min(0).max(1e9)).min(1).max(2), 'array of 1 (phase: in (0, 1e9]) or 2 (photon-number: |gamma0|^2 in [0, 1e9], |gamma1|^2 in (0, 1e9]) numbers').optional(),
  windows: ranged(z.array(z.number().finite()).min(2).max(4), 'theta1..4 (photon-number) or theta1\',theta2\' (phase)').optional(),
  method: ranged(z.enum(['exact', 'paper']), "'exact' | 'paper'").optional(),
});

const TOL = 1e-15; // absolute tolerance of the adaptive quadratures (paper route, final evaluations)
const SCREEN_TOL = 1e-9; // the paper route's screening tolerance inside the optimiser (exact: PN_ALPHA nodes)
/** Lf/L = p_check (I(A:B) - chi) is known to ~1e-12 p_check (I(A:B) + chi): below that, no key. */
const CANCELLATION = 1e-12;

/** Largest |gamma1|^2 the 'paper' route accepts (time bound: ~10 s at 1e7, > 2 min at 1e9). */
export const PAPER_MAX_PHOTONS = 1e7;

/** Largest |gamma1|^2 of the photon-number search box (40,000 km optima reach ~1e7). */
export const PN_MAX_PHOTONS = 1e8;

/** Photon-number unit-box map (6 dims): see docs/amplified.md "Optimisation". */
export function pnFromUnit(u: readonly number[], L: { G1: number; G2: number }, leak: number): { photons: [number, number]; windows: number[] } {
  const p1 = Math.pow(10, 1 + 7 * u[0]!); // 10 .. PN_MAX_PHOTONS
  const p0 = p1 * u[1]!; // 0 .. p1 (on-off keying at u1 = 0)
  const { sd, mean } = bobCounts(L, leak);
  const m0 = mean(p0);
  const m1 = mean(p1);
  // E0's lower cut from m0 - 10 sd0 to m0 + 3 sd0, E1's upper cut from m1 + 10 sd1 down to m1 - 3 sd1
  // (large-rE optima cut E1 below Bob's mean count: 1000 km, D_AE 950, rE 1e-2; 40,000 km near Bob)
  const lo0 = m0 - sd(p0) * (10 - 13 * u[2]!);
  const hi1raw = m1 + sd(p1) * (10 - 13 * u[5]!);
  const hi0 = Math.max(0, lo0 + (m1 + 3 * sd(p1) - lo0) * u[3]!);
  const hi1 = Math.max(hi1raw, hi0 + 1);
  const lo1 = hi0 + 1 + (hi1 - hi0 - 1) * u[4]!;
  const mu = (p0 + p1) / 2;
  return { photons: [p0, p1], windows: [mu - hi0, lo1 - mu, mu - Math.min(lo0, hi0), hi1 - mu] };
}

/** Phase unit-box map (3 dims). */
export function phaseFromUnit(u: readonly number[], L: { G1: number; G2: number }, leak: number): { photons: [number]; windows: number[] } {
  const g2 = Math.pow(10, -1 + 7 * u[0]!); // 0.1 .. 1e6
  const sigma = phaseNoise(L.G1, L.G2, leak) / 2;
  const m = Math.sqrt(g2 * (1 - leak));
  const t1 = Math.max(0, m + sigma * (-10 + 20 * u[1]!));
  const t2 = t1 + sigma * (1e-3 + 20 * u[2]!);
  return { photons: [g2], windows: [t1, t2] };
}

function defaults(input: RateInput): { L: LineGeometry; method: Method } {
  const v = checkObject(rateSchema, input);
  const L = line({ distance: v.distance, eveAt: v.eveAt, span: v.span, loss: v.loss });
  return { L, method: v.method ?? 'exact' };
}

/** Evaluate at fixed photons/windows with full diagnostics. */
function evaluateFixed(enc: Encoding, L: LineGeometry, leak: number, photons: number[], windows: number[], method: Method) {
  if (enc === 'phase') {
    if (photons.length !== 1 || !(photons[0]! > 0)) throw new InputError('photons', 'one number |gamma|^2 > 0 for the phase encoding', photons);
    checkPhaseWindows(windows);
    const r = phaseRate({ photons: photons[0]!, windows, G1: L.G1, G2: L.G2, leak });
    if (!(r.pCheck > 0)) throw new InputError('windows', `windows that post-select some detections (p_check > 0; it underflows to 0 at photons ${photons[0]})`, windows);
    return { r: { ...r, trace: undefined as number[] | undefined, quadError: 0, quadConverged: true, evaluations: 1 }, pba: r.pba };
  }
  if (photons.length !== 2 || !(photons[1]! > 0)) throw new InputError('photons', 'two numbers |gamma0|^2 >= 0 (0: on-off keying), |gamma1|^2 > 0 for the photon-number encoding', photons);
  const ph: [number, number] = [photons[0]!, photons[1]!];
  if (method === 'paper' && !(ph[1] <= PAPER_MAX_PHOTONS)) {
    throw new InputError('photons', `|gamma1|^2 <= ${PAPER_MAX_PHOTONS} for method 'paper' (its adaptive Eve-state quadrature takes ~10 s at 1e7 and over 2 min at 1e9; method 'exact' has no such limit)`, photons);
  }
  checkWindows(ph, windows);
  const r: PnResult = photonNumberRate({ photons: ph, windows, G1: L.G1, G2: L.G2, leak, tol: TOL }, method);
  // no detection in either window (Bob's counts many standard deviations away): no rate is defined
  // (NaN), as for the phase encoding: refused, never printed as a null rate with exit 0
  if (!(r.pCheck > 0)) throw new InputError('windows', `windows that post-select some detections (p_check > 0; here 0: Bob's mean counts ${((1 - leak) * ph[0] + L.G1 - 1 + L.G2 - 1).toPrecision(4)}, ${((1 - leak) * ph[1] + L.G1 - 1 + L.G2 - 1).toPrecision(4)} lie far outside the windows around mu = ${((ph[0] + ph[1]) / 2).toPrecision(4)})`, windows);
  return { r: { ...r, trace: r.trace as number[] | undefined }, pba: r.pba };
}

/** Key rate Lf/L at (distance, eveAt, leak, span, loss), given or optimised photons/windows. */
export async function rate(input: RateInput): Promise<AmplifiedRate> {
  const { L, method } = defaults(input);
  const enc = input.encoding;
  const leak = input.leak;
  const given = input.photons !== undefined || input.windows !== undefined;
  const doOpt = input.optimize !== undefined ? input.optimize !== false : !given;
  if (input.backend !== undefined && !input.evaluate && input.backend !== 'reference') {
    throw new InputError('backend', "a label for an injected `evaluate`, or 'reference'; other backends: pass `evaluator: await createEvaluator(MODELS.amplified, { backend })`", input.backend);
  }
  if (doOpt && method === 'paper' && enc === 'photon-number') {
    // measured: > 150 s for one point at 1000 km (the adaptive Eve-state quadrature per candidate)
    throw new InputError('method', "'exact' when optimising (method 'paper' evaluates fixed photons/windows only: a search on it takes many minutes a point)", method);
  }
  if (given && (input.photons === undefined || input.windows === undefined)) {
    throw new InputError(input.photons === undefined ? 'photons' : 'windows', 'photons and windows together (or --optimize)', undefined);
  }
  let photons = input.photons;
  let windows = input.windows;
  let evaluations = 0;
  let status: OptimumStatus | 'fixed' = 'fixed';
  let evidence: AmplifiedRate['search'];
  let u: number[] | undefined;
  // as in the leakage model: an injected evaluator is labelled by `backend`; a backend name selects one
  let search = input.evaluate ? (input.backend ?? 'injected') : 'reference';
  let screenedBy: string | undefined;
  if (input.evaluator && !input.evaluate && input.evaluator.screener !== undefined && (!doOpt || enc === 'phase')) {
    // a forced screening backend that would compute nothing of this result
    throw new BackendUnavailableError(input.evaluator.screener, doOpt
      ? 'no screening kernel for the phase encoding (amplified-screen is photon-number only)'
      : 'nothing to screen: fixed photons and windows are evaluated in f64 on the reference (use --optimize)');
  }
  if (doOpt) {
    let evaluate = input.evaluate;
    let used = (): string => search;
    const searchOpts = typeof input.optimize === 'object' ? input.optimize : {};
    let screenValues: number[] | undefined;
    if (!evaluate && input.evaluator) {
      const ev = input.evaluator;
      if (enc === 'photon-number') {
        // the optimiser's global sampling stage on a screening backend (WGSL f32) when there is one
        const o = { ...defaultSearch(enc), ...searchOpts };
        const stride = STRIDE['photon-number'];
        const us = latinHypercube(stride, o.samples, mulberry32(o.seed));
        const pts = new Float64Array(us.length * stride);
        us.forEach((u, i) => {
          const m = pnFromUnit(u, L, leak);
          pts.set([...m.photons, ...m.windows], i * stride);
        });
        const r = await ev.screen<AmplifiedScreenOutput>(KERNELS.amplifiedScreen, { fixed: { G1: L.G1, G2: L.G2, leak }, points: pts } satisfies AmplifiedScreenInput, { points: us.length });
        if (r) {
          screenValues = Array.from(r.value.rate);
          screenedBy = r.backend;
        }
      }
      const mark = ev.batches();
      evaluate = batchOn(ev);
      used = () => ev.backendsSince(mark);
    }
    const opt = await optimizeAt(enc, L, leak, method, searchOpts, evaluate, screenValues, input.runStarts);
    search = used();
    photons = opt.photons;
    windows = opt.windows;
    evaluations = opt.points;
    status = opt.status;
    evidence = opt.search;
    u = opt.u;
  }
  const { r, pba } = evaluateFixed(enc, L, leak, photons!, windows!, method);
  evaluations += 1;
  // SPEC 3.4: a reported value inside the cancellation floor of I(A:B) - chi is no key
  if (doOpt && !(r.rate > CANCELLATION * r.pCheck * (r.iAB + r.chi))) status = 'no-key';
  return {
    rate: r.rate,
    pCheck: r.pCheck,
    iAB: r.iAB,
    chi: r.chi,
    params: { encoding: enc, distance: L.distance, eveAt: L.eveAt, leak, span: L.span, loss: L.loss, photons: photons!, windows: windows! },
    channel: { M: L.M, M1: L.M1, M2: L.M2, G: L.G, G1: L.G1, G2: L.G2, log10T: L.log10T },
    pba,
    method: enc === 'phase' ? 'exact' : method,
    tolerance: {
      method: enc === 'phase' ? 'closed form (Eqs. 132-133, 143)' : method === 'exact' ? 'pn-separable fixed nodes, alpha 2 vs 3' : 'adaptive Gauss-Kronrod (absTol 1e-15)',
      estimated: r.quadError,
      converged: r.quadConverged,
    },
    backend: { ...(screenedBy ? { screen: screenedBy } : {}), search: doOpt ? search : 'none (fixed parameters)', evaluation: 'reference' },
    ...(r.trace ? { trace: r.trace } : {}),
    evaluations,
    innerEvaluations: r.evaluations,
    optimized: doOpt,
    status,
    converged: status === 'optimum',
    ...(evidence ? { search: evidence } : {}),
    ...(u ? { u } : {}),
  };
}

/** Default search budgets per encoding. */
export function defaultSearch(enc: Encoding): Required<Omit<SearchOptions, 'warm' | 'above'>> {
  return enc === 'phase'
    ? { samples: 2000, starts: 6, maxIter: 600, ftol: 1e-12, gtol: 1e-6, agree: 1e-6, seed: 12345, local: 'nelder-mead', familyStarts: 0, differences: 'central', sameStart: 1e-9, stall: 0 }
    // sameStart 0.02: over the best-known table 8 % fewer evaluations, every optimum and status
    // unchanged; stall 3e-6: 28 % fewer, every status unchanged, optima within 6e-7 (docs/amplified.md)
    : { samples: 48, starts: 1, maxIter: 200, ftol: 1e-12, gtol: 1e-4, agree: 1e-6, seed: 12345, local: 'lbfgs', familyStarts: 3, differences: 'forward', sameStart: 0.02, stall: 3e-6 };
}

/**
 * Bob's count statistics of the photon-number box (pnFromUnit): S (amplifier noise photons at Bob)
 * and the standard deviation of his count for |gamma|^2 = p.
 */
function bobCounts(L: { G1: number; G2: number }, leak: number) {
  const S = (1 - leak) * (L.G1 - 1) + (L.G2 - 1);
  const sd = (p: number): number => Math.sqrt((1 - leak) * p + S + S * S + 2 * (1 - leak) * p * S);
  return { S, sd, mean: (p: number): number => (1 - leak) * p + S };
}

/**
 * The unit-box point (pnFromUnit's inverse, clamped to the box) of |gamma1|^2 = 10^(1 + 7 v0), a
 * pair `k` of Bob's count widths apart (k = 0: on-off keying, |gamma0|^2 = 0) and windows given in
 * Bob's standard scores: E0 = [m0 + z[0] sd0, m0 + z[1] sd0], E1 = [m1 + z[2] sd1, m1 + z[3] sd1]
 * (z[1] = NaN: E0 ends half-way between the means; z[2] = NaN: E1 starts right after E0).
 */
export function pnStart(v0: number, k: number, z: readonly number[], L: { G1: number; G2: number }, leak: number): number[] {
  const { sd, mean } = bobCounts(L, leak);
  const p1 = Math.pow(10, 1 + 7 * v0);
  const r = k === 0 ? 0 : Math.max(0, 1 - (k * sd(p1)) / ((1 - leak) * p1));
  const p0 = r * p1;
  const m0 = mean(p0);
  const m1 = mean(p1);
  const c = (x: number): number => Math.min(1, Math.max(0, x));
  const u2 = c((10 + z[0]!) / 13);
  const lo0 = m0 - sd(p0) * (10 - 13 * u2);
  const hi0 = Number.isNaN(z[1]!) ? 0.5 * (m0 + m1) : m0 + z[1]! * sd(p0);
  const u3 = c((hi0 - lo0) / (m1 + 3 * sd(p1) - lo0));
  const u5 = c((10 - z[3]!) / 13);
  const h0 = Math.max(0, lo0 + (m1 + 3 * sd(p1) - lo0) * u3);
  const hi1 = Math.max(m1 + sd(p1) * (10 - 13 * u5), h0 + 1);
  const lo1 = Number.isNaN(z[2]!) ? h0 + 1 : m1 + z[2]! * sd(p1);
  const u4 = hi1 - h0 - 1 > 0 ? c((lo1 - h0 - 1) / (hi1 - h0 - 1)) : 0;
  return [v0, r, u2, u3, u4, u5];
}

/** Wide adjacent windows: E0 from 10 sd below m0 to half-way, E1 from there to 10 sd above m1. */
const WIDE = [-10, NaN, NaN, 10];

/**
 * Physics-informed photon-number starts (box coordinates): on-off keying (|gamma0|^2 = 0) with
 * rE |gamma1|^2 = 0.3 (Eve's mean photon number well below 1: the regime of the 1000 km and
 * 40,000 km optima), and at the best screened |gamma1|^2 (u0) on-off keying and a symmetric pair
 * 6 count widths apart; all with wide adjacent windows split half-way between Bob's mean counts.
 */
export function pnVariants(u0: number, L: { G1: number; G2: number }, leak: number): number[][] {
  const out = [pnStart(u0, 0, WIDE, L, leak), pnStart(u0, 6, WIDE, L, leak)];
  if (leak > 0) out.unshift(pnStart(Math.min(1, Math.max(0, (Math.log10(0.3 / leak) - 1) / 7)), 0, WIDE, L, leak));
  return out;
}

/**
 * Physics-informed families of photon-number starts along |gamma1|^2 (v0 on a grid of 15 over
 * [10, 1e8]), each family's best point a start (maximizeBox `families`). At large rE the optima
 * are close pairs that post-select (measured on the best-known table): on-off keying or pairs
 * 1-2 count widths apart with the inner halves of the counts (Eve near Bob: E0 ~ [m0, m0 + 0.8
 * sd0], E1 ~ [m1 - sd1, m1]), or with the outer tails (Eve near Alice: E0 below m0 - 1.4 sd0, E1
 * above m1 + 1.4 sd1). Families: on-off keying and pairs 1.5 and 4 widths apart, with wide
 * adjacent, inner (E0 = [m0, m0 + 0.6 sd0], E1 = [m1 - 0.6 sd1, m1]) and tail windows (9 families,
 * 135 points); the best points of the best `familyStarts` families become starts.
 */
export function pnFamilies(L: { G1: number; G2: number }, leak: number): number[][][] {
  const grid = Array.from({ length: 15 }, (_, i) => i / 14);
  const shapes = [WIDE, [0, 0.6, -0.6, 0], [-0.5, 0.8, -1, 0.5], [-10, -1.4, 1.4, 10]];
  const out: number[][][] = [];
  for (const k of [0, 1.5, 4]) for (const z of shapes) out.push(grid.map((v0) => pnStart(v0, k, z, L, leak)));
  return out;
}

/** Physical edges of the photon-number box: |gamma0|^2 = 0 (on-off keying) and |gamma0| = |gamma1|. */
const PN_LIMITS: BoxLimits = { lower: [false, true, false, false, false, false], upper: [false, true, false, false, false, false] };

/** The optimiser's objective at a line point: unit-box points -> Lf/L on `evaluate` (batched). */
function objectiveOf(enc: Encoding, L: LineGeometry, leak: number, method: Method, evaluate: BatchEvaluator): (us: number[][]) => number[] {
  const map = enc === 'phase' ? phaseFromUnit : pnFromUnit;
  const fixed: BatchFixed = { encoding: enc, G1: L.G1, G2: L.G2, leak, method, tol: SCREEN_TOL };
  const stride = STRIDE[enc];
  return (us: number[][]): number[] => {
    const pts = new Float64Array(us.length * stride);
    us.forEach((u, i) => {
      const m = map(u, L, leak);
      pts.set([...m.photons, ...m.windows], i * stride);
    });
    const out = new Float64Array(us.length);
    evaluate(fixed, pts, out);
    return Array.from(out);
  };
}

/** One local search of the optimiser (a StartTask) on `evaluator` (default: the reference). */
export function searchStart(task: StartTask, evaluator?: KernelEvaluator): StartOutcome {
  const L = line({ distance: task.distance, eveAt: task.eveAt, span: task.span, loss: task.loss });
  const f = objectiveOf(task.encoding, L, task.leak, task.method, evaluator ? batchOn(evaluator) : evaluateBatch);
  return searchFrom(f, { ...defaultSearch(task.encoding), ...task.search }, task.u0);
}

/** Optimise photons/windows at a fixed line point (SPEC 3.4); with `runStarts` its local searches run there. */
export async function optimizeAt(
  enc: Encoding,
  L: LineGeometry,
  leak: number,
  method: Method,
  opts: SearchOptions = {},
  evaluate: BatchEvaluator = evaluateBatch,
  screenValues?: readonly number[],
  runStarts?: RunStartTasks,
): Promise<{ photons: number[]; windows: number[]; value: number; points: number; status: OptimumStatus; converged: boolean; u: number[]; search: NonNullable<AmplifiedRate['search']> }> {
  const dim = enc === 'phase' ? 3 : 6;
  const map = enc === 'phase' ? phaseFromUnit : pnFromUnit;
  const f = objectiveOf(enc, L, leak, method, evaluate);
  const extra = { ...(enc === 'phase' ? {} : { variants: (b: number[]) => pnVariants(b[0]!, L, leak), families: pnFamilies(L, leak), physical: PN_LIMITS }), ...(screenValues ? { screenValues } : {}) };
  const search = { ...defaultSearch(enc), ...opts };
  const r = runStarts
    ? await maximizeBoxParallel(dim, f, search, extra, (starts) =>
      runStarts(starts.map((u0) => ({ encoding: enc, distance: L.distance, eveAt: L.eveAt, leak, span: L.span, loss: L.loss, method, search: opts, u0 }))))
    : maximizeBox(dim, f, search, extra);
  const m = map(r.u, L, leak);
  return {
    photons: [...m.photons], windows: m.windows, value: r.value, points: r.points, status: r.status, converged: r.converged, u: r.u,
    search: { starts: r.starts.length, agreeing: r.agreeing, gradient: r.gradient, nanEvents: r.nanEvents },
  };
}

/**
 * Optimise a list of independent rate() inputs: the default runs them one after the other; the
 * CLI injects one that spreads them over worker threads (same results: each input is independent).
 */
export type RateMany = (inputs: RateInput[]) => Promise<AmplifiedRate[]>;

const sequentialRates: RateMany = async (inputs) => {
  const out: AmplifiedRate[] = [];
  for (const i of inputs) out.push(await rate(i));
  return out;
};

export interface WorstCaseInput extends Omit<RateInput, 'eveAt' | 'photons' | 'windows'> {
  /** number of coarse grid points over [0, distance] (multiples of span; default 21, capped at M+1) */
  gridPoints?: number;
  /** refine around the coarse minimum down to single-span resolution (default true) */
  refine?: boolean;
  onProgress?: (done: number, total: number) => void;
  /** how the positions of one step are optimised (default: sequentially in this thread) */
  rateMany?: RateMany;
}

export interface WorstCase extends AmplifiedRate {
  /** Eve's position of the worst case (km) */
  eveAt: number;
  /** every position evaluated: optimised Lf/L and its status */
  scan: { eveAt: number; rate: number; status: AmplifiedRate['status'] }[];
}

/**
 * Worst case over Eve's position (SPEC 3.4): optimise Lf/L on a coarse grid of span multiples over
 * the whole line (every position on its own, so they can run in parallel), then halve the step
 * around the minimum down to one span, optimising both neighbours warm-started from the current
 * minimum, and re-optimise the minimum warm-started from its neighbours' optima. A coarse minimum
 * without key (status no-key) is re-optimised once from its coarse neighbours' optima; still
 * without key, it is the worst case and the scan stops. With refinement, the grid's first and
 * middle positions are optimised first: no key at both, the worst case has none (no position can
 * give a lower rate than none) and the scan stops there. After those two, a position's search
 * stops once it exceeds the running minimum (with a key) by ABOVE_MARGIN (status 'above': a lower
 * bound of its optimum, so it is not the worst case); a position whose bound a re-optimisation of
 * the minimum has overtaken is optimised again in full, so the minimum is always a full optimum.
 * Every step depends only on the previous steps' results: the same numbers for any `rateMany`.
 */
/**
 * Relative margin over the running minimum above which a worst-case position's search stops
 * (1e-5: at 1000 km, r_E 1e-6 the positions' optima lie within 4e-4 of each other; a final
 * re-optimisation that raises the minimum by more re-opens the positions it overtakes).
 */
export const ABOVE_MARGIN = 1e-5;

export async function worstCase(input: WorstCaseInput): Promise<WorstCase> {
  const distance = check('distance', params.distance, input.distance);
  const span = check('span', params.span, input.span ?? 50);
  const M = Math.round(distance / span);
  if (Math.abs(M * span - distance) > 1e-9 * distance) throw new InputError('distance', `a multiple of span (${span} km)`, distance);
  const gridPoints = check('gridPoints', ranged(z.number().int().min(2), 'integer >= 2'), input.gridPoints ?? 21);
  let step = Math.max(1, Math.ceil(M / (gridPoints - 1)));
  const { gridPoints: _g, refine: _r, onProgress, rateMany, ...rateBase } = input;
  const many = rateMany ?? sequentialRates;
  // `above` is the scan's own (ABOVE_MARGIN below)
  const { above: _a, ...base }: SearchOptions = typeof input.optimize === 'object' ? input.optimize : {};
  const refineOn = input.refine !== false;
  const light = Math.max(8, Math.floor((base.samples ?? defaultSearch(input.encoding).samples) / 4));
  const done = new Map<number, AmplifiedRate>();
  const grid: number[] = [];
  for (let k = 0; k < M; k += step) grid.push(k);
  grid.push(M);
  const total = grid.length + (!refineOn ? 0 : 2 * Math.ceil(Math.log2(step + 1)) + 1);
  let count = 0;
  // every optimisation's evaluations count, also those of a re-optimisation that found no better value
  let evaluations = 0;
  const argmin = (): number => [...done.entries()].reduce((a, b) => (b[1].rate < a[1].rate ? b : a))[0];
  // a position's search stops once it exceeds the running minimum by ABOVE_MARGIN (status 'above':
  // its optimum is at least that, so it is not the worst case); none while the minimum has no key
  const bound = (): { above?: number } => {
    if (done.size === 0) return {};
    const m = done.get(argmin())!.rate;
    return m > 0 ? { above: m * (1 + ABOVE_MARGIN) } : {};
  };
  const evalAt = async (ks: number[], warm: number[][], prune = true): Promise<void> => {
    const todo = [...new Set(ks)].filter((k) => k >= 0 && k <= M && (!done.has(k) || (!prune && done.get(k)!.status === 'above')));
    if (todo.length === 0) return;
    const cut = prune ? bound() : {};
    const res = await many(todo.map((k) => ({ ...rateBase, eveAt: k * span, optimize: warm.length ? { ...base, ...cut, warm, samples: light } : { ...base, ...cut } })));
    todo.forEach((k, i) => {
      done.set(k, res[i]!);
      evaluations += res[i]!.evaluations;
      onProgress?.(Math.min(++count, total), total);
    });
  };
  // first the coarse grid's first and middle positions: if Eve has no key at both (status
  // no-key), the worst case has none and the rest of the grid cannot change that (SPEC 3.4: the
  // minimum over positions is at most any position's rate); otherwise the whole grid as before
  const first = refineOn ? [...new Set([grid[0]!, grid[Math.floor((grid.length - 1) / 2)]!])] : grid;
  await evalAt(first, [], false);
  const noKeyFirst = refineOn && first.every((k) => done.get(k)!.status === 'no-key');
  if (!noKeyFirst) await evalAt(grid, [], refineOn);
  const reoptimise = async (k: number, warm: number[][]): Promise<void> => {
    const [res] = await many([{ ...rateBase, eveAt: k * span, optimize: { ...base, warm } }]);
    evaluations += res!.evaluations;
    if (res!.rate > done.get(k)!.rate) done.set(k, res!);
  };
  // a position stopped above an earlier minimum that a re-optimisation has since raised past it
  // could be the worst case: optimised in full (so the minimum is never an 'above' bound)
  const settle = async (): Promise<void> => {
    for (;;) {
      const m = done.get(argmin())!.rate;
      const open = [...done.entries()].filter(([, r]) => r.status === 'above' && !(r.rate > m)).map(([k]) => k);
      if (open.length === 0) return;
      await evalAt(open, [], false);
    }
  };
  const optimaAt = (ks: number[]): number[][] => ks.map((x) => done.get(x)?.u).filter((x): x is number[] => !!x);
  if (noKeyFirst) {
    step = 0;
    onProgress?.(total, total);
  } else if (refineOn) {
    // no key found at the coarse minimum: one re-optimisation there, warm-started from its coarse
    // neighbours' optima; still no key, that position is the worst case (no rate is lower than
    // none; the refinement would only place where the key vanishes) and the scan stops
    const k0 = argmin();
    if (done.get(k0)!.status === 'no-key') {
      const warms = optimaAt([k0 - step, k0 + step]);
      if (warms.length > 0) await reoptimise(k0, warms);
      await settle();
      if (done.get(argmin())!.status === 'no-key') step = 0;
    }
    while (step > 1) {
      step = Math.ceil(step / 2);
      const k = argmin();
      await evalAt([k - step, k + step], optimaAt([k]));
    }
    // final re-optimisation at the minimum, warm-started from its neighbours' optima
    if (step === 1) {
      const k = argmin();
      await reoptimise(k, optimaAt([k - 1, k, k + 1]));
    }
    await settle();
    onProgress?.(total, total);
  }
  const kmin = argmin();
  const worst = done.get(kmin)!;
  const scan = [...done.entries()].sort((a, b) => a[0] - b[0]).map(([k, r]) => ({ eveAt: k * span, rate: r.rate, status: r.status }));
  return { ...worst, eveAt: kmin * span, evaluations, scan };
}

export interface CurveInput extends Omit<RateInput, 'leak' | 'eveAt'> {
  leaks: number[];
  /** fixed Eve position; omitted = worst case over eveAt at each leak */
  eveAt?: number;
  /** coarse eveAt grid of the worst case (see WorstCaseInput) */
  gridPoints?: number;
  onProgress?: (done: number, total: number) => void;
  /** see WorstCaseInput.rateMany */
  rateMany?: RateMany;
}

export interface CurvePoint {
  leak: number;
  rate: number;
  eveAt: number;
  photons: number[];
  windows: number[];
  pCheck: number;
  iAB: number;
  chi: number;
  evaluations: number;
  status: AmplifiedRate['status'];
  converged: boolean;
  /** backends of the optimiser (screen, when a screening backend ranked its samples, and search;
   *  reported values: reference) */
  backend: string;
}

/**
 * Optimised Lf/L over a list of leaks. Every point is optimised on its own (no warm start from its
 * neighbour: the optimiser's physics-informed starts make cold starts reliable), so the CLI can
 * spread the points over workers and get the same numbers for any number of workers.
 */
export async function curve(input: CurveInput): Promise<{ points: CurvePoint[]; method: Method; encoding: Encoding }> {
  if (!Array.isArray(input.leaks) || input.leaks.length === 0) throw new InputError('leak', 'a non-empty list in [0, 1)', input.leaks);
  input.leaks.forEach((l, i) => check(`leak.${i}`, params.leak, l));
  const points: CurvePoint[] = [];
  const { onProgress, leaks, rateMany, gridPoints, ...rest } = input;
  // fixed Eve: all points at once (independent); worst case: one scan per point
  const fixedEve = input.eveAt === undefined ? undefined
    : await (rateMany ?? sequentialRates)(leaks.map((leak) => ({ ...rest, leak, eveAt: input.eveAt!, optimize: typeof input.optimize === 'object' ? { ...input.optimize } : {} })));
  for (const [i, leak] of leaks.entries()) {
    const r: AmplifiedRate & { eveAt?: number } = fixedEve ? fixedEve[i]! : await worstCase({ ...rest, leak, gridPoints, refine: true, rateMany });
    points.push({
      leak,
      rate: r.rate,
      eveAt: r.params.eveAt,
      photons: r.params.photons,
      windows: r.params.windows,
      pCheck: r.pCheck,
      iAB: r.iAB,
      chi: r.chi,
      evaluations: r.evaluations,
      status: r.status,
      converged: r.converged,
      backend: r.backend.screen ? `${r.backend.screen} (screen), ${r.backend.search} (search)` : r.backend.search,
    });
    onProgress?.(i + 1, leaks.length);
  }
  return { points, method: input.method ?? 'exact', encoding: input.encoding };
}
