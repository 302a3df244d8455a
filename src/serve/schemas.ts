/**
 * Request schemas of the service (HTTP routes and JSON-RPC methods), built from the zod schemas the
 * library validates with: the models' exported input schemas (src/models/...) and the key lists of
 * src/validate.ts. The service drops what a JSON body cannot carry or the server controls
 * (injected functions `evaluate`/`onProgress`/`rateMany`, the thread count `workers`). The OpenAPI
 * document (./openapi.ts) is generated from these same objects: one source of truth.
 */
import { z } from 'zod';
import { amplifiedKeys, params, ranged } from '../validate.js';
import { curveSchema as lkCurve, rateSchema as lkRate, repeatersSchema as lkRepeaters, thresholdSchema as lkThreshold } from '../models/leakage/index.js';
import { rateSchema as ampRateTypes } from '../models/amplified/model.js';
import { corrSchema, plobSchema, precSchema } from '../models/amplified/supporting.js';
import { naturalLossesSchema } from '../models/amplified/natural-losses.js';
import { CLI_BACKENDS } from '../runtime/evaluator.js';
import { batchMethodSchema, batchPointSchema } from '../models/amplified/batch.js';
import { MAX_CURVE_POINTS } from '../models/leakage/index.js';

type Obj = z.ZodObject<z.ZodRawShape>;

/** Keys a JSON request cannot (functions, evaluators) or may not (server resources) set. */
const SERVER_KEYS = ['evaluate', 'evaluator', 'onProgress', 'rateMany', 'runStarts', 'workers'] as const;

/** The library's schema without the server's keys; `backend` names the evaluator's backend here. */
function withoutServerKeys(s: Obj): Obj {
  const drop: Record<string, true> = {};
  for (const k of SERVER_KEYS) if (k in s.shape) drop[k] = true;
  const kept = s.omit(drop as never) as unknown as Obj;
  return ('backend' in kept.shape ? kept.extend({ backend: serviceBackend }) : kept) as unknown as Obj;
}

/**
 * An amplified entry's body: the accepted keys of src/validate.ts `amplifiedKeys[entry]` (minus the
 * server's), each typed by the model's own `rateSchema` where it has the key (amplifiedKeys types
 * only `optimize` and `gridPoints`, and leaves the rest to the model). `optional` lists keys the
 * entry makes optional although rate() requires them; `extra` types the entry's own keys the way
 * the model checks them (src/models/amplified/model.ts).
 */
function amplifiedBody(entry: keyof typeof amplifiedKeys, optional: string[], extra: z.ZodRawShape): Obj {
  const keys = withoutServerKeys(amplifiedKeys[entry] as unknown as Obj).shape;
  const types = ampRateTypes.shape as z.ZodRawShape;
  const shape: Record<string, z.ZodType> = {};
  for (const [k, v] of Object.entries(keys)) {
    const typed = extra[k] ?? (k === 'backend' ? serviceBackend : types[k]) ?? v;
    shape[k] = optional.includes(k) ? (typed as z.ZodType).optional() : (typed as z.ZodType);
  }
  return z.object(shape).strict() as unknown as Obj;
}

/** The backend of a request's evaluator (src/runtime/evaluator.ts createEvaluator; default 'auto'). */
const serviceBackend = ranged(z.enum(CLI_BACKENDS), CLI_BACKENDS.join(' | ')).optional();

export const schemas = {
  'leakage.threshold': withoutServerKeys(lkThreshold),
  'leakage.rate': withoutServerKeys(lkRate),
  'leakage.curve': withoutServerKeys(lkCurve),
  'leakage.repeaters': withoutServerKeys(lkRepeaters),
  'amplified.rate': amplifiedBody('rate', [], {}),
  'amplified.worst-case': amplifiedBody('worstCase', [], {
    // model.worstCase: `refine === false` turns the refinement off
    refine: ranged(z.boolean(), 'true | false').optional(),
  }),
  'amplified.curve': amplifiedBody('curve', ['eveAt'], {
    // model.curve checks every leak with params.leak
    leaks: ranged(z.array(params.leak).min(1).max(MAX_CURVE_POINTS), `non-empty list of at most ${MAX_CURVE_POINTS} leaks in [0, 1)`),
  }),
  'amplified.batch': z.object({
    encoding: params.encoding,
    method: batchMethodSchema.optional(),
    backend: serviceBackend,
    points: ranged(z.array(batchPointSchema).min(1).max(100_000), 'a list of 1 to 100000 points {distance, eveAt, leak, photons, windows, span?, loss?}'),
  }).strict(),
  'amplified.correlation': corrSchema,
  'amplified.precision': precSchema,
  'amplified.plob': plobSchema,
  'amplified.natural-losses': naturalLossesSchema,
} as const satisfies Record<string, Obj | z.ZodType>;

export type ComputeMethod = keyof typeof schemas;
export const COMPUTE_METHODS = Object.keys(schemas) as ComputeMethod[];

/** Most points of one batch request. */
export const MAX_BATCH_POINTS = 100_000;

/**
 * The batch envelope as validated: bad points are not a bad request (each becomes an error object
 * in its place), so `points` is checked for being a list here and point by point later.
 */
export const batchEnvelope = (schemas['amplified.batch'] as unknown as Obj).extend({
  points: ranged(z.array(z.unknown()).min(1).max(MAX_BATCH_POINTS), `a list of 1 to ${MAX_BATCH_POINTS} points`),
}).strict();

/** One line of description per method (OpenAPI summaries, JSON-RPC help). */
export const summaries: Record<ComputeMethod, string> = {
  'leakage.threshold': '[L] visibility threshold v* (corrected Thm. 1/2), separable bound, numerical zero crossing (= leakage threshold --json)',
  'leakage.rate': '[L] R = 1/(N-1) max_x min_gamma F_x(gamma) (App. B Eq. 29) (= leakage rate --json)',
  'leakage.curve': '[L] rate vs visibility for several leakages, Figs. 1, 3, 4 (= leakage curve --json)',
  'leakage.repeaters': '[L] rate vs number of repeaters (Fig. 2) and n_max (Eq. 5) (= leakage repeaters --json)',
  'amplified.rate': '[A] Lf/L at fixed or optimised photons/windows (= amplified rate --json)',
  'amplified.worst-case': "[A] optimised Lf/L at Eve's worst position (= amplified worst-case --json)",
  'amplified.curve': '[A] optimised Lf/L over a list of leaks, worst case over eveAt unless eveAt is given (= amplified curve --json)',
  'amplified.batch': '[A] Lf/L at fixed photons/windows for every point, in order; a bad point gives {line, error: {param, allowed, message}} in its place (= the lines of amplified batch)',
  'amplified.correlation': '[A] Bob-Eve photon-number correlation R_BE (Eqs. 117-127) at one eveAt (= one row of amplified correlation --json)',
  'amplified.precision': '[A] loss-control precision and rE_min (Eqs. 80-84) at one distance (= one row of amplified precision --json)',
  'amplified.plob': '[A] PLOB bound -log2(1-T) of the bare fibre at one distance (= one row of amplified plob --json)',
  'amplified.natural-losses': "[A] Eve's information from natural scattering losses vs device length (Note 1, Fig. 5) (= amplified natural-losses --json)",
};

/** HTTP path of a compute method: 'leakage.rate' -> /v1/leakage/rate. */
export function pathOf(m: ComputeMethod): string {
  return '/v1/' + m.replace('.', '/');
}
