/**
 * The service, independent of its transport (HTTP ./http.ts, JSON-RPC ./stdio.ts): one warm
 * executor (pool), a bounded number of compute requests in flight (running + waiting; beyond it a
 * request is refused at once with 503 + Retry-After instead of queueing without bound), a time
 * limit per request, and the sweep jobs.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { version } from '../version.js';
import { createExecutor, type Executor } from './executor.js';
import { JobManager } from './jobs.js';
import { overloaded } from './problem.js';
import type { ComputeMethod } from './schemas.js';

export interface ServiceOptions {
  /** worker threads of the pool (>= 1) */
  workers: number;
  /** sweep jobs are checkpointed here; default: a fresh temporary directory (not resumed) */
  dataDir?: string;
  /** compute requests allowed to wait for a thread beyond those running (default 4 x workers) */
  queue?: number;
  /** time limit of one compute request (ms; default 300000) */
  timeoutMs?: number;
  log?: (line: string) => void;
}

export interface CallOptions {
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
}

export class Service {
  private active = 0;
  private served = 0;
  private readonly started = Date.now();
  readonly capacity: number;
  readonly timeoutMs: number;

  private constructor(
    readonly executor: Executor,
    readonly jobs: JobManager,
    readonly dataDir: string,
    readonly persistent: boolean,
    opts: ServiceOptions,
  ) {
    const threads = Math.max(1, executor.threads);
    this.capacity = threads + (opts.queue ?? 4 * threads);
    this.timeoutMs = opts.timeoutMs ?? 300_000;
  }

  static async start(opts: ServiceOptions): Promise<Service> {
    const log = opts.log ?? (() => {});
    const executor = await createExecutor(opts.workers);
    if (executor.mode === 'in-process') log('note: no compiled worker (a source run): computing in the server thread; cancelled requests run to their end');
    const persistent = opts.dataDir !== undefined;
    const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'keyrate-serve-'));
    if (!persistent) log(`note: no --data-dir: sweep jobs go to ${dataDir} and are not resumed by another server`);
    const jobs = new JobManager(dataDir, executor, log);
    const s = new Service(executor, jobs, dataDir, persistent, opts);
    jobs.restore();
    return s;
  }

  /** Run one compute method; refuses (503) when `capacity` requests are already in flight. */
  async call(method: ComputeMethod, body: unknown, opts: CallOptions = {}): Promise<unknown> {
    if (this.active >= this.capacity) {
      throw overloaded(`${this.active} requests in flight (at most ${this.capacity}: ${Math.max(1, this.executor.threads)} running, the rest waiting); retry shortly`);
    }
    this.active++;
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const signal = opts.signal ? AbortSignal.any([opts.signal, timeout]) : timeout;
    try {
      return await this.executor.compute(method, body, { signal, ...(opts.onProgress ? { onProgress: opts.onProgress } : {}) });
    } catch (e) {
      if (timeout.aborted && !opts.signal?.aborted) {
        const t = new Error(`the computation ran past the server's limit of ${this.timeoutMs / 1000} s (keyrate serve --timeout)`);
        t.name = 'TimeoutError';
        throw t;
      }
      throw e;
    } finally {
      this.active--;
      this.served++;
    }
  }

  health(): Record<string, unknown> {
    return {
      status: 'ok',
      version,
      uptimeSeconds: Math.round((Date.now() - this.started) / 1000),
      pool: { mode: this.executor.mode, threads: this.executor.threads },
      requests: { inFlight: this.active, capacity: this.capacity, served: this.served },
      jobs: this.jobs.counts,
      dataDir: this.dataDir,
      persistent: this.persistent,
    };
  }

  get inFlight(): number {
    return this.active;
  }

  /** Stop the jobs (checkpointed) and the pool; a temporary data directory is removed. */
  async close(graceMs: number): Promise<void> {
    await this.jobs.close(graceMs);
    await this.executor.close();
    this.removeTemporary();
  }

  /** Remove the temporary data directory (no --data-dir: nothing there can be resumed). */
  removeTemporary(): void {
    if (!this.persistent) rmSync(this.dataDir, { recursive: true, force: true });
  }
}
