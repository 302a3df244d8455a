/**
 * `keyrate amplified batch`: Lf/L of [A] at fixed photons/windows for every line of a JSON-lines
 * file. Each line is computed on the chosen backend's batch kernel (createEvaluator, src/runtime/evaluator.ts,
 * lines grouped by (G1, G2, leak)) and re-evaluated on the reference (`rate()` with fixed
 * parameters, the numbers of `amplified rate --json`); the output says which backend computed the
 * reported `rate` and whether it agrees with the reference within the stated tolerance.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import type { Command } from 'commander';
import { InputError } from '../errors.js';
import { checkBackendName, createEvaluator } from '../runtime/evaluator.js';
import * as amp from '../models/amplified/index.js';
import { check, checkWorkers, params } from '../validate.js';
import { BATCH_TOLERANCE, batchLineError, batchLines, batchMethodSchema as methodSchema, parseBatchPoint, type ParsedPoint } from '../models/amplified/batch.js';
import { openAtomic, type AtomicWriter } from '../util/outputs.js';
import { checkOutPath } from '../util/out-path.js';
import { parseNumber, runAction } from './common.js';
import { createProgress } from './progress.js';

/** Most lines of one input file. */
export const MAX_BATCH_LINES = 1_000_000;
/** Longest input line (bytes, without its line break). */
export const MAX_LINE_BYTES = 64 * 1024;

/** Agreement of the kernel value k with the reference r (src/models/amplified/batch.ts, shared with the service). */
export { BATCH_TOLERANCE };

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

function parseLine(text: string, n: number): ParsedPoint {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return { ok: false, err: batchLineError(n, new InputError('input', 'one JSON object per line', text.length > 80 ? text.slice(0, 80) + '…' : text, `line ${n} is not JSON: ${(e as Error).message}`)) };
  }
  return parseBatchPoint(value, n);
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
    for await (const line of batchLines(ev, encoding, method, parsed)) {
      bar.tick();
      if ('error' in line) bad++;
      emitLine(line);
    }
    bar.stop();
    flush();
    sink?.commit();
  } catch (e) {
    bar.stop();
    sink?.abort();
    throw e;
  } finally {
    await ev.close();
  }
  if (bad > 0) {
    process.stderr.write(`keyrate: amplified batch: ${bad} of ${parsed.length} lines invalid (error objects in the output)\n`);
    process.exitCode = 2;
  }
}
