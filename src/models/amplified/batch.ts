/**
 * JSON shapes the CLI prints with --json and the service (src/serve) returns: one implementation
 * for both (here, below both layers). `amplified rate|worst-case` print rateJson(result); `amplified batch` prints one
 * batchLines() object per input line.
 */
import { z } from 'zod';
import { InputError } from '../../errors.js';
import * as amp from './index.js';
import type { KernelEvaluator } from '../../kernels/evaluator.js';
import { KERNELS } from '../../kernels/names.js';
import type { AmplifiedRateOutput } from '../../kernels/amplified-rate/spec.js';
import { checkObject, params, ranged } from '../../validate.js';

/** `amplified rate --json` / `worst-case --json`: the model result without the optimiser's unit-box point `u`. */
export function rateJson<T extends amp.AmplifiedRate>(r: T): Omit<T, 'u'> {
  const { u: _u, ...rest } = r;
  return rest;
}

// ---------------------------------------------------------------------------------------------
// amplified batch

/** Agreement of the kernel value k with the reference r: |k - r| <= rel |r| + abs. */
export const BATCH_TOLERANCE = {
  'photon-number': { rel: 1e-10, abs: 1e-13 },
  phase: { rel: 1e-12, abs: 1e-15 },
} as const;

/** One point of a batch (one line of `amplified batch --input`). */
export const batchPointSchema = z
  .object({
    distance: params.distance,
    eveAt: params.eveAt,
    leak: params.leak,
    photons: ranged(z.array(z.number().finite()).min(1).max(2), 'photon-number: [|gamma0|^2, |gamma1|^2]; phase: [|gamma|^2]'),
    windows: ranged(z.array(z.number().finite()).min(2).max(4), "photon-number: [theta1..theta4]; phase: [theta1', theta2']"),
    span: params.span.optional(),
    loss: params.loss.optional(),
  })
  .strict();
export type BatchPoint = z.infer<typeof batchPointSchema>;

export const batchMethodSchema = ranged(z.enum(['exact', 'paper']), "'exact' | 'paper'");

export interface BatchLineError {
  line: number;
  error: { param: string; allowed: string; message: string };
}

export function batchLineError(line: number, e: InputError): BatchLineError {
  return { line, error: { param: e.param, allowed: e.allowed, message: e.message } };
}

/** One output object of a batch: a result or an error. */
export type BatchLine = BatchLineError | ({ line: number; rate: number } & Record<string, unknown>);

export type ParsedPoint = { ok: true; p: BatchPoint; L: amp.LineGeometry } | { ok: false; err: BatchLineError };

/** Validate one batch point (`line` is its 1-based position). */
export function parseBatchPoint(value: unknown, line: number): ParsedPoint {
  try {
    const p = checkObject(batchPointSchema, value);
    return { ok: true, p, L: amp.line(p) };
  } catch (e) {
    if (e instanceof InputError) return { ok: false, err: batchLineError(line, e) };
    throw e;
  }
}

/** The kernel pass: Lf/L of every well-formed point on `kev`, one batch per (G1, G2, leak). */
function kernelPass(kev: KernelEvaluator, enc: amp.Encoding, method: amp.Method, parsed: ParsedPoint[]): { values: Float64Array; labels: string[] } {
  const values = new Float64Array(parsed.length).fill(NaN);
  const labels: string[] = new Array<string>(parsed.length).fill('');
  const ev = {
    batches: () => kev.batches(),
    backendsSince: (m: number) => kev.backendsSince(m),
    evaluate(fixed: amp.BatchFixed, points: Float64Array, out: Float64Array): void {
      out.set(kev.runSync<AmplifiedRateOutput>(KERNELS.amplifiedRate, { fixed, points }).values);
    },
  };
  const stride = amp.STRIDE[enc];
  const [np, nw] = enc === 'phase' ? [1, 2] : [2, 4];
  const groups = new Map<string, number[]>();
  parsed.forEach((x, i) => {
    if (!x.ok || x.p.photons.length !== np || x.p.windows.length !== nw) return;
    const key = `${x.L.G1}|${x.L.G2}|${x.p.leak}`;
    const g = groups.get(key);
    if (g) g.push(i);
    else groups.set(key, [i]);
  });
  for (const idx of groups.values()) {
    const first = parsed[idx[0]!] as Extract<ParsedPoint, { ok: true }>;
    const fixed: amp.BatchFixed = { encoding: enc, G1: first.L.G1, G2: first.L.G2, leak: first.p.leak, method, tol: 1e-15 };
    const pts = new Float64Array(idx.length * stride);
    idx.forEach((i, k) => {
      const p = (parsed[i] as Extract<ParsedPoint, { ok: true }>).p;
      pts.set([...p.photons, ...p.windows], k * stride);
    });
    const out = new Float64Array(idx.length).fill(NaN);
    const mark = ev.batches();
    try {
      ev.evaluate(fixed, pts, out);
    } catch (e) {
      if (!(e instanceof InputError || e instanceof RangeError)) throw e;
      // one point the kernel refuses (the reference will name it): evaluate the others one by one
      idx.forEach((_, k) => {
        const one = new Float64Array(1).fill(NaN);
        try {
          ev.evaluate(fixed, pts.subarray(k * stride, (k + 1) * stride), one);
        } catch (e2) {
          if (!(e2 instanceof InputError || e2 instanceof RangeError)) throw e2;
        }
        out[k] = one[0]!;
      });
    }
    const label = ev.backendsSince(mark);
    idx.forEach((i, k) => {
      values[i] = out[k]!;
      labels[i] = label;
    });
  }
  return { values, labels };
}

/**
 * The output objects of a batch, in order: `{line, ...amplified rate --json fields, rate, backend:
 * {value, checked, agree, kernel, kernelBackend, reference, tolerance}}` for a good point, and
 * `{line, error: {param, allowed, message}}` for a bad one. `shouldStop` is polled between points
 * (a cancelled request stops early).
 */
export async function* batchLines(
  ev: KernelEvaluator,
  encoding: amp.Encoding,
  method: amp.Method,
  parsed: ParsedPoint[],
  shouldStop: () => boolean = () => false,
): AsyncGenerator<BatchLine> {
  const { values, labels } = kernelPass(ev, encoding, method, parsed);
  const tol = BATCH_TOLERANCE[encoding];
  const tolText = `${tol.rel} relative + ${tol.abs} absolute`;
  for (const [i, x] of parsed.entries()) {
    if (shouldStop()) return;
    if (!x.ok) {
      yield x.err;
      continue;
    }
    let r: amp.AmplifiedRate;
    try {
      r = await amp.rate({ encoding, method, distance: x.p.distance, eveAt: x.p.eveAt, leak: x.p.leak, span: x.p.span, loss: x.p.loss, photons: x.p.photons, windows: x.p.windows });
    } catch (e) {
      if (e instanceof InputError) {
        yield batchLineError(i + 1, e);
        continue;
      }
      if (e instanceof RangeError) {
        // e.g. a point whose quadrature needs more than the kernel's work bound
        yield { line: i + 1, error: { param: 'input', allowed: 'a point the engine can evaluate', message: e.message.split('\n')[0]! } };
        continue;
      }
      throw e;
    }
    const k = values[i]!;
    const ref = r.rate;
    const agree = Number.isFinite(k) && Math.abs(k - ref) <= tol.rel * Math.abs(ref) + tol.abs;
    const { u: _u, backend: _b, ...rest } = r;
    yield {
      line: i + 1,
      ...rest,
      rate: agree ? k : ref,
      backend: {
        value: agree ? labels[i] : 'reference',
        checked: 'reference',
        agree,
        kernel: Number.isFinite(k) ? k : null,
        kernelBackend: labels[i] || null,
        reference: ref,
        tolerance: tolText,
      },
    };
  }
}
