/**
 * Backend registry: resolves a preference ('auto' or a name) to an ordered chain of initialised
 * backends, logs what it picked and why each candidate was skipped, and runs kernels with
 * per-batch fallback (a backend that throws at run time hands that batch to the next one, with a
 * warning; the result records which backend computed it).
 *
 * Log lines (default: stderr, one line each, prefixed 'keyrate:'):
 *   keyrate: backend webgpu skipped: <reason>
 *   keyrate: backend wasm selected (<detail>)
 *   keyrate: backend wasm failed on leakage-objective (<error>); falling back to reference for this batch
 */
import { BACKEND_NAMES, type Backend, type BackendName, type RunOptions } from './backend.js';
import { BackendUnavailableError, InputError } from '../errors.js';
import { createReferenceBackend, type ReferenceKernels } from './reference/index.js';
import { createWasmBackend } from './wasm/index.js';

export { BACKEND_NAMES };

export type BackendPreference = 'auto' | BackendName;
export type BackendLogger = (line: string) => void;

/** Priority order tried by 'auto' (first available wins; later ones are the fallback chain). */
export const AUTO_ORDER: readonly BackendName[] = ['webgpu', 'wasm', 'reference'];
/** What `--backend` accepts in every command (gpujs is a bench-only comparison backend). */
export const CLI_BACKENDS = ['auto', ...BACKEND_NAMES.filter((b) => b !== 'gpujs')] as const;
export type CliBackend = 'auto' | Exclude<BackendName, 'gpujs'>;
/** Precision each backend computes in, known before it is initialised (WGSL and gpu.js have no
 *  f64), so that an f64 consumer in 'auto' does not start a GPU device it cannot use. */
export const BACKEND_PRECISION: Readonly<Record<BackendName, 'f64' | 'f32'>> = { reference: 'f64', wasm: 'f64', webgpu: 'f32', gpujs: 'f32' };

/** Default logger: one stderr line per message, prefixed 'keyrate:'. */
export const stderrLogger: BackendLogger = (line) => {
  process.stderr.write(`keyrate: ${line}\n`);
};

export type BackendFactory = () => Backend | Promise<Backend>;

export interface ResolveOptions {
  /** Where selection / skip / fallback lines go (default: stderrLogger). */
  log?: BackendLogger;
  /** Replace or add backend constructors (tests; embedding). */
  factories?: Partial<Record<BackendName, BackendFactory>>;
  /** Only accept backends that implement these kernels (skip reason: 'no kernel X'). */
  kernels?: readonly string[];
  /** Only accept f64 backends (skip reason names the precision). Default false. */
  requireF64?: boolean;
  /** A backend whose construction + init() takes longer is skipped (default 20000 ms). */
  initTimeoutMs?: number;
  /** Model-supplied TS implementations the reference backend runs (src/kernels/evaluator.ts ModelKernels). */
  references?: ReferenceKernels;
  /** Under 'auto', accept a software (CPU) GPU adapter such as lavapipe or SwiftShader (default false: skipped). */
  allowSoftwareGpu?: boolean;
  /** Under 'auto', try these backends instead of AUTO_ORDER. */
  order?: readonly BackendName[];
}

export interface SkippedBackend {
  name: BackendName;
  reason: string;
}

export interface RunResult<O> {
  value: O;
  /** The backend that computed `value`. */
  backend: BackendName;
  /** Its label (e.g. 'wasm-simd'). */
  label: string;
  /** Backends that threw for this batch before `backend` succeeded. */
  failed: { name: BackendName; error: string }[];
}

export interface BackendSelection {
  /** Initialised backends in priority order; [0] is the primary. Never empty. */
  readonly backends: readonly Backend[];
  readonly primary: Backend;
  readonly skipped: readonly SkippedBackend[];
  /** Run a kernel on the first backend that has it; on a throw, fall back down the chain. */
  run<O>(kernel: string, input: unknown, opts?: RunOptions): Promise<RunResult<O>>;
  /** The same synchronously, over the backends that can run synchronously (CPU backends). */
  runSync<O>(kernel: string, input: unknown): RunResult<O>;
  dispose(): Promise<void>;
}

/** Label a result carries for a backend (e.g. 'wasm-simd'). */
export const labelOf = (b: Backend): string => b.label ?? b.name;

function defaultFactory(name: BackendName, references?: ReferenceKernels): BackendFactory {
  switch (name) {
    case 'reference':
      return () => createReferenceBackend(references);
    case 'wasm':
      return () => createWasmBackend();
    case 'webgpu':
      return async () => (await import('./webgpu/index.js')).createWebgpuBackend();
    case 'gpujs':
      return async () => (await import('./gpujs/index.js')).createGpujsBackend();
  }
}

const isAbort = (e: unknown, signal?: AbortSignal): boolean =>
  signal?.aborted === true || (e instanceof Error && e.name === 'AbortError');

const oneLine = (e: unknown): string =>
  (e instanceof Error ? `${e.name}: ${e.message}` : String(e)).split('\n')[0]!;

/**
 * Resolve a backend preference. 'auto' tries AUTO_ORDER and keeps every backend that initialises
 * (the tail is the fallback chain; reference is always last). A named backend is forced: if it
 * fails to initialise (or is filtered out) this throws with the reason; reference is appended as
 * its run-time fallback.
 */
export async function resolveBackend(pref: BackendPreference, opts: ResolveOptions = {}): Promise<BackendSelection> {
  const log = opts.log ?? stderrLogger;
  /** A backend failed on a batch: record it, log the fallback (or the end of the chain); rethrow at the end. */
  const fellBack = (failed: { name: string; error: string }[], kernel: string, name: string, next: string | undefined, e: unknown): void => {
    failed.push({ name, error: oneLine(e) });
    log(`backend ${name} failed on ${kernel} (${oneLine(e)})` + (next ? `; falling back to ${next} for this batch` : '; no backend left'));
    if (!next) throw e;
  };
  if (pref !== 'auto' && !BACKEND_NAMES.includes(pref)) {
    throw new InputError('backend', ['auto', ...BACKEND_NAMES].join(' | '), pref);
  }
  const order: BackendName[] = pref === 'auto' ? [...(opts.order ?? AUTO_ORDER)] : pref === 'reference' ? ['reference'] : [pref, 'reference'];
  const backends: Backend[] = [];
  const skipped: SkippedBackend[] = [];
  for (const name of order) {
    let reason: string | undefined;
    let b: Backend | undefined;
    if (opts.requireF64 && pref === 'auto' && !opts.factories?.[name] && BACKEND_PRECISION[name] !== 'f64') {
      const why = `precision ${BACKEND_PRECISION[name]}, f64 required (not started)`;
      skipped.push({ name, reason: why });
      log(`backend ${name} skipped: ${why}`);
      continue;
    }
    try {
      const timeoutMs = opts.initTimeoutMs ?? 20_000;
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`init timed out after ${timeoutMs} ms`)), timeoutMs);
      });
      try {
        b = await Promise.race([(async () => (await (opts.factories?.[name] ?? defaultFactory(name, opts.references))()))(), timeout]);
        await Promise.race([b.init(), timeout]);
      } finally {
        clearTimeout(timer);
      }
      if (opts.requireF64 && b.precision !== 'f64') reason = `precision ${b.precision}, f64 required`;
      if (!reason && b.software && pref === 'auto' && !opts.allowSoftwareGpu) reason = `software adapter (${b.detail ?? 'CPU'}): a CPU implementation, used only when forced (--backend ${name})`;
      const missing = (opts.kernels ?? []).filter((k) => !b!.has(k));
      if (!reason && missing.length > 0) reason = `no kernel ${missing.join(', ')}`;
    } catch (e) {
      reason = `init failed: ${oneLine(e)}`;
    }
    if (reason !== undefined) {
      if (b) await b.dispose().catch(() => undefined);
      if (pref !== 'auto' && name === pref) throw new BackendUnavailableError(name, reason);
      skipped.push({ name, reason });
      log(`backend ${name} skipped: ${reason}`);
      continue;
    }
    backends.push(b!);
  }
  if (backends.length === 0) throw new Error(`no backend available (${skipped.map((s) => `${s.name}: ${s.reason}`).join('; ')})`);
  const primary = backends[0]!;
  log(`backend ${primary.name} selected${primary.detail ? ` (${primary.detail})` : ''}` +
    (backends.length > 1 ? `; fallback: ${backends.slice(1).map((b) => b.name).join(' -> ')}` : ''));

  return {
    backends,
    primary,
    skipped,
    async run<O>(kernel: string, input: unknown, ro?: RunOptions): Promise<RunResult<O>> {
      const failed: RunResult<O>['failed'] = [];
      const chain = backends.filter((b) => b.has(kernel));
      if (chain.length === 0) throw new Error(`no selected backend has kernel ${kernel}`);
      for (let i = 0; i < chain.length; i++) {
        const b = chain[i]!;
        try {
          const value = await b.run<unknown, O>(kernel, input, ro);
          return { value, backend: b.name, label: labelOf(b), failed };
        } catch (e) {
          if (isAbort(e, ro?.signal) || e instanceof InputError) throw e; // the same on every backend
          fellBack(failed, kernel, b.name, chain[i + 1]?.name, e);
        }
      }
      throw new Error('unreachable');
    },
    runSync<O>(kernel: string, input: unknown): RunResult<O> {
      const failed: RunResult<O>['failed'] = [];
      const chain = backends.filter((b) => b.runSync && b.has(kernel));
      if (chain.length === 0) throw new Error(`no selected CPU backend has kernel ${kernel}`);
      for (let i = 0; i < chain.length; i++) {
        const b = chain[i]!;
        try {
          const value = b.runSync!<unknown, O>(kernel, input);
          return { value, backend: b.name, label: labelOf(b), failed };
        } catch (e) {
          if (e instanceof InputError) throw e;
          fellBack(failed, kernel, b.name, chain[i + 1]?.name, e);
        }
      }
      throw new Error('unreachable');
    },
    async dispose() {
      await Promise.all(backends.map((b) => b.dispose().catch(() => undefined)));
    },
  };
}
