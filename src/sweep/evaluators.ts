/**
 * Pluggable evaluator registry for sweeps: (engine, quantity) -> an async function of one grid
 * point returning a flat record of outputs, plus the parameters it accepts (SPEC.md section 1
 * names) and an optional warm-start hook. The sweep runner knows nothing about the physics; the
 * model modules come from the model registry (src/models/registry.ts, loaded lazily so a sweep of
 * one engine never pays for the other) and are called with typed inputs.
 */
import { z } from 'zod';
import { BackendUnavailableError, InputError } from '../errors.js';
import { params as P, ranged, type Ranged } from '../validate.js';
import type { KernelEvaluator } from '../kernels/evaluator.js';
import { MODELS } from '../models/registry.js';
import type { LeakageModel, Objective, Settings } from '../models/leakage/index.js';
import type { Encoding, Method, SearchOptions } from '../models/amplified/index.js';

/** A parameter value at a grid point. */
export type Scalar = number | string | boolean;
/** One grid point: parameter name -> value. */
export type Point = Record<string, Scalar>;
/** JSON-safe outputs of one evaluation (nested values are written as JSON in the CSV). */
export type Outputs = Record<string, unknown>;

export interface ParamDef {
  /** Validation of a single value; `allowedText` is quoted in error messages. */
  readonly schema: Ranged<z.ZodType>;
  /** Must be present in `fixed` or `axes` unless a default exists. */
  readonly required?: boolean;
  /** Applied (and written to the output) when the spec does not set the parameter. */
  readonly default?: Scalar;
}

export interface EvalContext {
  /** Backend requested on the command line (`auto` lets the registry choose). */
  readonly backend: string;
  /** The evaluator of this engine on that backend (absent for the test engine). */
  readonly evaluator?: KernelEvaluator;
  /** The spec's per-point optimisation settings, validated by `Evaluator.optimize`. */
  readonly optimize: Record<string, unknown>;
  /** Seed from the previous point of the same warm-start chain (see `warmStart`), if any. */
  readonly seed?: unknown;
}

export interface EvalResult {
  /** Values for the evaluator's declared `outputs` columns (missing ones are left empty). */
  readonly outputs: Outputs;
  /** Backend that actually ran the point, when the model reports it. */
  readonly backend?: string;
}

export interface Evaluator {
  readonly engine: string;
  readonly quantity: string;
  readonly description: string;
  readonly params: Readonly<Record<string, ParamDef>>;
  /** Output columns, in order. */
  readonly outputs: readonly string[];
  /** Schema of the spec's `optimize` block (unknown keys rejected). */
  readonly optimize?: z.ZodObject<z.ZodRawShape>;
  /** Cross-parameter checks of a whole point, run over the entire grid before any evaluation. */
  validatePoint?(point: Point): void;
  /** Can `backend` contribute to this point (a forced GPU backend needs something to screen)?
   *  Throws BackendUnavailableError otherwise; run over the entire grid before any evaluation. */
  checkBackend?(point: Point, backend: string): void;
  evaluate(point: Point, ctx: EvalContext): Promise<EvalResult>;
  /**
   * Warm start: derive a seed for `next` from the previous point of the same chain and its
   * outputs (as read back from results.jsonl, so a resumed sweep seeds exactly like an
   * uninterrupted one). Evaluators without this hook evaluate every point independently.
   */
  warmStart?(previous: { point: Point; outputs: Outputs }, next: Point): unknown;
}

// ---------------------------------------------------------------------------------------------
// Typed access to a point's values (validated against the evaluator's params before any evaluation)

const num = (point: Point, k: string): number => Number(point[k]);
const str = (point: Point, k: string): string => String(point[k]);
const optNum = (point: Point, k: string): number | undefined => (point[k] === undefined ? undefined : Number(point[k]));

function pick(result: object, keys: readonly string[]): Outputs {
  const r = result as Readonly<Record<string, unknown>>;
  const out: Outputs = {};
  for (const k of keys) if (r[k] !== undefined) out[k] = r[k];
  return out;
}

/** The backend an amplified result names: { search, evaluation }. */
function amplifiedBackend(b: { screen?: string; search: string; evaluation: string }): string {
  const s = b.search === b.evaluation && !b.screen ? b.search : `${b.search} (search), ${b.evaluation} (values)`;
  return b.screen ? `${b.screen} (screen), ${s}` : s;
}

// ---------------------------------------------------------------------------------------------
// [L] leakage

const leakageBase = {
  dim: { schema: P.dim, required: true },
  parties: { schema: P.parties, required: true },
  leakage: { schema: P.leakage, required: true },
  model: { schema: P.model, default: 'uniform' },
} satisfies Record<string, ParamDef>;

const leakageThreshold: Evaluator = {
  engine: 'leakage',
  quantity: 'threshold',
  description: '[L] Theorems 1-2 (corrected, SPEC.md 2): visibility threshold v*, separable bound, numerical zero crossing',
  params: leakageBase,
  // threshold: corrected closed form; zeroCrossing: bisection of the computed rate (model default tol).
  outputs: ['threshold', 'separableBound', 'zeroCrossing', 'printedThreshold', 'zeroCrossingDetail'],
  async evaluate(point, ctx) {
    const m = await MODELS.leakage.load();
    const r = await m.threshold({
      dim: num(point, 'dim'), parties: num(point, 'parties'), leakage: num(point, 'leakage'),
      model: str(point, 'model') as LeakageModel, ...(ctx.evaluator ? { evaluator: ctx.evaluator } : {}),
    });
    return { outputs: pick(r, this.outputs), backend: r.backend };
  },
};

const leakageRateOptimize = z.object({
  settingsSearch: ranged(z.enum(['family', 'general']), "'family' | 'general'").optional(),
  eve: ranged(z.object({
    grid: z.number().int().min(2).max(64).optional(),
    starts: z.number().int().min(1).max(256).optional(),
    maxIter: z.number().int().min(0).optional(),
    stepTol: z.number().gt(0).optional(),
  }).strict(), '{grid: 2..64, starts: 1..256, maxIter >= 0, stepTol > 0}').optional(),
  angleTol: ranged(z.number().gt(0), '> 0 rad').optional(),
  samples: ranged(z.number().int().min(0), 'integer >= 0').optional(),
  seed: ranged(z.number().int(), 'an integer').optional(),
}).strict();

const leakageRate: Evaluator = {
  engine: 'leakage',
  quantity: 'rate',
  description: '[L] Eq. 25/29: R = 1/(N-1) max_x min_gamma F_x(gamma)',
  params: {
    ...leakageBase,
    visibility: { schema: P.visibility, required: true },
    objective: { schema: ranged(z.enum(['joint', 'conditional']), "'joint' | 'conditional'"), default: 'joint' },
  },
  outputs: ['rate', 'settings', 'gamma', 'objectiveValue', 'q', 'settingsSearch', 'evaluations', 'method', 'tolerance'],
  // Options of src/models/leakage rate(): settings search and Eve's optimiser.
  optimize: leakageRateOptimize,
  async evaluate(point, ctx) {
    const m = await MODELS.leakage.load();
    const o = leakageRateOptimize.parse(ctx.optimize);
    const r = await m.rate({
      dim: num(point, 'dim'), parties: num(point, 'parties'), leakage: num(point, 'leakage'), visibility: num(point, 'visibility'),
      model: str(point, 'model') as LeakageModel, objective: str(point, 'objective') as Objective,
      ...o,
      ...(ctx.seed !== undefined ? { start: ctx.seed as Settings } : {}),
      ...(ctx.evaluator ? { evaluator: ctx.evaluator } : {}),
    });
    return { outputs: pick(r, this.outputs), backend: r.backend };
  },
  warmStart(previous) {
    // Previous optimal measurement settings seed the honest parties' maximisation.
    return previous.outputs['settings'] ?? undefined;
  },
};

// ---------------------------------------------------------------------------------------------
// [A] amplified line

const amplifiedBase = {
  encoding: { schema: P.encoding, required: true },
  distance: { schema: P.distance, required: true },
  leak: { schema: P.leak, required: true },
  span: { schema: P.span, default: 50 },
  loss: { schema: P.loss, default: 0.02 },
} satisfies Record<string, ParamDef>;

/** distance and eveAt must be multiples of span (SPEC.md section 1), eveAt <= distance. */
function checkLine(point: Point): void {
  const span = Number(point['span']);
  const multiple = (x: number) => Math.abs(x / span - Math.round(x / span)) < 1e-9;
  const distance = Number(point['distance']);
  if (!multiple(distance)) throw new InputError('distance', `a multiple of span (${span} km)`, distance);
  if (point['eveAt'] !== undefined) {
    const eveAt = Number(point['eveAt']);
    if (eveAt > distance) throw new InputError('eveAt', `[0, distance] = [0, ${distance}] km`, eveAt);
    if (!multiple(eveAt)) throw new InputError('eveAt', `a multiple of span (${span} km)`, eveAt);
  }
}

/**
 * Spec `optimize` block for [A]: `method` ('exact' | 'paper', SPEC.md 3.2) and the search budget
 * of src/models/amplified/optimize.ts (samples, starts, maxIter, ftol, gtol, agree, local, seed); worst-case also
 * takes the Eve-position scan settings (gridPoints, refine).
 */
const searchShape = {
  method: ranged(z.enum(['exact', 'paper']), "'exact' | 'paper'").optional(),
  samples: ranged(z.number().int().min(1), 'integer >= 1').optional(),
  starts: ranged(z.number().int().min(1), 'integer >= 1').optional(),
  maxIter: ranged(z.number().int().min(1), 'integer >= 1').optional(),
  ftol: ranged(z.number().gt(0), '> 0').optional(),
  gtol: ranged(z.number().gt(0), '> 0').optional(),
  agree: ranged(z.number().gt(0).max(1), '(0, 1]').optional(),
  local: ranged(z.enum(['lbfgs', 'nelder-mead']), "'lbfgs' | 'nelder-mead'").optional(),
  seed: ranged(z.number().int(), 'an integer').optional(),
};
const SEARCH_KEYS = ['samples', 'starts', 'maxIter', 'ftol', 'gtol', 'agree', 'local', 'seed'] as const;

const amplifiedOptimize = z.object(searchShape).strict();
const worstCaseOptimize = z.object({
  ...searchShape,
  gridPoints: ranged(z.number().int().min(2), 'integer >= 2').optional(),
  refine: ranged(z.boolean(), 'true | false').optional(),
}).strict();

/** A forced webgpu screens only the photon-number encoding (amplified-screen). */
function amplifiedScreenable(point: Point, backend: string): void {
  if (backend === 'webgpu' && point['encoding'] === 'phase') {
    throw new BackendUnavailableError(backend, 'no screening kernel for the phase encoding (amplified-screen is photon-number only)');
  }
}

/** Model input for [A]: the point's line, method + search options (+ warm start in unit-box coordinates). */
function amplifiedInput(point: Point, ctx: EvalContext) {
  const o = worstCaseOptimize.parse(ctx.optimize);
  const search: SearchOptions = {};
  for (const k of SEARCH_KEYS) if (o[k] !== undefined) (search as Record<string, unknown>)[k] = o[k];
  if (Array.isArray(ctx.seed)) search.warm = [ctx.seed as number[]];
  return {
    encoding: str(point, 'encoding') as Encoding,
    distance: num(point, 'distance'),
    leak: num(point, 'leak'),
    span: optNum(point, 'span'),
    loss: optNum(point, 'loss'),
    optimize: search,
    ...(o.method !== undefined ? { method: o.method as Method } : {}),
    ...(ctx.evaluator ? { evaluator: ctx.evaluator } : {}),
    gridPoints: o.gridPoints,
    refine: o.refine,
  };
}

/** Flatten an AmplifiedRate: photons/windows from params, the rest as declared. */
function amplifiedOutputs(r: { params: { photons: number[]; windows: number[] } }, keys: readonly string[]): Outputs {
  return pick({ ...r, photons: r.params.photons, windows: r.params.windows }, keys);
}

const amplifiedRate: Evaluator = {
  engine: 'amplified',
  quantity: 'rate',
  description: '[A] Eq. 7: Lf/L optimised over photon numbers and windows at fixed Eve position',
  params: { ...amplifiedBase, eveAt: { schema: P.eveAt, required: true } },
  outputs: ['rate', 'pCheck', 'iAB', 'chi', 'photons', 'windows', 'method', 'tolerance', 'evaluations', 'innerEvaluations', 'status', 'converged', 'u'],
  optimize: amplifiedOptimize,
  validatePoint: checkLine,
  checkBackend: amplifiedScreenable,
  async evaluate(point, ctx) {
    const m = await MODELS.amplified.load();
    const { gridPoints: _g, refine: _r, ...input } = amplifiedInput(point, ctx);
    const r = await m.rate({ ...input, eveAt: num(point, 'eveAt') });
    return { outputs: amplifiedOutputs(r, this.outputs), backend: amplifiedBackend(r.backend) };
  },
  warmStart(previous) {
    // The previous optimum in the optimiser's unit-box coordinates (AmplifiedRate.u).
    const u = previous.outputs['u'];
    return Array.isArray(u) ? u : undefined;
  },
};

const amplifiedWorstCase: Evaluator = {
  engine: 'amplified',
  quantity: 'worst-case',
  description: "[A] Fig. 1 c,f: min over Eve's position of the optimised Lf/L",
  params: amplifiedBase,
  outputs: ['rate', 'eveAt', 'pCheck', 'iAB', 'chi', 'photons', 'windows', 'method', 'tolerance', 'evaluations', 'status', 'converged', 'scan'],
  optimize: worstCaseOptimize,
  validatePoint: checkLine,
  checkBackend: amplifiedScreenable,
  // No warm-start hook: the worst case scans Eve's position afresh at every point (the model
  // warm-starts along that scan itself).
  async evaluate(point, ctx) {
    const m = await MODELS.amplified.load();
    const { gridPoints, refine, ...input } = amplifiedInput(point, ctx);
    const r = await m.worstCase({ ...input, ...(gridPoints !== undefined ? { gridPoints } : {}), ...(refine !== undefined ? { refine } : {}) });
    return { outputs: amplifiedOutputs(r, this.outputs), backend: amplifiedBackend(r.backend) };
  },
};

// ---------------------------------------------------------------------------------------------
// Test-only fake evaluator (engine `test`), visible only when KEYRATE_TEST_EVALUATORS=1. It is
// deterministic, optionally slow (`delayMs`), can fail on purpose (`failAt`), and its `chain`
// output counts the warm-start chain so tests can see that resume preserves the chains.

const fake: Evaluator = {
  engine: 'test',
  quantity: 'fake',
  description: 'test-only deterministic evaluator',
  params: {
    x: { schema: ranged(z.number().finite(), 'a finite number'), required: true },
    y: { schema: ranged(z.number().finite(), 'a finite number'), default: 0 },
    label: { schema: ranged(z.string(), 'a string'), default: 'a' },
    delayMs: { schema: ranged(z.number().min(0), '>= 0 ms'), default: 0 },
    failAt: { schema: ranged(z.number().finite(), 'a finite number'), default: -1e300 },
  },
  outputs: ['value', 'chain', 'detail'],
  optimize: z.object({ scale: ranged(z.number().gt(0), '> 0').optional() }).strict(),
  async evaluate(point, ctx) {
    const x = Number(point['x']);
    const y = Number(point['y']);
    const delay = Number(point['delayMs']);
    if (delay > 0) await new Promise((r) => setTimeout(r, delay));
    if (x === Number(point['failAt'])) throw new Error(`fake failure at x=${x}`);
    const scale = typeof ctx.optimize['scale'] === 'number' ? ctx.optimize['scale'] : 1;
    const chain = typeof ctx.seed === 'number' ? ctx.seed + 1 : 0;
    return {
      outputs: { value: scale * (Math.sin(x) + 0.1 * y * x) + 1 / 3, chain, detail: { x, y, label: point['label'] } },
      backend: 'reference',
    };
  },
  warmStart(previous) {
    return previous.outputs['chain'];
  },
};

const registry: Evaluator[] = [leakageThreshold, leakageRate, amplifiedRate, amplifiedWorstCase, fake];

function testEnabled(): boolean {
  return process.env['KEYRATE_TEST_EVALUATORS'] === '1';
}

/** Engines a spec may name. */
export function engines(): string[] {
  return [...new Set(registry.filter((e) => e.engine !== 'test' || testEnabled()).map((e) => e.engine))];
}

/** Quantities of one engine. */
export function quantities(engine: string): string[] {
  return registry.filter((e) => e.engine === engine).map((e) => e.quantity);
}

/** The evaluator for (engine, quantity); InputError naming the field otherwise. */
export function getEvaluator(engine: string, quantity: string): Evaluator {
  if (!engines().includes(engine)) throw new InputError('engine', engines().join(' | '), engine);
  const e = registry.find((r) => r.engine === engine && r.quantity === quantity);
  if (!e) throw new InputError('quantity', `for engine ${engine}: ${quantities(engine).join(' | ')}`, quantity);
  return e;
}

/** All registered evaluators (for docs and `keyrate sweep --list`). */
export function listEvaluators(): readonly Evaluator[] {
  return registry.filter((e) => e.engine !== 'test' || testEnabled());
}
