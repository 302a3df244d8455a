/**
 * Shared checks of the property tests: the outcome of one library call (finite numbers or an
 * InputError naming an input key, within a time bound) and a watchdog that kills the test process,
 * printing the input, when a synchronous call hangs (a timer cannot interrupt it).
 */
import { Worker } from 'node:worker_threads';
import { InputError } from '../../src/index.js';

/** Time bound of one library call (ms). */
export const CALL_MS = 5000;
/** The watchdog kills the run when one call takes this long (ms): a hang, not a slow call. */
export const HANG_MS = 60_000;
/** Fixed seed of every property (reproducible; change it to explore). */
export const SEED = 0x6b657972;

const shared = new SharedArrayBuffer(8 + 4096);
const started = new Float64Array(shared, 0, 1);
const label = new Uint8Array(shared, 8);
let dog: Worker | undefined;

function watchdog(): void {
  if (dog) return;
  dog = new Worker(
    `const { workerData } = require('node:worker_threads');
     const t = new Float64Array(workerData.shared, 0, 1), l = new Uint8Array(workerData.shared, 8);
     setInterval(() => {
       if (t[0] > 0 && Date.now() - t[0] > workerData.hangMs) {
         const n = l.indexOf(0);
         process.stderr.write('property watchdog: call hung for ' + workerData.hangMs + ' ms: ' + Buffer.from(l.subarray(0, n < 0 ? l.length : n)).toString() + '\\n');
         process.kill(process.pid, 'SIGKILL');
       }
     }, 500).unref();`,
    { eval: true, workerData: { shared, hangMs: HANG_MS } },
  );
  dog.unref();
}

/** JSON that survives NaN, Infinity, -0, bigint and functions (for messages). */
export function show(v: unknown): string {
  try {
    const s = JSON.stringify(v, (_k, x) =>
      typeof x === 'number' && (!Number.isFinite(x) || Object.is(x, -0)) ? `<${Object.is(x, -0) ? '-0' : String(x)}>`
      : typeof x === 'bigint' ? `<${x}n>`
      : typeof x === 'function' ? '<fn>'
      : Array.isArray(x) && x.length > 20 ? [...x.slice(0, 5), `<... ${x.length} items>`]
      : x,
    );
    return s ?? String(v);
  } catch {
    return String(v);
  }
}

/** Run `fn` under the watchdog and return its result or error and the time it took. */
export async function timed<T>(what: string, fn: () => T | Promise<T>): Promise<{ value?: T; error?: unknown; ms: number }> {
  watchdog();
  const text = new TextEncoder().encode(what.slice(0, 4000));
  label.fill(0);
  label.set(text.subarray(0, label.length - 1));
  const t0 = Date.now();
  started[0] = t0;
  try {
    const value = await fn();
    return { value, ms: Date.now() - t0 };
  } catch (error) {
    return { error, ms: Date.now() - t0 };
  } finally {
    started[0] = 0;
  }
}

/** Paths of non-finite numbers (and of NaN turned to null, for JSON) in a result. */
export function nonFinite(v: unknown, path = '', out: string[] = [], seen = new Set<unknown>()): string[] {
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) out.push(`${path || '(result)'} = ${v}`);
  } else if (v === null) {
    out.push(`${path || '(result)'} = null`);
  } else if (typeof v === 'object' && v !== undefined && !seen.has(v)) {
    seen.add(v);
    if (ArrayBuffer.isView(v)) Array.from(v as unknown as ArrayLike<number>).forEach((x, i) => nonFinite(x, `${path}.${i}`, out, seen));
    else for (const [k, x] of Object.entries(v as object)) nonFinite(x, path ? `${path}.${k}` : k, out, seen);
  }
  return out;
}

export interface Expect {
  /** non-finite entries that the docs allow for this input and result (return true to allow) */
  allow?: (path: string, result: unknown) => boolean;
  /** InputError params that name an input key by another name (reported findings only) */
  aliases?: Record<string, string>;
  /** extra checks of a returned result (return a message to fail) */
  check?: (result: unknown) => string | undefined;
}

/**
 * The library contract for one call: within CALL_MS, either a result whose numbers are all
 * finite (except documented exceptions) or an InputError whose .param is one of the input's keys
 * (or a sub-key such as photons.0) with a one-line message. Returns a failure message or undefined.
 */
export async function libraryOutcome(name: string, input: Record<string, unknown>, call: () => unknown, e: Expect = {}): Promise<{ failure?: string; ok: boolean; ms: number }> {
  const what = `${name}(${show(input)})`;
  const r = await timed(what, call);
  const fail = (m: string) => ({ failure: `${what}: ${m}`, ok: false, ms: r.ms });
  if (r.ms > CALL_MS) return fail(`took ${r.ms} ms (bound ${CALL_MS} ms)`);
  if ('error' in r && r.error !== undefined) {
    const err = r.error;
    if (!(err instanceof InputError)) return fail(`threw ${(err as Error)?.name}: ${(err as Error)?.message}\n${(err as Error)?.stack ?? ''}`);
    const root = err.param.split('.')[0]!;
    const key = e.aliases?.[root] ?? root;
    // a required key that the input lacks is named with the value 'missing'
    const missing = err.value === undefined && !(key in input) && / missing \(allowed: /.test(err.message);
    if (!(key in input) && !missing) return fail(`InputError names '${err.param}', not an input key (${Object.keys(input).join(', ')}): ${err.message}`);
    if (err.message.includes('\n')) return fail(`InputError message has several lines: ${err.message}`);
    if (/allowed: (Too (big|small)|Invalid input)/.test(err.message)) return fail(`InputError quotes zod, not the range: ${err.message}`);
    return { ok: false, ms: r.ms };
  }
  const bad = nonFinite(r.value).filter((p) => !(e.allow?.(p, r.value) ?? false));
  if (bad.length > 0) return fail(`non-finite numbers in the result: ${bad.slice(0, 5).join('; ')}`);
  const m = e.check?.(r.value);
  if (m) return fail(m);
  return { ok: true, ms: r.ms };
}
