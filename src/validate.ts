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
  photons: ranged(z.number().gt(0).finite(), '> 0'),
} as const;

/**
 * Validate one value against a ranged schema; throws InputError(param, allowed, value).
 * Use for every public entry point: `const L = check('leakage', params.leakage, input.leakage)`.
 */
export function check<T extends z.ZodType>(param: string, schema: Ranged<T>, value: unknown): z.infer<T> {
  const r = schema.safeParse(value);
  if (!r.success) throw new InputError(param, schema.allowedText, value, r.error.issues[0]?.message);
  return r.data as z.infer<T>;
}

/**
 * Validate an object against a zod object schema whose fields are `Ranged`; the first failing
 * field becomes an InputError naming it (nested paths are joined with '.').
 */
export function checkObject<S extends z.ZodObject<z.ZodRawShape>>(schema: S, value: unknown): z.infer<S> {
  const r = schema.safeParse(value);
  if (r.success) return r.data as z.infer<S>;
  const issue = r.error.issues[0]!;
  const path = issue.path.map(String).join('.') || '(input)';
  let field: z.ZodType | undefined = schema;
  for (const key of issue.path) {
    field = (field as unknown as { shape?: Record<string, z.ZodType> }).shape?.[String(key)];
    if (!field) break;
  }
  const allowed = (field as Partial<Ranged<z.ZodType>> | undefined)?.allowedText ?? issue.message;
  let given: unknown = value;
  for (const key of issue.path) given = (given as Record<string, unknown> | undefined)?.[String(key)];
  throw new InputError(path, allowed, given, issue.message);
}
