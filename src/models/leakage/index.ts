/**
 * Reference (plain TypeScript, f64) implementation of the leakage paper [L]
 * ("entanglement is not sufficient" with classical side-channel leakage). docs/leakage.md.
 *   threshold / zeroCrossing : Theorems 1-2, corrected closed forms (SPEC.md 2)
 *   rate                     : R = 1/(N-1) max_x min_gamma F_x(gamma) (App. B Eqs. 24-29)
 *   curve                    : rows of Figs. 1, 3, 4
 *   repeaters / nMax         : Fig. 2 and Eq. 5 (corrected threshold)
 */
import { z } from 'zod';
import { InputError } from '../../errors.js';
import { check, checkObject, params, ranged } from '../../validate.js';
import type { LeakageObjectiveBatch, Objective } from '../../kernels/leakage-objective/spec.js';
import { leakageObjectiveReference } from '../../kernels/leakage-objective/reference.js';
import { attackCoefficients, paperGamma, type LeakageModel } from './attack.js';
import { defaultGrid, eveMinMany, type EveConvergence, type EveMin, type EveOptions, type EveStatus, type Evaluate, type Screen, type ScreenPoints } from './optimize.js';
import type { LeakageGridScreenOutput } from '../../kernels/leakage-grid-screen/spec.js';
import { bigD, entSepCorrelations, measurementUnitary, qOf, separableBound, unitarityDefect, type PartyMeasurement, type Settings } from './state.js';
import { mulberry32 } from '../../util/prng.js';
import { KERNELS } from '../../kernels/names.js';
import type { KernelEvaluator, ModelKernels } from '../../kernels/evaluator.js';

export * from './state.js';
export * from './attack.js';
export { eveMinMany, objectiveGradient, defaultGrid, type EveOptions, type EveMin, type EveStatus, type EveConvergence, type Evaluate } from './optimize.js';
export type { LeakageObjectiveBatch, Objective } from '../../kernels/leakage-objective/spec.js';

const objectiveSchema = ranged(z.enum(['joint', 'conditional']), "'joint' | 'conditional'");
const evaluateSchema = ranged(z.custom<Evaluate>((f) => typeof f === 'function'), 'a batch evaluator function');
const evaluatorSchema = ranged(
  z.custom<KernelEvaluator>((e) => typeof e === 'object' && e !== null && typeof (e as KernelEvaluator).run === 'function'),
  'a KernelEvaluator from createEvaluator(MODELS.leakage, { backend, workers })',
);

/** The kernels the leakage model runs (handed to createEvaluator, src/runtime/evaluator.ts). */
export const LEAKAGE_KERNELS: ModelKernels = { model: 'leakage', kernels: [KERNELS.leakageObjective], screens: [KERNELS.leakageGridScreen, KERNELS.leakageObjective] };
/** The same under the name every model module exports (src/models/registry.ts). */
export const modelKernels = LEAKAGE_KERNELS;
const base = {
  dim: params.dim,
  parties: params.parties,
  leakage: params.leakage,
  model: params.model.optional(),
};

// ---------------------------------------------------------------------------------------------
// size limits: the state and Eve's screen grow like d^N (n outcomes); bound memory and time

/** Memory one rate() may need (estimate), bytes. */
export const MAX_RATE_BYTES = 2 * 1024 ** 3;
/** Time one rate() or zeroCrossing() may need (estimate), seconds. */
export const MAX_RATE_SECONDS = 300;
/** Screen points per problem of Eve's optimiser (its default maxScreen, src/models/leakage/optimize.ts). */
const SCREEN_CAP = 2 ** 18;

export interface RateCost {
  /** d^N joint outcomes */
  outcomes: number;
  /** peak memory of the largest objective batch (screen points x n f64, times the candidates screened together) */
  bytes: number;
  /** single-thread time (s), from measured rates (~4e-8 s per screen point and outcome, plus start-up) */
  seconds: number;
}

/** Estimated cost of one rate() at (dim, parties) with the given settings search. */
export function rateCost(dim: number, parties: number, search: SettingsSearch = 'family', samples = 24, grid?: number): RateCost {
  const n = dim ** parties;
  const g = grid ?? defaultGrid(n);
  const screen = Math.min(g ** n, SCREEN_CAP);
  // candidates screened in one batch / in total (d = 2: 13-point scan + ~9 refinement rounds of 4)
  let batch = search === 'fixed' ? 1 : dim === 2 ? 14 : 1;
  let total = search === 'fixed' ? 1 : dim === 2 ? 50 : 1;
  if (search === 'general') {
    batch = Math.max(batch, samples + 1);
    total += samples + 1 + (dim === 2 ? 4 * parties * 40 : 0);
  }
  const bytes = batch * screen * n * 8 + 16 * n * n;
  const seconds = 1 + 4e-8 * total * screen * n;
  return { outcomes: n, bytes: Number.isFinite(bytes) ? bytes : Infinity, seconds: Number.isFinite(seconds) ? seconds : Infinity };
}

const fits = (c: RateCost, times = 1): boolean => c.bytes <= MAX_RATE_BYTES && c.seconds * times <= MAX_RATE_SECONDS;

/** Refuse (InputError) a (dim, parties) whose rate() (times `times`, e.g. a bisection) would not fit the limits. */
function checkRateSize(dim: number, parties: number, search: SettingsSearch, samples: number, grid: number | undefined, times = 1, what = 'one rate'): void {
  const c = rateCost(dim, parties, search, samples, grid);
  if (fits(c, times)) return;
  // the largest parties at this dim, and the largest dim at these parties, that fit
  let maxN = 1;
  while (maxN < 64 && fits(rateCost(dim, maxN + 1, search, samples, grid), times)) maxN++;
  let maxD = 1;
  while (maxD < 4096 && fits(rateCost(maxD + 1, parties, search, samples, grid), times)) maxD++;
  const limit = `${what} within ~${MAX_RATE_BYTES / 1024 ** 3} GiB and ~${MAX_RATE_SECONDS} s (estimated from d^N)`;
  const why = `d^N = ${dim}^${parties}: estimated ${(c.bytes / 1024 ** 3).toPrecision(2)} GiB, ${(c.seconds * times).toPrecision(2)} s`;
  if (parties > 2 || dim === 2) {
    throw new InputError('parties', maxN >= 2 ? `integer in [2, ${maxN}] at dim ${dim}, so that ${limit}` : `none at dim ${dim}: ${limit}`, parties, why);
  }
  throw new InputError('dim', maxD >= 2 ? `integer in [2, ${maxD}] at parties ${parties}, so that ${limit}` : `none at parties ${parties}: ${limit}`, dim, why);
}

/** d^(N-1) must be a finite f64 for the closed forms. */
function checkClosedFormSize(dim: number, parties: number): void {
  if (!Number.isFinite(bigD(dim, parties))) {
    throw new InputError(parties > 2 ? 'parties' : 'dim', 'd^(N-1) finite in f64 (< 1.8e308)', parties > 2 ? parties : dim);
  }
}

/** Bisection steps of zeroCrossing between the separable bound and 1. */
const bisectionSteps = (dim: number, parties: number, tol: number): number => Math.max(1, Math.ceil(Math.log2((1 - separableBound(dim, parties)) / tol))) + 1;

// ---------------------------------------------------------------------------------------------
// thresholds

export interface ThresholdInput {
  dim: number;
  parties: number;
  leakage: number;
  model?: LeakageModel;
}

/** Corrected closed form (SPEC.md 2, from App. Eqs. 17-18 / 21): uniform 1/(1+D(1-L)), junk (1+L)/(1+D+L). */
export function thresholdClosedForm(dim: number, parties: number, leakage: number, model: LeakageModel = 'uniform'): number {
  const D = bigD(dim, parties);
  return model === 'uniform' ? 1 / (1 + D * (1 - leakage)) : (1 + leakage) / (1 + D + leakage);
}

/** The threshold as printed in [L] Thm. 1/2 (i) / Eq. 19 RHS (uniform; drops a factor 1+D): for comparison only. */
export function thresholdPrinted(dim: number, parties: number, leakage: number): number {
  const D = bigD(dim, parties);
  return 1 / (1 + D) + (D * leakage) / ((1 + D) * (1 - leakage) + leakage);
}

export interface ZeroCrossingInput extends ThresholdInput {
  objective?: Objective;
  /** bisection stops when the bracket is narrower than this (default 1e-6) */
  tol?: number;
  /** a rate above this counts as positive (default 1e-12 bits) */
  positive?: number;
  evaluate?: Evaluate;
  /** the backends that compute the bisection's rates (createEvaluator); default: reference */
  evaluator?: KernelEvaluator;
}

export interface ZeroCrossing {
  zeroCrossing: number;
  /** final bracket [lo, hi]: rate(lo) <= positive < rate(hi) */
  bracket: [number, number];
  tol: number;
  positive: number;
  evaluations: number;
  /** why the bisection was not run (zeroCrossing is then NaN) */
  skipped?: string;
  /** backend(s) that computed the bisection's rates ('none' when it was not run) */
  backend: string;
}

/** Input schema of zeroCrossing() (threshold() adds `zeroCrossing`). */
const zeroCrossingSchema = z.object({
  ...base,
  objective: objectiveSchema.optional(),
  tol: ranged(z.number().min(1e-12).lt(0.1), '[1e-12, 0.1)').optional(),
  positive: ranged(z.number().gt(0), '> 0').optional(),
  evaluate: evaluateSchema.optional(),
  evaluator: evaluatorSchema.optional(),
}).strict();

/** Smallest v with rate > `positive`, by bisection on the computed rate between 1/(1+D) and 1. */
export async function zeroCrossing(input: ZeroCrossingInput): Promise<ZeroCrossing> {
  const i = checkObject(zeroCrossingSchema, input);
  const tol = i.tol ?? 1e-6;
  const positive = i.positive ?? 1e-12;
  checkClosedFormSize(i.dim, i.parties);
  if (!input.evaluate) checkRateSize(i.dim, i.parties, 'family', 24, undefined, bisectionSteps(i.dim, i.parties, tol), 'the zero-crossing bisection');
  let lo = separableBound(i.dim, i.parties);
  let hi = 1;
  let evaluations = 0;
  const used = new Set<string>();
  const r = async (v: number) => {
    const res = await rate({ dim: i.dim, parties: i.parties, leakage: i.leakage, visibility: v, model: i.model, objective: i.objective, evaluate: input.evaluate, evaluator: input.evaluator });
    evaluations += res.evaluations;
    for (const b of res.backend.split(' + ')) used.add(b);
    return res.rate;
  };
  const backend = () => [...used].join(' + ') || 'none';
  const atOne = await r(hi);
  if (!(atOne > positive)) {
    // no visibility in [1/(1+D), 1] gives key: there is no crossing to bisect for
    return { zeroCrossing: NaN, bracket: [lo, hi], tol, positive, evaluations, backend: backend(), skipped: `no key at any visibility: rate(v = 1) = ${atOne} <= positive (${positive})` };
  }
  while (hi - lo > tol) {
    const mid = 0.5 * (lo + hi);
    if ((await r(mid)) > positive) hi = mid;
    else lo = mid;
  }
  return { zeroCrossing: hi, bracket: [lo, hi], tol, positive, evaluations, backend: backend() };
}

export interface ThresholdResult {
  dim: number;
  parties: number;
  leakage: number;
  model: LeakageModel;
  /** corrected closed form v* (SPEC.md 2) */
  threshold: number;
  /** full separability bound 1/(1+d^(N-1)) */
  separableBound: number;
  /** numerical zero crossing of the computed rate (bisection), see zeroCrossingDetail */
  zeroCrossing: number;
  zeroCrossingDetail: ZeroCrossing;
  /** the printed (erroneous) uniform formula of Thm. 1/2 (i), for reference */
  printedThreshold?: number;
  /** what computed the numbers: closed forms, and the backend(s) of the zero crossing's rates */
  backend: string;
}

/** Input schema of threshold() (exported for the service's OpenAPI document, src/serve). */
export const thresholdSchema = zeroCrossingSchema.extend({
  zeroCrossing: ranged(z.boolean(), 'true | false').optional(),
}).strict();

export async function threshold(input: ThresholdInput & { objective?: Objective; tol?: number; positive?: number; evaluate?: Evaluate; evaluator?: KernelEvaluator; zeroCrossing?: boolean }): Promise<ThresholdResult> {
  const i = checkObject(thresholdSchema, input);
  const model = i.model ?? 'uniform';
  checkClosedFormSize(i.dim, i.parties);
  const { zeroCrossing: wanted, ...zin } = input;
  // the closed form never waits for the bisection: skipped when not wanted or too large (d^N)
  const steps = bisectionSteps(i.dim, i.parties, i.tol ?? 1e-6);
  const skip =
    wanted === false ? 'not requested'
    : !input.evaluate && !fits(rateCost(i.dim, i.parties), steps)
      ? `d^N = ${i.dim}^${i.parties} too large for the numerical bisection (estimated ${(rateCost(i.dim, i.parties).bytes / 1024 ** 3).toPrecision(2)} GiB, ${(rateCost(i.dim, i.parties).seconds * steps).toPrecision(2)} s; limits ~${MAX_RATE_BYTES / 1024 ** 3} GiB, ~${MAX_RATE_SECONDS} s)`
      : undefined;
  const sep = separableBound(i.dim, i.parties);
  const zc: ZeroCrossing = skip
    ? { zeroCrossing: NaN, bracket: [sep, 1], tol: i.tol ?? 1e-6, positive: 1e-12, evaluations: 0, skipped: skip, backend: 'none' }
    : await zeroCrossing({ ...zin, model });
  return {
    dim: i.dim,
    parties: i.parties,
    leakage: i.leakage,
    model,
    threshold: thresholdClosedForm(i.dim, i.parties, i.leakage, model),
    separableBound: separableBound(i.dim, i.parties),
    zeroCrossing: zc.zeroCrossing,
    zeroCrossingDetail: zc,
    ...(model === 'uniform' ? { printedThreshold: thresholdPrinted(i.dim, i.parties, i.leakage) } : {}),
    backend: zc.skipped ? 'closed forms (no zero crossing)' : `closed forms; zero crossing: ${zc.backend}`,
  };
}

// ---------------------------------------------------------------------------------------------
// rate

export type SettingsSearch = 'family' | 'general' | 'fixed';

export interface RateInput {
  dim: number;
  parties: number;
  leakage: number;
  visibility: number;
  model?: LeakageModel;
  objective?: Objective;
  /** fixed measurement settings (one per party): no search over x */
  settings?: Settings;
  /** 'family' (default: the paper's families), 'general' (family, and independently of it a random
   *  search over all projective measurements + pattern search; the better of the two) */
  settingsSearch?: 'family' | 'general';
  /** warm start: settings to include among the candidates (e.g. the optimum of a neighbouring point) */
  start?: Settings;
  /** Eve's optimiser options */
  eve?: EveOptions;
  /** angle tolerance of the family refinement (default 1e-6 rad) */
  angleTol?: number;
  /** random candidates of the general search (default 24), and its seed */
  samples?: number;
  seed?: number;
  /** injectable batch evaluator (default: leakageObjectiveReference) */
  evaluate?: Evaluate;
  /** with `evaluate`: the label reported as `backend` (without: 'reference' only) */
  backend?: string;
  /** the backends that compute Eve's objective batches: createEvaluator(MODELS.leakage, { backend,
   *  workers }) (src/runtime/evaluator.ts); the result names the ones that computed this point */
  evaluator?: KernelEvaluator;
}

export interface RateResult {
  rate: number;
  dim: number;
  parties: number;
  leakage: number;
  visibility: number;
  model: LeakageModel;
  objective: Objective;
  /** q_v (App. A) */
  q: number;
  /** optimal settings x (re-evaluate with rate({..., settings})) */
  settings: Settings;
  /** Eve's minimiser gamma at the optimal settings (length d^N) */
  gamma: number[];
  /** min_gamma F_x(gamma) at the optimal settings (= (N-1) rate) */
  objectiveValue: number;
  /** f64 objective evaluations (kernel points); points ranked on a screening backend (f32) are not counted */
  evaluations: number;
  method: string;
  tolerance: { angle: number; step: number; grid: number; starts: number; value: number };
  settingsSearch: SettingsSearch;
  backend: string;
  /** Eve's minimisation at the reported settings: 'optimum' or 'not-converged' (criterion in
   *  optimize.ts: best start stopped on stepTol, >= 2 distinct starts agree within valueTol, no NaN) */
  status: EveStatus;
  convergence: EveConvergence;
  /** NaN objective values / gradients met over every candidate of this call (0 unless a bug) */
  nanEvents: number;
  /** 'general': objective value of the family search and of the independent general search */
  searches?: { family: number; general: number };
  /** when Eve's grid screen ran on a screening backend (e.g. WGSL f32): which backends screened
   *  and which refined in f64 */
  backends?: { screen: string; refine: string };
  /** that screen at the reported settings: f64 value of the best screened cell, the proven cell
   *  modulus M, and lowerBound = gridBest - M <= min_gamma F ('joint'; see EveMin.screen) */
  screen?: { gridBest: number; modulus: number; lowerBound: number };
}

const angle = ranged(z.number().finite(), 'a finite angle (rad)');
const partySchema = z.union([
  z.object({ theta: angle, phi: angle.optional() }).strict(),
  z.object({ basis: z.enum(['computational', 'fourier']) }).strict(),
  z.object({ unitary: z.object({ re: z.array(z.array(z.number().finite())), im: z.array(z.array(z.number().finite())) }) }).strict(),
]);
const settingsSchema = ranged(z.array(partySchema), 'one measurement per party: {theta, phi?} (d=2) | {basis} | {unitary: {re, im}}');

function checkSettings(name: string, s: unknown, dim: number, parties: number): Settings {
  const v = check(name, settingsSchema, s) as Settings;
  if (v.length !== parties) throw new InputError(name, `${parties} measurements (one per party)`, s);
  for (const m of v) {
    if ('theta' in m && dim !== 2) throw new InputError(name, 'Bloch angles only for dim = 2', s);
    if ('unitary' in m) {
      const ok = m.unitary.re.length === dim && m.unitary.im.length === dim && m.unitary.re.every((r) => r.length === dim) && m.unitary.im.every((r) => r.length === dim);
      if (!ok || unitarityDefect(measurementUnitary(dim, m)) > 1e-9) throw new InputError(name, `a ${dim}x${dim} unitary (|U^dag U - 1| <= 1e-9)`, s);
    }
  }
  return v;
}

/** Input schema of rate() (exported for the service's OpenAPI document, src/serve). */
export const rateSchema = z.object({
  ...base,
  visibility: params.visibility,
  objective: objectiveSchema.optional(),
  settingsSearch: ranged(z.enum(['family', 'general']), "'family' | 'general'").optional(),
  eve: z
    .object({
      grid: ranged(z.number().int().min(2).max(64), 'integer in [2, 64]').optional(),
      starts: ranged(z.number().int().min(1).max(256), 'integer in [1, 256]').optional(),
      maxIter: ranged(z.number().int().min(0).max(100_000), 'integer in [0, 100000]').optional(),
      stepTol: ranged(z.number().gt(0), '> 0').optional(),
      valueTol: ranged(z.number().gt(0), '> 0').optional(),
      maxScreen: ranged(z.number().int().min(16).max(SCREEN_CAP), `integer in [16, ${SCREEN_CAP}] (Eve's pseudo-random screen points per problem when grid^(d^N) exceeds it)`).optional(),
    })
    .strict()
    .optional(),
  angleTol: ranged(z.number().min(1e-12), '>= 1e-12 rad').optional(),
  samples: ranged(z.number().int().min(0).max(10_000), 'integer in [0, 10000]').optional(),
  seed: ranged(z.number().int(), 'an integer').optional(),
  settings: z.unknown().optional(),
  start: z.unknown().optional(),
  evaluate: evaluateSchema.optional(),
  backend: ranged(z.string(), 'a backend name').optional(),
  evaluator: evaluatorSchema.optional(),
}).strict();

const NO_BACKEND_NAMES = "a label for an injected `evaluate`, or 'reference'; other backends: pass `evaluator: await createEvaluator(MODELS.leakage, { backend })`";

/** Family candidates: d = 2: parties 1..N-1 in Z, the last at Bloch angle theta in the XZ plane; d > 2: computational. */
function familySettings(dim: number, parties: number, theta: number): Settings {
  if (dim === 2) return [...Array.from({ length: parties - 1 }, () => ({ theta: 0, phi: 0 })), { theta, phi: 0 }];
  return Array.from({ length: parties }, () => ({ basis: 'computational' as const }));
}


/** Haar-ish random unitary: Gram-Schmidt of a complex Gaussian matrix (Box-Muller). */
function randomUnitary(dim: number, rand: () => number): PartyMeasurement {
  const gauss = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  const cols: { re: number[]; im: number[] }[] = [];
  for (let k = 0; k < dim; k++) {
    const re = Array.from({ length: dim }, gauss);
    const im = Array.from({ length: dim }, gauss);
    for (const c of cols) {
      let pr = 0, pi = 0; // <c, v>
      for (let j = 0; j < dim; j++) {
        pr += c.re[j]! * re[j]! + c.im[j]! * im[j]!;
        pi += c.re[j]! * im[j]! - c.im[j]! * re[j]!;
      }
      for (let j = 0; j < dim; j++) {
        re[j] -= pr * c.re[j]! - pi * c.im[j]!;
        im[j] -= pr * c.im[j]! + pi * c.re[j]!;
      }
    }
    const nrm = Math.sqrt(re.reduce((s, x) => s + x * x, 0) + im.reduce((s, x) => s + x * x, 0));
    cols.push({ re: re.map((x) => x / nrm), im: im.map((x) => x / nrm) });
  }
  return { unitary: { re: Array.from({ length: dim }, (_, j) => cols.map((c) => c.re[j]!)), im: Array.from({ length: dim }, (_, j) => cols.map((c) => c.im[j]!)) } };
}

export async function rate(input: RateInput): Promise<RateResult> {
  const i = checkObject(rateSchema, input);
  const model = i.model ?? 'uniform';
  const objective = i.objective ?? 'joint';
  const { dim, parties, leakage: L, visibility: v } = i;
  const fixed = input.settings !== undefined ? checkSettings('settings', input.settings, dim, parties) : undefined;
  const start = input.start !== undefined ? checkSettings('start', input.start, dim, parties) : undefined;
  if (!input.evaluate && input.backend !== undefined && input.backend !== 'reference') throw new InputError('backend', NO_BACKEND_NAMES, input.backend);
  checkRateSize(dim, parties, fixed ? 'fixed' : (i.settingsSearch ?? 'family'), i.samples ?? 24, i.eve?.grid);
  let evaluate: Evaluate = input.evaluate ?? ((b: LeakageObjectiveBatch) => leakageObjectiveReference(b));
  let backend = input.evaluate ? (input.backend ?? 'injected') : 'reference';
  let backendNow = () => backend;
  let screenStage: Screen | undefined;
  let screenPoints: ScreenPoints | undefined;
  const screenedBy = new Set<string>();
  if (!input.evaluate && input.evaluator) {
    // the result names the backends that computed this point's batches
    const ev = input.evaluator;
    const before = ev.batches();
    evaluate = (b) => ev.run<Float64Array>(KERNELS.leakageObjective, b);
    backendNow = () => ev.backendsSince(before);
    backend = ev.primary;
    screenStage = async (si) => {
      const r = await ev.screen<LeakageGridScreenOutput>(KERNELS.leakageGridScreen, si, { points: (si.coef.length / (2 * dim ** parties)) * si.grid ** (dim ** parties) });
      if (r) screenedBy.add(r.backend);
      return r?.value;
    };
    // the pseudo-random screen (grid^n above the screen cap) at screening precision
    screenPoints = async (b) => {
      const r = await ev.screen<Float64Array>(KERNELS.leakageObjective, b, { points: b.problemOf.length });
      if (r) screenedBy.add(r.backend);
      return r?.value;
    };
  }
  const n = dim ** parties;
  const eve: EveOptions = i.eve ?? {};
  const grid = eve.grid ?? (n <= 4 ? 6 : n <= 9 ? 3 : 2);
  const tolerance = { angle: i.angleTol ?? 1e-6, step: eve.stepTol ?? 1e-12, grid, starts: eve.starts ?? 4, value: eve.valueTol ?? 1e-9 };
  const search: SettingsSearch = fixed ? 'fixed' : (i.settingsSearch ?? 'family');
  const q = qOf(dim, parties, v);
  const common = { dim, parties, leakage: L, visibility: v, model, objective, q, tolerance, settingsSearch: search, backend };

  if (q >= 1) {
    // v <= 1/(1+D): rho_v is fully separable ([L] below Eq. 7); Eve sends product states only, R = 0
    const s0 = fixed ?? familySettings(dim, parties, 0);
    const convergence: EveConvergence = { starts: 0, agreeing: 0, stopped: true, nanEvents: 0, valueTol: tolerance.value };
    return { ...common, rate: 0, settings: s0, gamma: new Array(n).fill(0), objectiveValue: 0, evaluations: 0, method: 'fully separable (v <= 1/(1+d^(N-1))): R = 0 without optimisation', status: 'optimum', convergence, nanEvents: 0 };
  }

  let evaluations = 0;
  let nanEvents = 0;
  const solve = async (cands: Settings[]) => {
    const problems = cands.map((s) => {
      const { pEnt, pSep } = entSepCorrelations(dim, s);
      const { A, B } = attackCoefficients(pEnt, pSep, q, L, model);
      const coef = new Float64Array(2 * n);
      coef.set(A, 0);
      coef.set(B, n);
      return { coef, extraStarts: L > 0 && q > 0 ? [paperGamma(pEnt, pSep, q, L, model)] : [] };
    });
    const r = await eveMinMany(dim, parties, problems, objective, evaluate, eve, screenStage, screenPoints);
    evaluations += r.evaluations;
    for (const m of r.mins) nanEvents += m.convergence.nanEvents;
    return r.mins;
  };

  let best: { s: Settings; value: number; gamma: Float64Array; eve: EveMin };
  const pick = (cands: Settings[], mins: EveMin[], cur?: typeof best) => {
    let b = cur;
    mins.forEach((m, k) => {
      // ties (relative 1e-12, e.g. theta = 0 vs pi, equal by relabelling) keep the earlier candidate
      if (!b || m.value > b.value + 1e-12 * Math.abs(b.value)) b = { s: cands[k]!, value: m.value, gamma: m.gamma, eve: m };
    });
    return b!;
  };
  let searches: RateResult['searches'];
  let method: string;
  if (fixed) {
    const c = [fixed];
    best = pick(c, await solve(c));
    method = 'fixed settings; Eve: grid screen + projected-gradient multi-start';
  } else {
    // family scan over theta in [0, pi] (d = 2), then bracket refinement; d > 2: computational basis
    const thetaOf = (s: Settings) => ((s[parties - 1] as { theta?: number }).theta ?? 0);
    let cands: Settings[] = dim === 2 ? Array.from({ length: 13 }, (_, k) => familySettings(dim, parties, (k * Math.PI) / 12)) : [familySettings(dim, parties, 0)];
    if (start) cands.push(start);
    best = pick(cands, await solve(cands));
    if (dim === 2 && 'theta' in best.s[parties - 1]! && best.s.slice(0, -1).every((m) => 'theta' in m && m.theta === 0 && (m.phi ?? 0) === 0)) {
      let h = Math.PI / 12;
      while (h > tolerance.angle) {
        const t0 = thetaOf(best.s);
        const ts = [t0 - h / 2, t0 - h / 4, t0 + h / 4, t0 + h / 2].filter((t) => t >= 0 && t <= Math.PI);
        cands = ts.map((t) => familySettings(dim, parties, t));
        best = pick(cands, await solve(cands), best);
        h /= 4;
      }
    }
    method = dim === 2 ? `family (parties 1..${parties - 1} in Z, party ${parties} at theta in XZ plane): 13-point scan + bracket refinement` : 'family (all parties computational basis)';
    if (search === 'general') {
      // independent of the family result: starts from its own random candidates only
      const family = best;
      const rand = mulberry32(i.seed ?? 1);
      const samples = i.samples ?? 24;
      const general: Settings[] = [];
      for (let k = 0; k < samples; k++) {
        general.push(
          Array.from({ length: parties }, () =>
            dim === 2 ? { theta: Math.acos(1 - 2 * rand()), phi: 2 * Math.PI * rand() } : randomUnitary(dim, rand),
          ),
        );
      }
      if (dim > 2) general.push(Array.from({ length: parties }, () => ({ basis: 'fourier' as const })));
      best = pick(general, await solve(general));
      if (dim === 2) {
        // coordinate pattern search over all 2N Bloch angles from the best candidate
        let h = 0.5;
        while (h > tolerance.angle) {
          const cur = best.s as { theta: number; phi?: number }[];
          const moves: Settings[] = [];
          for (let p = 0; p < parties; p++) {
            for (const key of ['theta', 'phi'] as const) {
              for (const sg of [-1, 1]) {
                const s = cur.map((m) => ({ theta: m.theta, phi: m.phi ?? 0 }));
                s[p]![key] += sg * h;
                moves.push(s);
              }
            }
          }
          const before = best.value;
          best = pick(moves, await solve(moves), best);
          if (!(best.value > before)) h /= 2;
        }
      }
      searches = { family: family.value, general: best.value };
      best = pick([best.s], [best.eve], family); // the better of the two (ties: the family)
      method += `; general: ${samples} random ${dim === 2 ? 'Bloch-angle settings + pattern search' : 'unitaries + Fourier basis'} (seed ${i.seed ?? 1})`;
    }
    method += '; Eve: grid screen + projected-gradient multi-start (+ Eq. 16 start)';
  }
  const value = Math.max(0, best.value); // total correlation >= 0; clamp rounding
  const used = backendNow();
  const screenInfo = best.eve.screen;
  return {
    ...common,
    backend: used,
    ...(screenedBy.size ? { backends: { screen: [...screenedBy].join(' + '), refine: used.split(' + ').filter((b) => !screenedBy.has(b)).join(' + ') || 'none' } } : {}),
    ...(screenInfo ? { screen: { ...screenInfo, lowerBound: screenInfo.gridBest - screenInfo.modulus } } : {}),
    rate: value / (parties - 1), // Eq. 29 prefactor 1/(N-1)
    settings: best.s,
    gamma: Array.from(best.gamma),
    objectiveValue: best.value,
    evaluations,
    method,
    status: best.eve.status,
    convergence: best.eve.convergence,
    nanEvents,
    ...(searches ? { searches } : {}),
  };
}

// ---------------------------------------------------------------------------------------------
// curve

export interface CurveInput {
  dim: number;
  parties: number;
  leakages: number[];
  visibilities: number[];
  model?: LeakageModel;
  objective?: Objective;
  evaluate?: Evaluate;
  backend?: string;
  evaluator?: KernelEvaluator;
  /** warm-start each visibility from the previous point's settings (default true) */
  warmStart?: boolean;
  onProgress?: (done: number, total: number) => void;
}

export interface CurveRow {
  dim: number;
  parties: number;
  leakage: number;
  visibility: number;
  model: LeakageModel;
  objective: Objective;
  rate: number;
  threshold: number;
  settings: Settings;
  gamma: number[];
  evaluations: number;
  method: string;
  /** backend(s) that computed the point's objective batches */
  backend: string;
  tolerance: RateResult['tolerance'];
  status: RateResult['status'];
  nanEvents: number;
}

/** Largest number of points of one curve() (rows are held in memory; each is an optimisation). */
export const MAX_CURVE_POINTS = 100_000;

/** Input schema of curve() (exported for the service's OpenAPI document, src/serve). */
export const curveSchema = z.object({
  dim: params.dim,
  parties: params.parties,
  leakages: ranged(z.array(params.leakage).min(1).max(MAX_CURVE_POINTS), `non-empty list of at most ${MAX_CURVE_POINTS} numbers in [0, 1)`),
  visibilities: ranged(z.array(params.visibility).min(1).max(MAX_CURVE_POINTS), `non-empty list of at most ${MAX_CURVE_POINTS} numbers in [0, 1]`),
  model: params.model.optional(),
  objective: objectiveSchema.optional(),
  evaluate: evaluateSchema.optional(),
  backend: ranged(z.string(), 'a backend name').optional(),
  evaluator: evaluatorSchema.optional(),
  warmStart: ranged(z.boolean(), 'true | false').optional(),
  onProgress: ranged(z.custom<(d: number, t: number) => void>((f) => typeof f === 'function'), 'a function').optional(),
}).strict();

export async function curve(input: CurveInput): Promise<CurveRow[]> {
  const i = checkObject(curveSchema, input);
  if (i.leakages.length * i.visibilities.length > MAX_CURVE_POINTS) {
    throw new InputError('visibilities', `at most ${MAX_CURVE_POINTS} points in all (leakages x visibilities)`, i.visibilities.length, `${i.leakages.length} x ${i.visibilities.length} points`);
  }
  if (!input.evaluate && input.backend !== undefined && input.backend !== 'reference') throw new InputError('backend', NO_BACKEND_NAMES, input.backend);
  checkRateSize(i.dim, i.parties, 'family', 24, undefined);
  const model = i.model ?? 'uniform';
  const objective = i.objective ?? 'joint';
  const total = i.leakages.length * i.visibilities.length;
  const rows: CurveRow[] = [];
  for (const L of i.leakages) {
    let prev: Settings | undefined;
    for (const v of i.visibilities) {
      const r = await rate({ dim: i.dim, parties: i.parties, leakage: L, visibility: v, model, objective, evaluate: input.evaluate, backend: input.backend, evaluator: input.evaluator, ...(prev && input.warmStart !== false ? { start: prev } : {}) });
      prev = r.settings;
      rows.push({ dim: i.dim, parties: i.parties, leakage: L, visibility: v, model, objective, rate: r.rate, threshold: thresholdClosedForm(i.dim, i.parties, L, model), settings: r.settings, gamma: r.gamma, evaluations: r.evaluations, method: r.method, backend: r.backend, tolerance: r.tolerance, status: r.status, nanEvents: r.nanEvents });
      input.onProgress?.(rows.length, total);
    }
  }
  return rows;
}

// ---------------------------------------------------------------------------------------------
// repeaters (Fig. 2, Eq. 5)

export type RepeaterRule = 'paper' | 'swap';

/** Effective visibility after n repeaters: paper v^(2n) ([L] Eq. 5 text), swap v^(n+1) (n+1 links, SPEC.md 2). */
export function effectiveVisibility(v: number, n: number, rule: RepeaterRule = 'paper'): number {
  return rule === 'paper' ? v ** (2 * n) : v ** (n + 1);
}

export interface NMaxInput {
  visibility: number;
  leakage: number;
  dim?: number;
  parties?: number;
  model?: LeakageModel;
  rule?: RepeaterRule;
}

export interface NMaxResult {
  /** real-valued bound: paper log(v*)/(2 log v) (Eq. 5, corrected v*), swap log(v*)/log(v) - 1 */
  bound: number;
  /** largest integer n whose effective visibility is strictly above v* */
  maxRepeaters: number;
  threshold: number;
  rule: RepeaterRule;
}

export function nMax(input: NMaxInput): NMaxResult {
  const i = checkObject(
    z.object({
      visibility: ranged(z.number().gt(0).lt(1), '(0, 1)'),
      leakage: params.leakage,
      dim: params.dim.optional(),
      parties: params.parties.optional(),
      model: params.model.optional(),
      rule: ranged(z.enum(['paper', 'swap']), "'paper' | 'swap'").optional(),
    }).strict(),
    input,
  );
  checkClosedFormSize(i.dim ?? 2, i.parties ?? 2);
  const rule = i.rule ?? 'paper';
  const vStar = thresholdClosedForm(i.dim ?? 2, i.parties ?? 2, i.leakage, i.model ?? 'uniform');
  const ratio = Math.log(vStar) / Math.log(i.visibility);
  const bound = rule === 'paper' ? ratio / 2 : ratio - 1;
  let m = Math.max(-1, Math.floor(bound));
  while (m >= 0 && !(effectiveVisibility(i.visibility, m, rule) > vStar)) m--;
  while (effectiveVisibility(i.visibility, m + 1, rule) > vStar) m++;
  return { bound, maxRepeaters: m, threshold: vStar, rule };
}

export interface RepeatersInput {
  visibilities: number[];
  leakage: number;
  maxRepeaters: number;
  rule?: RepeaterRule;
  model?: LeakageModel;
  dim?: number;
  parties?: number;
  objective?: Objective;
  evaluate?: Evaluate;
  evaluator?: KernelEvaluator;
  onProgress?: (done: number, total: number) => void;
}

export interface RepeaterSeries {
  visibility: number;
  nMax: NMaxResult;
  /** first n whose computed rate is 0 (<= 1e-12), or null if none up to maxRepeaters */
  firstZero: number | null;
  points: { repeaters: number; effectiveVisibility: number; rate: number; evaluations: number }[];
}

/** Input schema of repeaters() (exported for the service's OpenAPI document, src/serve). */
export const repeatersSchema = z.object({
  visibilities: ranged(z.array(ranged(z.number().gt(0).lt(1), '(0, 1)')).min(1), 'non-empty list of numbers in (0, 1)'),
  leakage: params.leakage,
  maxRepeaters: ranged(z.number().int().min(0).max(1000), 'integer in [0, 1000]'),
  rule: ranged(z.enum(['paper', 'swap']), "'paper' | 'swap'").optional(),
  model: params.model.optional(),
  dim: params.dim.optional(),
  parties: params.parties.optional(),
  objective: objectiveSchema.optional(),
  evaluate: evaluateSchema.optional(),
  evaluator: evaluatorSchema.optional(),
  onProgress: ranged(z.custom<(d: number, t: number) => void>((f) => typeof f === 'function'), 'a function').optional(),
}).strict();

export async function repeaters(input: RepeatersInput): Promise<{ rule: RepeaterRule; leakage: number; model: LeakageModel; series: RepeaterSeries[] }> {
  const i = checkObject(repeatersSchema, input);
  const rule = i.rule ?? 'paper';
  const model = i.model ?? 'uniform';
  const dim = i.dim ?? 2;
  const parties = i.parties ?? 2;
  if (i.visibilities.length * (i.maxRepeaters + 1) > MAX_CURVE_POINTS) {
    throw new InputError('visibilities', `at most ${MAX_CURVE_POINTS} points in all (visibilities x (maxRepeaters + 1))`, i.visibilities.length);
  }
  checkRateSize(dim, parties, 'family', 24, undefined);
  const total = i.visibilities.length * (i.maxRepeaters + 1);
  let done = 0;
  const series: RepeaterSeries[] = [];
  for (const v of i.visibilities) {
    const points: RepeaterSeries['points'] = [];
    let firstZero: number | null = null;
    for (let k = 0; k <= i.maxRepeaters; k++) {
      const ve = effectiveVisibility(v, k, rule);
      const r = await rate({ dim, parties, leakage: i.leakage, visibility: ve, model, objective: i.objective, evaluate: input.evaluate, evaluator: input.evaluator });
      points.push({ repeaters: k, effectiveVisibility: ve, rate: r.rate, evaluations: r.evaluations });
      if (firstZero === null && r.rate <= 1e-12) firstZero = k;
      input.onProgress?.(++done, total);
    }
    series.push({ visibility: v, nMax: nMax({ visibility: v, leakage: i.leakage, dim, parties, model, rule }), firstZero, points });
  }
  return { rule, leakage: i.leakage, model, series };
}
