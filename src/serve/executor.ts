/**
 * Where the service computes: one warm Piscina pool (./worker.ts) shared by every request, every
 * worst-case/curve scan and every sweep job; or, in a TypeScript source run (no compiled worker),
 * the server's own thread. Every call takes an AbortSignal: a pooled task that is aborted is
 * dropped from the queue or its thread is stopped (Piscina replaces it); in the server's thread an
 * aborted call is no longer awaited (it runs to its end, batches stop between points).
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MessageChannel } from 'node:worker_threads';
import type { AmplifiedRate, RateInput } from '../models/amplified/model.js';
import type { SegmentPool } from '../sweep/runner.js';
import { evaluateSegment, type PointResult, type SegmentTask } from '../sweep/segment.js';
import { compute, fromOutcome, type Outcome } from './compute.js';
import { closeModelEvaluators, evaluatorFor } from '../sweep/model-evaluators.js';
import type { ComputeMethod } from './schemas.js';

export interface CallOptions {
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
}

export interface Executor {
  /** 'pool': worker threads; 'in-process': the server's thread (source runs) */
  readonly mode: 'pool' | 'in-process';
  readonly threads: number;
  compute(method: ComputeMethod, body: unknown, opts?: CallOptions): Promise<unknown>;
  /** one amplified rate() on `backend`'s evaluator of the computing thread (RateInput without its
   *  evaluator: an evaluator does not cross threads) */
  amplifiedRate(input: Omit<RateInput, 'evaluator'>, backend: string, signal?: AbortSignal): Promise<AmplifiedRate>;
  /** The pool as the sweep runner takes it (destroy() is a no-op: the pool outlives the sweep). */
  segmentPool(signal?: AbortSignal): SegmentPool;
  close(): Promise<void>;
}

const WORKER = new URL('./worker.js', import.meta.url);

/** True when the compiled worker (dist/serve/worker.js) exists. */
export function poolAvailable(): boolean {
  return existsSync(fileURLToPath(WORKER));
}

function aborted(signal: AbortSignal): Error {
  const r: unknown = signal.reason;
  if (r instanceof Error) return r;
  const e = new Error('the request was cancelled');
  e.name = 'AbortError';
  return e;
}

/** `p`, or a rejection as soon as `signal` aborts (the work itself is not stopped). */
function raceAbort<T>(p: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return p;
  if (signal.aborted) return Promise.reject(aborted(signal));
  return new Promise<T>((res, rej) => {
    const onAbort = () => rej(aborted(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        res(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        rej(e);
      },
    );
  });
}

/** Methods whose scan is driven from the server's thread, one pool task per Eve position / leak. */
const SCANS: ReadonlySet<ComputeMethod> = new Set(['amplified.worst-case', 'amplified.curve']);

export async function createExecutor(threads: number): Promise<Executor> {
  if (!poolAvailable() || threads < 1) return inProcess();
  const { Piscina } = await import('piscina');
  const pool = new Piscina({ filename: WORKER.href, minThreads: threads, maxThreads: threads, idleTimeout: 2 ** 31 - 1 });
  const run = async <T>(task: unknown, name: string | undefined, signal?: AbortSignal, transferList?: unknown[]): Promise<T> => {
    if (signal?.aborted) throw aborted(signal);
    try {
      return (await pool.run(task, { ...(name ? { name } : {}), ...(signal ? { signal } : {}), ...(transferList ? { transferList: transferList as never } : {}) })) as T;
    } catch (e) {
      if (signal?.aborted) throw aborted(signal);
      throw e;
    }
  };
  const amplifiedRate = async (input: Omit<RateInput, 'evaluator'>, backend: string, signal?: AbortSignal) =>
    fromOutcome(await run<Outcome>({ input, backend }, 'amplifiedRate', signal)) as AmplifiedRate;
  return {
    mode: 'pool',
    threads,
    async compute(method, body, opts = {}) {
      if (SCANS.has(method)) {
        // validation, then the model's scan in this thread; every rate() in the pool
        return raceAbort(
          compute(method, body, {
            ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
            // each position's rate() in the pool, on the request's backend there
            rateMany: (inputs) => Promise.all(inputs.map(({ evaluator: _e, ...i }) => amplifiedRate(i, backendOf(body), opts.signal))),
          }),
          opts.signal,
        );
      }
      let port;
      let transfer: unknown[] | undefined;
      if (opts.onProgress) {
        const ch = new MessageChannel();
        const cb = opts.onProgress;
        ch.port1.on('message', (m: { done: number; total: number }) => cb(m.done, m.total));
        ch.port1.unref();
        port = ch.port2;
        transfer = [ch.port2];
      }
      // (port1 closes when the worker closes port2)
      return fromOutcome(await run<Outcome>({ method, body, port }, undefined, opts.signal, transfer));
    },
    amplifiedRate,
    segmentPool(signal) {
      return {
        run: (task: SegmentTask) => run<PointResult[]>(task, 'segment', signal),
        amplifiedRate: (input, backend) => amplifiedRate(input, backend, signal),
        destroy: async () => {},
      };
    },
    close: () => pool.destroy(),
  };
}

function inProcess(): Executor {
  return {
    mode: 'in-process',
    threads: 0,
    compute(method, body, opts = {}) {
      const signal = opts.signal;
      return raceAbort(compute(method, body, { ...(opts.onProgress ? { onProgress: opts.onProgress } : {}), shouldStop: () => !!signal?.aborted }), signal);
    },
    amplifiedRate: async (input, backend, signal) => {
      const { rate } = await import('../models/amplified/model.js');
      return raceAbort((async () => rate({ ...input, evaluator: await evaluatorFor('amplified', backend) }))(), signal);
    },
    segmentPool(signal) {
      return {
        run: (task) => raceAbort(evaluateSegment(task), signal),
        amplifiedRate: (input, backend) => this.amplifiedRate(input, backend, signal),
        destroy: async () => {},
      };
    },
    close: () => closeModelEvaluators(),
  };
}

/** The backend a request names (default 'auto'; validated with the body). */
function backendOf(body: unknown): string {
  const b = (body as { backend?: unknown } | null)?.backend;
  return typeof b === 'string' ? b : 'auto';
}
