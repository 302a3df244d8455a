/**
 * The service's compute methods: validate a JSON body against the service schema (./schemas.ts),
 * call the library, return what the CLI prints with --json. Runs in a pool worker (./worker.ts)
 * or, where no compiled worker exists (a TypeScript source run), in the server's thread.
 */
import { InputError } from '../errors.js';
import { checkObject } from '../validate.js';
import * as lk from '../models/leakage/index.js';
import * as amp from '../models/amplified/index.js';
import { evaluatorFor } from '../sweep/model-evaluators.js';
import { batchEnvelope, schemas, type ComputeMethod } from './schemas.js';
import { batchLines, parseBatchPoint, rateJson, type BatchLine } from '../models/amplified/batch.js';
import type { z } from 'zod';

/** The body with its `backend` (default 'auto') replaced by that backend's evaluator (one warm
 *  evaluator per (model, backend) per thread, src/sweep/model-evaluators.ts). */
async function withEvaluator(set: 'leakage' | 'amplified', body: Body): Promise<Body> {
  const { backend, ...rest } = body;
  return { ...rest, evaluator: await evaluatorFor(set, (backend as string | undefined) ?? 'auto') };
}

export interface ComputeHooks {
  /** progress of curve / repeaters / worst-case / batch: points done, points in all */
  onProgress?: (done: number, total: number) => void;
  /** amplified worst-case / curve: evaluate the positions' rates elsewhere (the pool) */
  rateMany?: amp.RateMany;
  /** polled between the points of a batch: stop early (the request was cancelled) */
  shouldStop?: () => boolean;
}

type Body = Record<string, unknown>;

/** Validate `body` for `method` (InputError naming the field; unknown keys refused). */
export function validateBody(method: ComputeMethod, body: unknown): Body {
  if (method === 'amplified.batch') checkObject(batchEnvelope, body);
  else checkObject(schemas[method] as unknown as z.ZodObject<z.ZodRawShape>, body);
  return body as Body;
}

export async function compute(method: ComputeMethod, raw: unknown, hooks: ComputeHooks = {}): Promise<unknown> {
  const body = validateBody(method, raw);
  const progress = hooks.onProgress ? { onProgress: hooks.onProgress } : {};
  switch (method) {
    case 'leakage.threshold':
      return lk.threshold((await withEvaluator('leakage', body)) as never);
    case 'leakage.rate':
      return lk.rate((await withEvaluator('leakage', body)) as never);
    case 'leakage.curve':
      return lk.curve({ ...((await withEvaluator('leakage', body)) as never as lk.CurveInput), ...progress });
    case 'leakage.repeaters':
      return lk.repeaters({ ...((await withEvaluator('leakage', body)) as never as lk.RepeatersInput), ...progress });
    case 'amplified.rate':
      return rateJson(await amp.rate((await withEvaluator('amplified', body)) as never));
    case 'amplified.worst-case':
      return rateJson(await amp.worstCase({ ...((await withEvaluator('amplified', body)) as never as amp.WorstCaseInput), ...progress, ...(hooks.rateMany ? { rateMany: hooks.rateMany } : {}) }));
    case 'amplified.curve':
      return amp.curve({ ...((await withEvaluator('amplified', body)) as never as amp.CurveInput), ...progress, ...(hooks.rateMany ? { rateMany: hooks.rateMany } : {}) });
    case 'amplified.batch':
      return batch(body, hooks);
    case 'amplified.correlation':
      return amp.correlation(body as never);
    case 'amplified.precision':
      return amp.precision(body as never);
    case 'amplified.plob':
      return amp.plob(body as never);
    case 'amplified.natural-losses':
      return amp.naturalLosses(body as never);
  }
}

async function batch(body: Body, hooks: ComputeHooks): Promise<BatchLine[]> {
  const encoding = body['encoding'] as amp.Encoding;
  const method = (body['method'] as amp.Method | undefined) ?? 'exact';
  const ev = await evaluatorFor('amplified', (body['backend'] as string | undefined) ?? 'auto', { screening: false });
  const points = body['points'] as unknown[];
  const parsed = points.map((p, i) => parseBatchPoint(p, i + 1));
  const out: BatchLine[] = [];
  for await (const line of batchLines(ev, encoding, method, parsed, hooks.shouldStop)) {
    out.push(line);
    hooks.onProgress?.(out.length, parsed.length);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// errors across threads: an InputError thrown in a worker arrives as a plain Error, so results
// travel in an envelope

export type Outcome =
  | { ok: true; value: unknown }
  | { ok: false; kind: 'input'; param: string; allowed: string; value: unknown; message: string }
  | { ok: false; kind: 'range'; message: string };

export function toOutcomeError(e: unknown): Outcome {
  if (e instanceof InputError) return { ok: false, kind: 'input', param: e.param, allowed: e.allowed, value: cloneable(e.value), message: e.message };
  // the engines throw RangeError for a point they cannot evaluate (e.g. a quadrature over its work bound)
  if (e instanceof RangeError) return { ok: false, kind: 'range', message: e.message.split('\n')[0]! };
  throw e;
}

function cloneable(v: unknown): unknown {
  try {
    return structuredClone(v);
  } catch {
    return String(v);
  }
}

/** Unwrap an Outcome: the value, or the error rebuilt (InputError keeps param and allowed). */
export function fromOutcome(o: Outcome): unknown {
  if (o.ok) return o.value;
  if (o.kind === 'input') {
    const e = new InputError(o.param, o.allowed, o.value);
    Object.defineProperty(e, 'message', { value: o.message });
    throw e;
  }
  throw new RangeError(o.message);
}
