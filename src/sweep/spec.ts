/**
 * Sweep specs: JSON or YAML, validated against the evaluator's parameters. Every error is an
 * InputError naming the field (e.g. `axes.visibility[3]`, `fixed.dim`, `engine`) and the allowed
 * values. The normalised spec (defaults applied, axes expanded to explicit value lists) is what
 * the spec hash covers.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { InputError } from '../errors.js';
import { parseListOrRange, spacedPoints } from '../util/ranges.js';
import { engines, getEvaluator, quantities, type Evaluator, type Scalar } from './evaluators.js';

/** Range forms an axis may use (besides an explicit list). */
export type AxisInput =
  | Scalar[]
  | { from: number; to: number; step: number }
  | { from: number; to: number; count: number; scale?: 'linear' | 'log' };

export interface SweepSpec {
  engine: string;
  quantity: string;
  /** Every non-axis parameter, evaluator defaults included, in the evaluator's declaration order. */
  fixed: Record<string, Scalar>;
  /** Axis name -> explicit values, in spec order (first axis = outermost loop). */
  axes: { name: string; values: Scalar[] }[];
  optimize: Record<string, unknown>;
  /** Seed each point's optimiser from its predecessor on the same chain (if the evaluator can). */
  warmStart: boolean;
  /** Maximum warm-start chain length (points); default: the innermost axis length. */
  chain?: number;
  /** Points per checkpoint batch (not part of the spec hash: it does not change results). */
  batch: number;
  description?: string;
}

const TOP_KEYS = ['engine', 'quantity', 'fixed', 'axes', 'optimize', 'warmStart', 'chain', 'batch', 'description'];
const AXIS_ALLOWED = 'a non-empty list of values, {from, to, step} or {from, to, count, scale: linear|log}';
export const MAX_POINTS = 10_000_000;

/** Parse JSON or YAML text (YAML is a superset of JSON; `format` only picks the error wording). */
export function parseSpecText(text: string, source = 'spec'): unknown {
  try {
    return parseYaml(text);
  } catch (e) {
    throw new InputError('spec', 'valid JSON or YAML', source, (e as Error).message.split('\n')[0]);
  }
}

/** Read and validate a spec file. */
export function loadSpec(path: string): SweepSpec {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new InputError('spec', 'a readable JSON or YAML file', path, (e as Error).message);
  }
  return validateSpec(parseSpecText(text, path));
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function checkValue(ev: Evaluator, name: string, field: string, value: unknown): Scalar {
  const def = ev.params[name]!;
  const r = def.schema.safeParse(value);
  if (!r.success) throw new InputError(field, def.schema.allowedText, value, r.error.issues[0]?.message);
  return r.data as Scalar;
}

function expandAxis(field: string, raw: unknown): unknown[] {
  if (Array.isArray(raw)) {
    if (raw.length === 0) throw new InputError(field, AXIS_ALLOWED, raw);
    return raw;
  }
  if (!isRecord(raw)) throw new InputError(field, AXIS_ALLOWED, raw);
  const keys = Object.keys(raw);
  const num = (k: string): number => {
    const v = raw[k];
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new InputError(`${field}.${k}`, 'a finite number', v);
    return v;
  };
  if ('step' in raw) {
    const extra = keys.filter((k) => !['from', 'to', 'step'].includes(k));
    if (extra.length) throw new InputError(`${field}.${extra[0]}`, 'from, to, step (no other keys with step)', raw[extra[0]!]);
    const from = num('from');
    const to = num('to');
    const step = num('step');
    if (!(step > 0)) throw new InputError(`${field}.step`, '> 0', step);
    if (to < from) throw new InputError(`${field}.to`, `>= from (${from})`, to);
    if ((to - from) / step + 1 > MAX_POINTS) throw new InputError(`${field}.step`, `at most ${MAX_POINTS} points`, step);
    // Same rule as the CLI's 'from:to:step' (inclusive of `to` within 1e-9 of a step, 12 digits).
    return parseListOrRange(field, `${from}:${to}:${step}`, MAX_POINTS);
  }
  if ('count' in raw) {
    const extra = keys.filter((k) => !['from', 'to', 'count', 'scale'].includes(k));
    if (extra.length) throw new InputError(`${field}.${extra[0]}`, 'from, to, count, scale', raw[extra[0]!]);
    const from = num('from');
    const to = num('to');
    const count = num('count');
    if (!Number.isInteger(count) || count < 1 || count > MAX_POINTS) {
      throw new InputError(`${field}.count`, `integer in [1, ${MAX_POINTS}]`, count);
    }
    const scale = raw['scale'] ?? 'linear';
    if (scale !== 'linear' && scale !== 'log') throw new InputError(`${field}.scale`, "'linear' | 'log'", scale);
    if (scale === 'log' && !(from > 0 && to > 0)) {
      throw new InputError(`${field}.${from > 0 ? 'to' : 'from'}`, '> 0 for scale: log', from > 0 ? to : from);
    }
    return spacedPoints(from, to, count, scale);
  }
  throw new InputError(field, AXIS_ALLOWED, raw);
}

/** Validate a parsed spec object; returns the normalised spec. */
export function validateSpec(raw: unknown): SweepSpec {
  if (!isRecord(raw)) throw new InputError('spec', 'a mapping with engine, quantity, fixed, axes', raw);
  for (const k of Object.keys(raw)) {
    if (!TOP_KEYS.includes(k)) throw new InputError(k, `a spec key: ${TOP_KEYS.join(', ')}`, raw[k], 'unknown key');
  }
  const engine = raw['engine'];
  if (typeof engine !== 'string' || !engines().includes(engine)) throw new InputError('engine', engines().join(' | '), engine);
  const quantity = raw['quantity'];
  if (typeof quantity !== 'string' || !quantities(engine).includes(quantity)) {
    throw new InputError('quantity', `for engine ${engine}: ${quantities(engine).join(' | ')}`, quantity);
  }
  const ev = getEvaluator(engine, quantity);
  const accepted = Object.keys(ev.params);

  const fixedRaw = raw['fixed'] ?? {};
  if (!isRecord(fixedRaw)) throw new InputError('fixed', 'a mapping parameter -> value', fixedRaw);
  const axesRaw = raw['axes'] ?? {};
  if (!isRecord(axesRaw)) throw new InputError('axes', 'a mapping parameter -> ' + AXIS_ALLOWED, axesRaw);

  const fixed: Record<string, Scalar> = {};
  for (const [k, v] of Object.entries(fixedRaw)) {
    if (!accepted.includes(k)) throw new InputError(`fixed.${k}`, `a parameter of ${engine} ${quantity}: ${accepted.join(', ')}`, v, 'unknown parameter');
    fixed[k] = checkValue(ev, k, `fixed.${k}`, v);
  }
  const axes: { name: string; values: Scalar[] }[] = [];
  let total = 1;
  for (const [k, v] of Object.entries(axesRaw)) {
    const field = `axes.${k}`;
    if (!accepted.includes(k)) throw new InputError(field, `a parameter of ${engine} ${quantity}: ${accepted.join(', ')}`, v, 'unknown parameter');
    if (k in fixed) throw new InputError(field, 'a parameter not also set in fixed', v, `${k} is in both fixed and axes`);
    const values = expandAxis(field, v).map((x, i) => checkValue(ev, k, `${field}[${i}]`, x));
    const seen = new Set<Scalar>();
    values.forEach((x, i) => {
      if (seen.has(x)) throw new InputError(`${field}[${i}]`, 'distinct values', x, 'duplicate axis value');
      seen.add(x);
    });
    total *= values.length;
    if (total > MAX_POINTS) throw new InputError(field, `a grid of at most ${MAX_POINTS} points`, values.length);
    axes.push({ name: k, values });
  }
  // Fixed parameters in the evaluator's declaration order (column order must not depend on how
  // the spec file orders its keys, since that order is not part of the hash).
  const fixedOrdered: Record<string, Scalar> = {};
  for (const [k, def] of Object.entries(ev.params)) {
    if (k in fixed) fixedOrdered[k] = fixed[k]!;
    else if (axes.some((a) => a.name === k)) continue;
    else if (def.default !== undefined) fixedOrdered[k] = def.default;
    else if (def.required) throw new InputError(k, `required by ${engine} ${quantity}: set it in fixed or axes (${def.schema.allowedText})`, undefined);
  }

  const optRaw = raw['optimize'] ?? {};
  if (!isRecord(optRaw)) throw new InputError('optimize', 'a mapping of optimisation settings', optRaw);
  let optimize: Record<string, unknown> = optRaw;
  if (ev.optimize) {
    const r = ev.optimize.safeParse(optRaw);
    if (!r.success) {
      const issue = r.error.issues[0]!;
      const key = issue.path.length ? issue.path.map(String).join('.') : ((issue as { keys?: string[] }).keys?.[0] ?? '');
      const shape = ev.optimize.shape as Record<string, { allowedText?: string; unwrap?: () => { allowedText?: string } }>;
      const fieldDef = shape[issue.path[0] as string];
      const allowed = fieldDef?.allowedText ?? fieldDef?.unwrap?.().allowedText ?? `keys: ${Object.keys(shape).join(', ') || '(none)'}`;
      throw new InputError(`optimize${key ? '.' + key : ''}`, allowed, key ? optRaw[key.split('.')[0]!] : optRaw, issue.message);
    }
    optimize = r.data as Record<string, unknown>;
  }
  const warmStart = raw['warmStart'] ?? true;
  if (typeof warmStart !== 'boolean') throw new InputError('warmStart', 'true | false', warmStart);
  const chain = raw['chain'];
  if (chain !== undefined && !(typeof chain === 'number' && Number.isInteger(chain) && chain >= 1)) {
    throw new InputError('chain', 'integer >= 1', chain);
  }
  const batch = raw['batch'] ?? 16;
  if (!(typeof batch === 'number' && Number.isInteger(batch) && batch >= 1)) throw new InputError('batch', 'integer >= 1', batch);
  const description = raw['description'];
  if (description !== undefined && typeof description !== 'string') throw new InputError('description', 'a string', description);

  const spec: SweepSpec = { engine, quantity, fixed: fixedOrdered, axes, optimize, warmStart, batch };
  if (chain !== undefined) spec.chain = chain as number;
  if (description !== undefined) spec.description = description;
  return spec;
}

/** Canonical JSON: object keys sorted, so the hash does not depend on formatting. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return '[' + v.map(canonicalJson).join(',') + ']';
  if (isRecord(v)) {
    return '{' + Object.keys(v).sort().filter((k) => v[k] !== undefined).map((k) => JSON.stringify(k) + ':' + canonicalJson(v[k])).join(',') + '}';
  }
  return JSON.stringify(v);
}

/**
 * sha256 of everything that determines the rows: engine, quantity, fixed (with defaults), the
 * expanded axes in order, optimize, warmStart and chain. `batch` and `description` are excluded.
 */
export function specHash(spec: SweepSpec): string {
  const { engine, quantity, fixed, axes, optimize, warmStart, chain } = spec;
  const body = canonicalJson({ engine, quantity, fixed, axes: axes.map((a) => [a.name, a.values]), optimize, warmStart, chain });
  return createHash('sha256').update(body).digest('hex');
}
