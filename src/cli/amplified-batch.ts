/**
 * `keyrate amplified batch`: Lf/L of [A] at fixed photons/windows for every line of a JSON-lines
 * file. Each line is computed on the chosen backend's batch kernel (createEvaluator, src/runtime/evaluator.ts,
 * lines grouped by (G1, G2, leak)) and re-evaluated on the reference (`rate()` with fixed
 * parameters, the numbers of `amplified rate --json`); the output says which backend computed the
 * reported `rate` and whether it agrees with the reference within the stated tolerance.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import type { Command } from 'commander';
import { z } from 'zod';
import { InputError } from '../errors.js';
import * as amp from '../models/amplified/index.js';
import { checkBackendName, createEvaluator } from '../runtime/evaluator.js';
import type { KernelEvaluator } from '../kernels/evaluator.js';
import { KERNELS } from '../kernels/names.js';
import type { AmplifiedRateOutput } from '../kernels/amplified-rate/spec.js';
import { check, checkObject, checkWorkers, params, ranged } from '../validate.js';
import { openAtomic, type AtomicWriter } from '../util/outputs.js';
import { checkOutPath } from '../util/out-path.js';
import { parseNumber, runAction } from './common.js';
import { createProgress } from './progress.js';

/** Most lines of one input file. */
export const MAX_BATCH_LINES = 1_000_000;
/** Longest input line (bytes, without its line break). */
export const MAX_LINE_BYTES = 64 * 1024;

/** Agreement of the kernel value k with the reference r: |k - r| <= rel |r| + abs. */
export const BATCH_TOLERANCE = {
  'photon-number': { rel: 1e-10, abs: 1e-13 },
  phase: { rel: 1e-12, abs: 1e-15 },
} as const;

const lineSchema = z
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
type LinePoint = z.infer<typeof lineSchema>;

const methodSchema = ranged(z.enum(['exact', 'paper']), "'exact' | 'paper'");

interface LineError {
  line: number;
  error: { param: string; allowed: string; message: string };
}

function lineError(line: number, e: InputError): LineError {
  return { line, error: { param: e.param, allowed: e.allowed, message: e.message } };
}

/** Read the input's lines (without line breaks), refusing files over the limits (InputError 'input'). */
export function readInputLines(path: string): string[] {
  const allowed = `a JSON-lines file of 1 to ${MAX_BATCH_LINES} lines of at most ${MAX_LINE_BYTES} bytes`;
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    throw new InputError('input', allowed, path, (e as NodeJS.ErrnoException).code ?? (e as Error).message);
  }
  try {
    if (!fstatSync(fd).isFile()) throw new InputError('input', allowed, path, 'not a regular file');
    const lines: string[] = [];
    const buf = Buffer.alloc(1 << 20);
    let pending: Buffer[] = [];
    let pendingLen = 0;
    const push = (parts: Buffer[]): void => {
      let b = Buffer.concat(parts);
      if (b.length > 0 && b[b.length - 1] === 13) b = b.subarray(0, b.length - 1); // CRLF
      if (b.length > MAX_LINE_BYTES) throw new InputError('input', allowed, path, `line ${lines.length + 1} has ${b.length} bytes`);
      if (lines.length >= MAX_BATCH_LINES) throw new InputError('input', allowed, path, `more than ${MAX_BATCH_LINES} lines`);
      lines.push(b.toString('utf8'));
    };
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      const chunk = buf.subarray(0, n);
      let start = 0;
      for (;;) {
        const nl = chunk.indexOf(10, start);
        if (nl < 0) {
          const rest = Buffer.from(chunk.subarray(start));
          pendingLen += rest.length;
          // +1: a CR before the next chunk's LF is not counted against the limit
          if (pendingLen > MAX_LINE_BYTES + 1) throw new InputError('input', allowed, path, `line ${lines.length + 1} has more than ${MAX_LINE_BYTES} bytes`);
          pending.push(rest);
          break;
        }
        push([...pending, chunk.subarray(start, nl)]);
        pending = [];
        pendingLen = 0;
        start = nl + 1;
      }
    }
    if (pendingLen > 0) push(pending);
    if (lines.length === 0) throw new InputError('input', allowed, path, 'empty file');
    return lines;
  } finally {
    closeSync(fd);
  }
}

type Parsed = { ok: true; p: LinePoint; L: amp.LineGeometry } | { ok: false; err: LineError };

function parseLine(text: string, n: number): Parsed {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return { ok: false, err: lineError(n, new InputError('input', 'one JSON object per line', text.length > 80 ? text.slice(0, 80) + '…' : text, `line ${n} is not JSON: ${(e as Error).message}`)) };
  }
  try {
    const p = checkObject(lineSchema, value);
    return { ok: true, p, L: amp.line(p) };
  } catch (e) {
    if (e instanceof InputError) return { ok: false, err: lineError(n, e) };
    throw e;
  }
}

/** The kernel pass: Lf/L of every well-formed line on `ev`, one batch per (G1, G2, leak). */
function kernelPass(kev: KernelEvaluator, enc: amp.Encoding, method: amp.Method, parsed: Parsed[]): { values: Float64Array; labels: string[] } {
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
    const first = parsed[idx[0]!] as Extract<Parsed, { ok: true }>;
    const fixed: amp.BatchFixed = { encoding: enc, G1: first.L.G1, G2: first.L.G2, leak: first.p.leak, method, tol: 1e-15 };
    const pts = new Float64Array(idx.length * stride);
    idx.forEach((i, k) => {
      const p = (parsed[i] as Extract<Parsed, { ok: true }>).p;
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

interface BatchOptions {
  encoding: string;
  input: string;
  out?: string;
  backend: string;
  workers?: string;
  method: string;
}

const HELP = `
Input: one JSON object per line with keys distance, eveAt, leak, photons, windows and optional
span, loss (SPEC names; photon-number: photons [g0^2, g1^2] (g0^2 = 0: on-off keying), windows
[theta1..theta4]; phase: photons [g^2], windows [theta1', theta2'], E0 = [theta1', theta2'] in
Bob's quadrature units). At most ${MAX_BATCH_LINES} lines of at most ${MAX_LINE_BYTES / 1024} KiB.

Output: one JSON line per input line, in order, with "line" (1-based) and the fields of
'amplified rate --json'; "backend": { value, checked: 'reference', agree, kernel, reference,
tolerance } says which backend computed the reported rate. Every line is computed on the backend's
batch kernel (lines grouped by G1, G2, leak) and re-evaluated on the reference; rate is the kernel
value where it agrees with the reference within 1e-10 relative + 1e-13 absolute (photon-number)
or 1e-12 relative + 1e-15 absolute (phase), else the reference value with agree: false. pCheck,
iAB, chi, pba and tolerance always come from the reference. The photon-number kernel runs the
optimiser's node set (panel width 3), the reference reports width 2: they differ by about
tolerance.estimated, which can exceed 1e-10 relative (e.g. Eve one span from Alice); such lines
say agree: false and carry the reference value. A bad line gets
{"line": n, "error": {param, allowed, message}}; exit code 2 if any line was bad (after writing
every line), else 0.

Cost: the reference re-check dominates (photon-number exact ~2-20 ms a line, paper slower,
phase ~microseconds); the kernel pass adds ~0.5-2 ms a photon-number line on wasm. So a batch
costs about as much as the same lines through 'amplified rate', minus the process start-up per
call. It runs in one thread today: --workers is validated (integer in [1, 256]) but does not
parallelise yet.`;

export function registerAmplifiedBatch(amplified: Command): void {
  amplified
    .command('batch')
    .description('Lf/L at fixed photons/windows for every line of a JSON-lines file (kernel value, checked on the reference)')
    .requiredOption('--encoding <enc>', "'photon-number' | 'phase'")
    .requiredOption('--input <points.jsonl>', 'one JSON object per line (see below)')
    .option('--out <results.jsonl>', 'write the JSON lines to this file (atomic) instead of stdout')
    .option('--backend <name>', "batch kernel: 'auto' (wasm when it loads, else reference) | 'wasm' | 'reference' (f64: webgpu only screens)", 'auto')
    .option('--workers <n>', 'accepted and validated, integer in [1, 256]; batch runs in one thread today')
    .option('--method <m>', "'exact' | 'paper' (photon-number Eve state)", 'exact')
    .addHelpText('after', HELP)
    .action((o: BatchOptions) => runAction(() => runBatch(o)));
}

async function runBatch(o: BatchOptions): Promise<void> {
  const encoding = check('encoding', params.encoding, o.encoding);
  const method = check('method', methodSchema, o.method);
  checkBackendName(o.backend);
  if (o.workers !== undefined) checkWorkers(parseNumber('workers', o.workers));
  if (o.out !== undefined) checkOutPath('out', o.out, 'file');
  const lines = readInputLines(o.input);
  // f64 only: the batch reports kernel values, so no screening backend
  const ev = await createEvaluator({ ...amp.AMPLIFIED_KERNELS, screens: [] }, { backend: o.backend });
  const parsed = lines.map((t, i) => parseLine(t, i + 1));
  let pass: ReturnType<typeof kernelPass>;
  try {
    pass = kernelPass(ev, encoding, method, parsed);
  } finally {
    await ev.close();
  }
  const { values, labels } = pass;
  const tol = BATCH_TOLERANCE[encoding];
  const tolText = `${tol.rel} relative + ${tol.abs} absolute`;

  let sink: AtomicWriter | undefined;
  if (o.out !== undefined) sink = openAtomic(o.out);
  let buffered: string[] = [];
  let bufferedLen = 0;
  const flush = (): void => {
    if (buffered.length === 0) return;
    const text = buffered.join('');
    if (sink) sink.write(text);
    else process.stdout.write(text);
    buffered = [];
    bufferedLen = 0;
  };
  const emitLine = (obj: unknown): void => {
    const s = JSON.stringify(obj) + '\n';
    buffered.push(s);
    bufferedLen += s.length;
    if (bufferedLen >= 1 << 20) flush();
  };

  let bad = 0;
  const bar = createProgress('amplified batch', parsed.length, { quiet: parsed.length < 50 });
  try {
    for (const [i, x] of parsed.entries()) {
      bar.tick();
      if (!x.ok) {
        bad++;
        emitLine(x.err);
        continue;
      }
      let r: amp.AmplifiedRate;
      try {
        r = await amp.rate({ encoding, method, distance: x.p.distance, eveAt: x.p.eveAt, leak: x.p.leak, span: x.p.span, loss: x.p.loss, photons: x.p.photons, windows: x.p.windows });
      } catch (e) {
        if (e instanceof InputError) {
          bad++;
          emitLine(lineError(i + 1, e));
          continue;
        }
        if (e instanceof RangeError) {
          // e.g. a point whose quadrature needs more than the kernel's work bound
          bad++;
          emitLine({ line: i + 1, error: { param: 'input', allowed: 'a point the engine can evaluate', message: e.message.split('\n')[0] } });
          continue;
        }
        throw e;
      }
      const k = values[i]!;
      const ref = r.rate;
      const agree = Number.isFinite(k) && Math.abs(k - ref) <= tol.rel * Math.abs(ref) + tol.abs;
      const { u: _u, backend: _b, ...rest } = r;
      emitLine({
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
      });
    }
    bar.stop();
    flush();
    sink?.commit();
  } catch (e) {
    bar.stop();
    sink?.abort();
    throw e;
  }
  if (bad > 0) {
    process.stderr.write(`keyrate: amplified batch: ${bad} of ${parsed.length} lines invalid (error objects in the output)\n`);
    process.exitCode = 2;
  }
}
