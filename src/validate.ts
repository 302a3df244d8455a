/**
 * Input validation shared by every model, the CLI and sweep specs. Built on zod; a failed parse
 * becomes an `InputError` that names the parameter and its allowed range (SPEC.md section 1).
 */
import { z } from 'zod';
import { InputError } from './errors.js';

/** A zod schema annotated with the human-readable range that error messages quote. */
export type Ranged<T extends z.ZodType> = T & { readonly allowedText: string };

export function ranged<T extends z.ZodType>(schema: T, allowedText: string): Ranged<T> {
  return Object.assign(schema, { allowedText });
}

/** Common parameter schemas (SPEC.md section 1). */
export const params = {
  dim: ranged(z.number().int().min(2), 'integer >= 2'),
  parties: ranged(z.number().int().min(2), 'integer >= 2'),
  leakage: ranged(z.number().min(0).lt(1), '[0, 1)'),
  model: ranged(z.enum(['uniform', 'junk']), "'uniform' | 'junk'"),
  visibility: ranged(z.number().min(0).max(1), '[0, 1]'),
  repeaters: ranged(z.number().int().min(0), 'integer >= 0'),
  distance: ranged(z.number().gt(0).finite(), '> 0 km, a multiple of span'),
  eveAt: ranged(z.number().min(0).finite(), '[0, distance] km, a multiple of span'),
  span: ranged(z.number().gt(0).finite(), '> 0 km'),
  loss: ranged(z.number().gt(0).finite(), '> 0 (1/km, log10 units)'),
  leak: ranged(z.number().min(0).lt(1), '[0, 1)'),
  encoding: ranged(z.enum(['photon-number', 'phase']), "'photon-number' | 'phase'"),
  // above ~1e9 photons the windows and Fock sums of [A] lose meaning (and the photon-number sums run for minutes)
  photons: ranged(z.number().gt(0).max(1e9), '(0, 1e9]'),
  workers: ranged(z.number().int().min(1).max(256), 'integer in [1, 256]'),
} as const;

/** Largest number of worker threads any command or library entry accepts (params.workers). */
export const MAX_WORKERS = 256;

/** Validate a worker-thread count (every command and the library share this bound). */
export function checkWorkers(value: unknown): number {
  return check('workers', params.workers, value);
}

/** The innermost schema of optional/nullable/default/readonly wrappers (their allowedText lives there). */
function unwrapSchema(s: z.ZodType | undefined): z.ZodType | undefined {
  let cur = s;
  for (let k = 0; cur && k < 8; k++) {
    if ((cur as Partial<Ranged<z.ZodType>>).allowedText !== undefined) return cur;
    const def = (cur as unknown as { _zod?: { def?: { type?: string; innerType?: z.ZodType } } })._zod?.def;
    if (def && ['optional', 'nullable', 'default', 'readonly', 'prefault', 'catch'].includes(def.type ?? '') && def.innerType) cur = def.innerType;
    else return cur;
  }
  return cur;
}

/** The fields of an object schema (through optional wrappers and unions with one object option). */
function objectShape(s: z.ZodType | undefined): Record<string, unknown> | undefined {
  let u = s;
  for (let k = 0; u && k < 8; k++) {
    const def = (u as unknown as { _zod?: { def?: { type?: string; innerType?: z.ZodType; options?: z.ZodType[] } } })._zod?.def;
    if (def?.type === 'object') return (u as unknown as { shape: Record<string, unknown> }).shape;
    if (def?.type === 'union') u = def.options?.find((o) => (o as unknown as { _zod?: { def?: { type?: string } } })._zod?.def?.type === 'object');
    else u = def?.innerType;
  }
  return undefined;
}

/** The schema of one path step inside `s` (object field, array element, tuple item). */
function childSchema(s: z.ZodType | undefined, key: PropertyKey): z.ZodType | undefined {
  const u = unwrapSchema(s);
  if (!u) return undefined;
  const def = (u as unknown as { _zod?: { def?: { type?: string; element?: z.ZodType; items?: z.ZodType[]; shape?: Record<string, z.ZodType> } } })._zod?.def;
  if (def?.type === 'array') return def.element;
  if (def?.type === 'tuple') return def.items?.[Number(key)];
  return (u as unknown as { shape?: Record<string, z.ZodType> }).shape?.[String(key)];
}

/**
 * Validate one value against a ranged schema; throws InputError(param, allowed, value).
 * Use for every public entry point: `const L = check('leakage', params.leakage, input.leakage)`.
 */
export function check<T extends z.ZodType>(param: string, schema: Ranged<T>, value: unknown): z.infer<T> {
  const r = schema.safeParse(value);
  if (!r.success) throw new InputError(param, schema.allowedText ?? r.error.issues[0]?.message ?? 'a valid value', value, r.error.issues[0]?.message);
  return r.data as z.infer<T>;
}

/**
 * Validate an object against a zod object schema whose fields are `Ranged`; the first failing
 * field becomes an InputError naming it (nested paths are joined with '.').
 */
export function checkObject<S extends z.ZodObject<z.ZodRawShape>>(schema: S, value: unknown): z.infer<S> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new InputError('(input)', 'an object of named parameters', value);
  const r = schema.safeParse(value);
  if (r.success) return r.data as z.infer<S>;
  const issue = r.error.issues[0]!;
  if (issue.code === 'unrecognized_keys') {
    // strict schemas: an unknown (e.g. misspelt) key is refused, not ignored
    const keys = (issue as { keys?: string[] }).keys ?? [];
    const at = issue.path.map(String);
    let holder: z.ZodType | undefined = schema;
    for (const key of issue.path) holder = childSchema(holder, key);
    const known = Object.keys(objectShape(holder) ?? {});
    let given: unknown = value;
    for (const key of issue.path) given = (given as Record<string, unknown> | undefined)?.[String(key)];
    const name = [...at, keys[0] ?? '?'].join('.');
    throw new InputError(name, `a known key: ${known.join(', ')}`, (given as Record<string, unknown> | undefined)?.[keys[0] ?? ''], 'unknown key');
  }
  const path = issue.path.map(String).join('.') || '(input)';
  // the most specific schema on the path that states its range
  let field: z.ZodType | undefined = schema;
  let allowed: string | undefined;
  for (const key of issue.path) {
    field = childSchema(field, key);
    if (!field) break;
    const t = (unwrapSchema(field) as Partial<Ranged<z.ZodType>> | undefined)?.allowedText;
    if (t !== undefined) allowed = t;
  }
  let given: unknown = value;
  for (const key of issue.path) given = (given as Record<string, unknown> | undefined)?.[String(key)];
  throw new InputError(path, allowed ?? issue.message, given, allowed ? issue.message : undefined);
}

// ---------------------------------------------------------------------------------------------
// [A] public entry points: accepted keys (src/models/amplified/index.ts). Add new options here.

const fn = z.custom<(...a: never[]) => unknown>((f) => typeof f === 'function');
const anyValue = z.unknown().optional();
/** Search options of the amplified optimiser (src/models/amplified/optimize.ts SearchOptions). */
export const amplifiedSearchShape = {
  samples: ranged(z.number().int().min(1).max(1_000_000), 'integer in [1, 1e6]').optional(),
  starts: ranged(z.number().int().min(1).max(1000), 'integer in [1, 1000]').optional(),
  maxIter: ranged(z.number().int().min(1).max(1_000_000), 'integer in [1, 1e6]').optional(),
  ftol: ranged(z.number().gt(0).finite(), '> 0').optional(),
  gtol: ranged(z.number().gt(0).finite(), '> 0').optional(),
  agree: ranged(z.number().gt(0).max(1), '(0, 1]').optional(),
  local: ranged(z.enum(['lbfgs', 'nelder-mead']), "'lbfgs' | 'nelder-mead'").optional(),
  seed: ranged(z.number().int(), 'an integer').optional(),
  warm: ranged(z.array(z.array(z.number().finite())).max(1000), 'warm starts: up to 1000 arrays of unit-box coordinates').optional(),
  familyStarts: ranged(z.number().int().min(0).max(1000), 'integer in [0, 1000] (photon number: starts from the best physics-informed families)').optional(),
  differences: ranged(z.enum(['forward', 'central']), "'forward' | 'central'").optional(),
  sameStart: ranged(z.number().min(0).max(1), 'number in [0, 1] (starts this close in every box coordinate are one)').optional(),
  stall: ranged(z.number().min(0).max(1), 'number in [0, 1] (a local search gaining less over 10 iterations, relative, stops)').optional(),
  above: ranged(z.number().finite(), "a number (the search stops once Lf/L exceeds it: status 'above', a lower bound)").optional(),
};
const optimizeSchema = ranged(z.union([z.boolean(), z.object(amplifiedSearchShape).strict()]), 'true | false | {samples, starts, maxIter, ftol, gtol, agree, local, seed, warm, familyStarts, differences, sameStart, stall, above}').optional();
const common = {
  encoding: anyValue, distance: anyValue, span: anyValue, loss: anyValue, method: anyValue,
  optimize: optimizeSchema, evaluate: fn.optional(), backend: anyValue, evaluator: anyValue, runStarts: fn.optional(),
};
export const amplifiedKeys = {
  rate: z.object({ ...common, eveAt: anyValue, leak: anyValue, photons: anyValue, windows: anyValue }).strict(),
  worstCase: z.object({
    ...common, leak: anyValue, refine: anyValue, onProgress: fn.optional(), rateMany: fn.optional(),
    gridPoints: ranged(z.number().int().min(2).max(10_000), 'integer in [2, 10000]').optional(),
  }).strict(),
  curve: z.object({
    ...common, leaks: ranged(z.array(z.unknown()).max(100_000), 'a list of at most 100000 leaks').optional(), eveAt: anyValue, onProgress: fn.optional(), rateMany: fn.optional(),
    gridPoints: ranged(z.number().int().min(2).max(10_000), 'integer in [2, 10000]').optional(),
  }).strict(),
} as const;

/**
 * Keys (and the optimiser's options) of an amplified rate / worstCase / curve input: unknown keys
 * are refused; photons/windows together with optimize are refused (the optimiser would ignore them).
 */
export function checkAmplifiedInput(entry: keyof typeof amplifiedKeys, input: unknown): void {
  checkObject(amplifiedKeys[entry] as unknown as z.ZodObject<z.ZodRawShape>, input);
  const o = input as { optimize?: unknown; photons?: unknown; windows?: unknown };
  if (entry === 'rate' && o.optimize !== undefined && o.optimize !== false && (o.photons !== undefined || o.windows !== undefined)) {
    const which = o.photons !== undefined ? 'photons' : 'windows';
    throw new InputError(which, 'not together with optimize (the optimiser chooses photons and windows): give photons and windows, or optimize', o[which]);
  }
}
