/**
 * Sweep jobs of the service: a spec (the format of `keyrate sweep spec.yaml`) runs through the
 * sweep runner (src/sweep/runner.ts) into DATA_DIR/jobs/<id>/out, checkpointed after every batch.
 * DATA_DIR/jobs/<id>/job.json records the job; a restarted server resumes every job that was
 * queued or running (runner resume: rows verified against the manifest, nothing recomputed twice,
 * nothing lost). One job runs at a time, on the server's pool; the others wait in order.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../errors.js';
import { BACKENDS, runSweep, type Manifest } from '../sweep/runner.js';
import { getEvaluator } from '../sweep/evaluators.js';
import { Grid } from '../sweep/grid.js';
import { validateSpec, type SweepSpec } from '../sweep/spec.js';
import type { Executor } from './executor.js';
import { notFound, overloaded, ServiceError } from './problem.js';

export type JobState = 'queued' | 'running' | 'complete' | 'failed' | 'cancelled';

interface JobRecord {
  id: string;
  /** the spec as submitted (validated again on resume) */
  spec: unknown;
  backend: string;
  state: JobState;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  /** runs of this job: 1 + restarts that resumed it */
  runs: number;
  error: { message: string; param?: string; allowed?: string } | null;
}

export interface JobStatus {
  id: string;
  status: JobState;
  backend: string;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  /** points with a row in results.jsonl / points of the sweep */
  progress: { done: number; total: number; fraction: number };
  /** estimated time to completion from this run's pace (running jobs with progress only) */
  eta: { seconds: number; at: string } | null;
  /** rows whose evaluation failed (their `error` column is set) */
  pointErrors: number;
  runs: number;
  error: JobRecord['error'];
  /** checksum of the complete results (manifest.json) */
  checksum: string | null;
  links: { self: string; results: string };
}

export interface JobEvents {
  onProgress?: (id: string, done: number, total: number) => void;
  onState?: (id: string, state: JobState) => void;
}

/** Most jobs waiting to run. */
export const MAX_QUEUED_JOBS = 64;
/** Most grid points validated point by point when a job is submitted (larger grids: at run time). */
const VALIDATE_POINTS = 1_000_000;

interface Live {
  rec: JobRecord;
  total: number;
  done: number;
  runStart?: number;
  runDone0?: number;
  soft?: AbortController;
  hard?: AbortController;
  cancelRequested?: boolean;
  finished?: Promise<void>;
}

export class JobManager {
  private readonly jobs = new Map<string, Live>();
  private readonly queue: string[] = [];
  private running: Live | undefined;
  private closing = false;
  private pump: Promise<void> = Promise.resolve();
  readonly events: JobEvents = {};

  constructor(
    readonly dataDir: string,
    private readonly executor: Executor,
    private readonly log: (line: string) => void = () => {},
  ) {
    mkdirSync(join(dataDir, 'jobs'), { recursive: true });
  }

  private dir(id: string): string {
    return join(this.dataDir, 'jobs', id);
  }
  outDir(id: string): string {
    return join(this.dir(id), 'out');
  }

  private save(rec: JobRecord): void {
    const path = join(this.dir(rec.id), 'job.json');
    writeFileSync(path + '.tmp', JSON.stringify(rec, null, 2) + '\n');
    renameSync(path + '.tmp', path);
  }

  /** Load the jobs of the data directory; queued and running ones are queued again (resumed). */
  restore(): number {
    let resumed = 0;
    const root = join(this.dataDir, 'jobs');
    const ids = readdirSync(root).filter((d) => /^[0-9a-f]{16,32}$/.test(d)).sort();
    const recs: JobRecord[] = [];
    for (const id of ids) {
      try {
        const rec = JSON.parse(readFileSync(join(root, id, 'job.json'), 'utf8')) as JobRecord;
        if (rec.id !== id) throw new Error('id mismatch');
        recs.push(rec);
      } catch (e) {
        this.log(`jobs: skipping ${id}: unreadable job.json (${(e as Error).message})`);
      }
    }
    recs.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    for (const rec of recs) {
      let total = 0;
      try {
        total = gridSize(validateSpec(rec.spec));
      } catch {
        /* the spec no longer validates: fails when run */
      }
      const live: Live = { rec, total, done: manifestOf(this.outDir(rec.id))?.pointsDone ?? 0 };
      this.jobs.set(rec.id, live);
      if (rec.state === 'queued' || rec.state === 'running') {
        rec.state = 'queued';
        this.save(rec);
        this.queue.push(rec.id);
        resumed++;
      }
    }
    if (resumed) this.log(`jobs: resuming ${resumed} unfinished sweep job(s) from ${this.dataDir}`);
    this.kick();
    return resumed;
  }

  /** Validate and queue a sweep; InputError names the spec field. */
  submit(rawSpec: unknown, backend = 'auto'): JobStatus {
    if (this.closing) throw new ServiceError(503, 'shutting-down', 'Shutting down', 'the server is shutting down; submit the job again after it restarts');
    if (!(BACKENDS as readonly string[]).includes(backend)) throw new InputError('backend', BACKENDS.join(' | '), backend);
    const spec = validateSpec(rawSpec);
    const ev = getEvaluator(spec.engine, spec.quantity);
    const total = gridSize(spec);
    if (ev.validatePoint && total <= VALIDATE_POINTS) {
      const grid = new Grid(spec, spec.warmStart && typeof ev.warmStart === 'function');
      for (let i = 0; i < grid.size; i++) ev.validatePoint(grid.point(i));
    }
    if (this.queue.length >= MAX_QUEUED_JOBS) throw overloaded(`${this.queue.length} sweep jobs are waiting (at most ${MAX_QUEUED_JOBS}); try again later`, 10);
    const id = randomBytes(8).toString('hex');
    const rec: JobRecord = { id, spec: rawSpec, backend, state: 'queued', createdAt: new Date().toISOString(), startedAt: null, finishedAt: null, runs: 0, error: null };
    mkdirSync(this.dir(id), { recursive: true });
    this.save(rec);
    this.jobs.set(id, { rec, total, done: 0 });
    this.queue.push(id);
    this.kick();
    return this.status(id);
  }

  list(): JobStatus[] {
    return [...this.jobs.keys()].map((id) => this.status(id));
  }

  has(id: string): boolean {
    return this.jobs.has(id);
  }

  private get(id: string): Live {
    const j = this.jobs.get(id);
    if (!j) throw notFound(`no sweep job ${JSON.stringify(id)}`);
    return j;
  }

  status(id: string): JobStatus {
    const j = this.get(id);
    const m = j.rec.state === 'running' ? undefined : manifestOf(this.outDir(id));
    const done = j.rec.state === 'running' ? j.done : (m?.pointsDone ?? j.done);
    let eta: JobStatus['eta'] = null;
    if (j.rec.state === 'running' && j.runStart !== undefined && done > (j.runDone0 ?? 0)) {
      const rate = (done - (j.runDone0 ?? 0)) / (Date.now() - j.runStart);
      const seconds = (j.total - done) / rate / 1000;
      if (Number.isFinite(seconds)) eta = { seconds: Math.round(seconds * 10) / 10, at: new Date(Date.now() + seconds * 1000).toISOString() };
    }
    const mm = m ?? manifestOf(this.outDir(id));
    return {
      id,
      status: j.rec.state,
      backend: j.rec.backend,
      createdAt: j.rec.createdAt,
      startedAt: j.rec.startedAt,
      finishedAt: j.rec.finishedAt,
      progress: { done, total: j.total, fraction: j.total > 0 ? done / j.total : 0 },
      eta,
      pointErrors: mm?.errors ?? 0,
      runs: j.rec.runs,
      error: j.rec.error,
      checksum: mm?.status === 'complete' ? (mm.checksum?.value ?? null) : null,
      links: { self: `/v1/sweeps/${id}`, results: `/v1/sweeps/${id}/results` },
    };
  }

  /** Paths of the results files (they exist once the job has started). */
  results(id: string): { jsonl: string; csv: string; state: JobState } {
    const j = this.get(id);
    return { jsonl: join(this.outDir(id), 'results.jsonl'), csv: join(this.outDir(id), 'results.csv'), state: j.rec.state };
  }

  /** Cancel a queued or running job (its rows so far are kept); finished jobs: 409. */
  async cancel(id: string): Promise<JobStatus> {
    const j = this.get(id);
    if (j.rec.state === 'complete' || j.rec.state === 'failed' || j.rec.state === 'cancelled') {
      throw new ServiceError(409, 'job-finished', 'Job already finished', `sweep job ${id} is ${j.rec.state}; nothing to cancel`, { jobStatus: j.rec.state });
    }
    if (j.rec.state === 'queued') {
      const k = this.queue.indexOf(id);
      if (k >= 0) this.queue.splice(k, 1);
      this.finish(j, 'cancelled');
      return this.status(id);
    }
    j.cancelRequested = true;
    j.soft?.abort();
    j.hard?.abort();
    await j.finished;
    return this.status(id);
  }

  private finish(j: Live, state: JobState, error: JobRecord['error'] = null): void {
    j.rec.state = state;
    j.rec.finishedAt = new Date().toISOString();
    j.rec.error = error;
    this.save(j.rec);
    this.events.onState?.(j.rec.id, state);
  }

  private kick(): void {
    if (this.running || this.closing) return;
    const id = this.queue.shift();
    if (id === undefined) return;
    const j = this.jobs.get(id)!;
    this.running = j;
    j.finished = this.run(j).finally(() => {
      this.running = undefined;
      this.kick();
    });
    this.pump = j.finished;
  }

  private async run(j: Live): Promise<void> {
    const rec = j.rec;
    j.soft = new AbortController();
    j.hard = new AbortController();
    rec.state = 'running';
    rec.startedAt ??= new Date().toISOString();
    rec.runs++;
    this.save(rec);
    this.events.onState?.(rec.id, 'running');
    try {
      const spec: SweepSpec = validateSpec(rec.spec);
      j.total = gridSize(spec);
      let base = 0;
      const summary = await runSweep(spec, {
        out: this.outDir(rec.id),
        backend: rec.backend,
        workers: Math.max(1, Math.min(256, this.executor.threads)),
        resume: true,
        signal: j.soft.signal,
        pool: this.executor.segmentPool(j.hard.signal),
        log: (line) => this.log(`job ${rec.id}: ${line}`),
        onProgress: (done, todo) => {
          if (j.runStart === undefined) {
            base = j.total - todo;
            j.runStart = Date.now();
            j.runDone0 = base;
          }
          j.done = base + done;
          this.events.onProgress?.(rec.id, j.done, j.total);
        },
      });
      j.done = summary.manifest.pointsDone;
      if (j.cancelRequested) this.finish(j, 'cancelled');
      else if (summary.stopped) {
        // shutdown: stays queued on disk, the next start resumes it
        rec.state = 'queued';
        this.save(rec);
      } else this.finish(j, 'complete');
    } catch (e) {
      if (j.cancelRequested) this.finish(j, 'cancelled');
      else if (this.closing) {
        rec.state = 'queued';
        this.save(rec);
      } else if (e instanceof InputError) this.finish(j, 'failed', { message: e.message, param: e.param, allowed: e.allowed });
      else {
        this.log(`job ${rec.id} failed: ${(e as Error).stack ?? String(e)}`);
        this.finish(j, 'failed', { message: (e as Error).message ?? String(e) });
      }
    } finally {
      j.runStart = undefined;
      j.soft = undefined;
      j.hard = undefined;
    }
  }

  /** Stop: no new job starts; the running one stops at its next checkpoint, or after `graceMs`
   *  mid-batch (that batch is recomputed on resume). Resolves once nothing runs. */
  async close(graceMs: number): Promise<void> {
    this.closing = true;
    const j = this.running;
    if (!j) return;
    j.soft?.abort();
    const timer = setTimeout(() => j.hard?.abort(), graceMs);
    try {
      await this.pump;
    } finally {
      clearTimeout(timer);
    }
  }

  get counts(): Record<JobState, number> {
    const c: Record<JobState, number> = { queued: 0, running: 0, complete: 0, failed: 0, cancelled: 0 };
    for (const j of this.jobs.values()) c[j.rec.state]++;
    return c;
  }
}

function gridSize(spec: SweepSpec): number {
  return spec.axes.reduce((n, a) => n * a.values.length, 1);
}

function manifestOf(dir: string): Manifest | undefined {
  const p = join(dir, 'manifest.json');
  if (!existsSync(p)) return undefined;
  try {
    return JSON.parse(readFileSync(p, 'utf8')) as Manifest;
  } catch {
    return undefined;
  }
}
