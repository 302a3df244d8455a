/**
 * The sweep runner: spec -> grid -> (shard) -> batches -> segments (warm-start chains) ->
 * evaluator (main thread or Piscina workers) -> rows appended durably -> manifest.
 *
 * Resume: results.jsonl is the source of truth. A resumed run drops a partially written last line,
 * regenerates results.csv from the complete rows, seeds the next chain from the last row read back
 * and continues; the rows are identical to an uninterrupted run's except the timing column `ms`.
 */
import { jsonText } from '../util/outputs.js';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { InputError } from '../errors.js';
import { version } from '../version.js';
import { checkWorkers } from '../validate.js';
import { getEvaluator, type Evaluator, type Outputs, type Point, type Scalar } from './evaluators.js';
import { checkOutPath, ensureDir } from '../util/out-path.js';
import { lockDir, type DirLock } from './lock.js';
import { Grid, shardRange, type Shard } from './grid.js';
import {
  appendDurable, csvHeader, csvLines, filesIn, jsonlLines, makeRow, readJson, readRows, rowsChecksum, RowsHash, toJsonSafe, writeAtomic, type Row,
} from './output.js';
import { evaluateSegment, declaredOutputs, type PointResult, type SegmentTask } from './segment.js';
import type { AmplifiedRate, RateInput, StartTask } from '../models/amplified/model.js';
import type { StartOutcome } from '../models/amplified/optimize.js';
import { canonicalJson, specHash, type SweepSpec } from './spec.js';
import { CLI_BACKENDS, checkBackendName } from '../runtime/evaluator.js';
import { getModel, isModelName } from '../models/registry.js';
import { closeModelEvaluators, evaluatorFor } from './model-evaluators.js';

/** What `--backend` accepts (the registry's list). */
export const BACKENDS = CLI_BACKENDS;

export interface SweepOptions {
  /** Output directory; with a shard, results go to <out>/shard-<i>-of-<N>/. */
  out: string;
  backend?: string;
  /** Worker threads (Piscina); 1 = evaluate in the main thread. */
  workers?: number;
  resume?: boolean;
  shard?: Shard;
  /** Progress callback: points done in this run, points to do in this run. */
  onProgress?: (done: number, total: number) => void;
  /** Informational messages (resume, dropped partial line...). */
  log?: (line: string) => void;
  /** Stop at the next batch boundary: the rows so far are checkpointed, the manifest stays
   *  'running' and `--resume` continues (SweepSummary.stopped). */
  signal?: AbortSignal;
  /** Evaluate on this pool (e.g. a server's warm pool) instead of creating one; not destroyed. */
  pool?: SegmentPool;
}

export interface Manifest {
  keyrate: string;
  specHash: string;
  engine: string;
  quantity: string;
  /** the normalised spec; an axis of more than MANIFEST_AXIS_VALUES values as {name, count, first, last} */
  spec: Omit<SweepSpec, 'batch' | 'axes'> & { axes: ({ name: string; values: Scalar[] } | { name: string; count: number; first: Scalar; last: Scalar })[] };
  backend: string;
  backendsUsed: string[];
  columns: string[];
  gridOrder: string;
  gridSize: number;
  shard: Shard | null;
  range: { start: number; end: number };
  pointCount: number;
  pointsDone: number;
  errors: number;
  /** 'complete': every point evaluated without error; 'failed': every point evaluated, `errors` of
   *  them with an error (their rows hold it); 'running': points left to evaluate. */
  status: 'running' | 'complete' | 'failed';
  startedAt: string;
  updatedAt: string;
  finishedAt: string | null;
  resumes: number;
  checksum: { algorithm: 'sha256'; over: string; value: string } | null;
  /** checksum (as `checksum`) of the first `rows` rows, updated with every manifest write; resume verifies it */
  verified?: { rows: number; value: string } | null;
}

export interface SweepSummary {
  dir: string;
  manifest: Manifest;
  /** Points evaluated by this invocation (0 when a resumed sweep was already complete). */
  evaluated: number;
  resumedFrom: number;
  /** true when opts.signal stopped the run before the last point (status stays 'running') */
  stopped?: boolean;
  /** The first error of this invocation's failed points (index: message), if any. */
  firstError?: string;
}

export const GRID_ORDER = 'row-major: first axis outermost, last axis innermost (fastest); index = mixed-radix digits';
export const CHECKSUM_OVER = 'rows of results.jsonl in index order, canonical JSON (sorted keys) without the timing column ms, each + "\\n"';

export function columnsFor(spec: SweepSpec, ev: Evaluator): string[] {
  return ['index', ...spec.axes.map((a) => a.name), ...Object.keys(spec.fixed), ...ev.outputs, 'error', 'backend', 'ms'];
}

export function shardDirName(shard: Shard): string {
  const w = String(shard.count - 1).length;
  return `shard-${String(shard.index).padStart(w, '0')}-of-${shard.count}`;
}

/** Fail early, before any work, if the model module does not (yet) provide the evaluator's function. */
/** The backend name was checked by runSweep; here: it runs for the spec's model. */
async function checkAvailable(ev: Evaluator, backend: string): Promise<void> {
  if (!isModelName(ev.engine)) return; // the test engine
  await evaluatorFor(ev.engine, backend);
}

/**
 * A forced backend must run for these models before any point is evaluated: building the
 * evaluator (src/runtime/evaluator.ts) throws BackendUnavailableError (exit code 2, one line)
 * instead of one error row per point. The evaluators are kept for the points of this thread.
 */
export async function checkBackendRuns(backend: string, engines: readonly string[]): Promise<void> {
  checkBackendName(backend);
  for (const e of engines) await evaluatorFor(getModel(e).name, backend);
}

function rowOutputs(ev: Evaluator, row: Row): Outputs {
  const values: Outputs = {};
  for (const c of ev.outputs) values[c] = row[c];
  return declaredOutputs(ev.outputs, values);
}

export async function runSweep(spec: SweepSpec, opts: SweepOptions): Promise<SweepSummary> {
  const ev = getEvaluator(spec.engine, spec.quantity);
  const backend = opts.backend ?? 'auto';
  checkBackendName(backend);
  const workers = opts.workers ?? 1;
  checkWorkers(workers);
  const log = opts.log ?? (() => {});

  const warm = spec.warmStart && typeof ev.warmStart === 'function';
  const grid = new Grid(spec, warm);
  const { start, end } = opts.shard ? shardRange(grid, opts.shard) : { start: 0, end: grid.size };
  if (opts.shard && start === end) {
    log(`shard ${opts.shard.index}/${opts.shard.count} is empty: the grid has ${grid.blockCount} warm-start blocks (lower N, or set \`chain\` in the spec)`);
  }
  // Cross-parameter checks over the whole range before any evaluation.
  if (ev.validatePoint) for (let i = start; i < end; i++) ev.validatePoint(grid.point(i));
  if (ev.checkBackend) for (let i = start; i < end; i++) ev.checkBackend(grid.point(i), backend);
  await checkAvailable(ev, backend);
  checkOutPath('out', opts.out, 'dir');
  const dir = opts.shard ? join(opts.out, shardDirName(opts.shard)) : opts.out;
  checkOutPath('out', dir, 'dir');
  const files = filesIn(dir);
  const columns = columnsFor(spec, ev);
  const hash = specHash(spec);

  ensureDir(dir);
  const lock = lockDir(dir);
  try {
    return await runLocked({ spec, ev, opts, backend, workers, log, warm, grid, start, end, dir, files, columns, hash, lock });
  } finally {
    lock.release();
    await closeModelEvaluators();
  }
}

/** Manifest writes during a run: at most one per MANIFEST_INTERVAL_MS (plus the first and the last). */
export const MANIFEST_INTERVAL_MS = 5000;
/** Grids above this many points get a warning with the expected time. */
export const LARGE_GRID = 1_000_000;
/** An axis with more values than this is summarised in manifest.json ({count, first, last}). */
export const MANIFEST_AXIS_VALUES = 1000;

/** The normalised spec as the manifest records it: long axes summarised (the spec hash covers every value). */
export function manifestSpec(spec: SweepSpec): Manifest['spec'] {
  const { batch: _b, ...rest } = spec;
  return {
    ...rest,
    axes: spec.axes.map((a) =>
      a.values.length > MANIFEST_AXIS_VALUES ? { name: a.name, count: a.values.length, first: a.values[0]!, last: a.values[a.values.length - 1]! } : a,
    ),
  };
}

function refuse(dir: string, why: string): never {
  throw new InputError('out', 'a sweep directory whose results match its manifest (or a new directory)', dir, why);
}

/** The manifest fields resume relies on; anything else is a broken manifest. */
function checkManifest(dir: string, m: unknown): Manifest {
  const o = m as Partial<Manifest> | null;
  const ok =
    o !== null && typeof o === 'object' && typeof o.specHash === 'string' && typeof o.backend === 'string' &&
    o.range !== null && typeof o.range === 'object' && Number.isInteger(o.range.start) && Number.isInteger(o.range.end) &&
    Number.isInteger(o.resumes) && Array.isArray(o.backendsUsed) && (o.status === 'running' || o.status === 'complete' || o.status === 'failed');
  if (!ok) refuse(dir, 'manifest.json lacks specHash, backend, range, resumes, backendsUsed or status: restore it or start in a new directory');
  return o as Manifest;
}

interface RunContext {
  spec: SweepSpec;
  ev: Evaluator;
  opts: SweepOptions;
  backend: string;
  workers: number;
  log: (line: string) => void;
  warm: boolean;
  grid: Grid;
  start: number;
  end: number;
  dir: string;
  files: ReturnType<typeof filesIn>;
  columns: string[];
  hash: string;
  lock: DirLock;
}

async function runLocked(c: RunContext): Promise<SweepSummary> {
  const { spec, ev, opts, backend, workers, log, warm, grid, start, end, dir, files, columns, hash, lock } = c;
  const rawOld = readJson<unknown>(files.manifest);
  const old = rawOld === undefined ? undefined : checkManifest(dir, rawOld);
  const jsonlBytes = existsSync(files.jsonl) ? statSync(files.jsonl).size : 0;
  const csvRows = existsSync(files.csv) ? readFileSync(files.csv, 'utf8').split('\n').filter((l) => l !== '').length - 1 : 0;
  const hasResults = existsSync(files.jsonl) || existsSync(files.csv) || old !== undefined;
  if (hasResults && !opts.resume) {
    throw new InputError('out', 'a new or empty directory, or --resume to continue the sweep in it', dir, 'it already holds sweep results');
  }
  if (!old && (jsonlBytes > 0 || csvRows > 0)) {
    // rows without their manifest cannot be checked against a spec: never recompute over them
    refuse(dir, `it holds ${jsonlBytes > 0 ? 'results.jsonl rows' : 'results.csv rows'} but no manifest.json (deleted?): restore the manifest, or move the results away`);
  }
  if (!hasResults && existsSync(dir) && readdirSync(dir).some((f) => !f.startsWith('.') && !f.startsWith('shard-'))) {
    log(`note: ${dir} holds other files; writing results beside them`);
  }
  const now = () => new Date().toISOString();
  let manifest: Manifest;
  let rows: Row[] = [];
  const running = new RowsHash();
  if (old) {
    if (old.specHash !== hash) {
      throw new InputError('spec', `the spec of the sweep in ${dir} (hash ${old.specHash.slice(0, 12)})`, hash.slice(0, 12), 'spec differs from the one being resumed');
    }
    if (old.range.start !== start || old.range.end !== end) {
      throw new InputError('shard', `the shard of the sweep in ${dir} (points ${old.range.start}..${old.range.end - 1})`, opts.shard ? `${opts.shard.index}/${opts.shard.count}` : 'none');
    }
    if (old.backend !== backend) {
      throw new InputError('backend', `${old.backend}, the backend the sweep in ${dir} was started with`, backend, 'resuming on another backend would mix backends in one result set');
    }
    const read = readRows(files.jsonl, false);
    rows = read.rows;
    verifyRows(c, old, rows);
    if (read.droppedBytes > 0) {
      readRows(files.jsonl, true); // truncate the partial last line only once the rest is verified
      log(`resume: dropped a partially written last line (${read.droppedBytes} bytes)`);
    }
    running.add(rows);
    // results.csv is regenerated from the complete rows (it may lag or lead results.jsonl by a batch).
    writeAtomic(files.csv, csvHeader(columns) + csvLines(columns, rows));
    manifest = { ...old, spec: manifestSpec(spec), resumes: old.resumes + (rows.length < end - start ? 1 : 0), pointsDone: rows.length, updatedAt: now() };
    // backends as the rows record them (a manifest write may have been skipped before a kill)
    manifest.backendsUsed = [...new Set([...old.backendsUsed, ...rows.map((r) => r['backend']).filter((b): b is string => typeof b === 'string' && b !== '')])].sort();
    if (rows.length < end - start) {
      manifest.status = 'running';
      manifest.finishedAt = null;
      manifest.checksum = null;
      log(`resume: ${rows.length} of ${end - start} points already done`);
    }
  } else {
    writeAtomic(files.jsonl, '');
    writeAtomic(files.csv, csvHeader(columns));
    manifest = {
      keyrate: version, specHash: hash, engine: spec.engine, quantity: spec.quantity, spec: manifestSpec(spec), backend,
      backendsUsed: [], columns, gridOrder: GRID_ORDER, gridSize: grid.size, shard: opts.shard ?? null,
      range: { start, end }, pointCount: end - start, pointsDone: 0, errors: 0, status: 'running',
      startedAt: now(), updatedAt: now(), finishedAt: null, resumes: 0, checksum: null, verified: null,
    };
  }
  manifest.errors = rows.filter((r) => r['error'] !== null && r['error'] !== undefined).length;
  manifest.verified = { rows: running.count, value: running.value() };
  const used = new Set(manifest.backendsUsed);
  const writeManifest = () => writeAtomic(files.manifest, jsonText(manifest));
  writeManifest();
  let lastWrite = Date.now();

  const resumedFrom = rows.length;
  const last = rows[rows.length - 1];
  let previous: { point: Point; outputs: Outputs } | null =
    last && (last['error'] === null || last['error'] === undefined) ? { point: grid.point(start + rows.length - 1), outputs: rowOutputs(ev, last) } : null;
  rows = []; // only the tail is needed from here on; the checksum re-reads the file at the end

  let pool: { run(task: SegmentTask): Promise<PointResult[]>; destroy(): Promise<void> } | undefined;
  if (opts.pool) pool = { ...opts.pool, destroy: async () => {} };
  else if (workers > 1) pool = await createSegmentPool(workers);
  let stopped = false;
  const batchSize = workers > 1 ? Math.max(spec.batch, workers * grid.blockLength) : spec.batch;
  const todo = end - start - resumedFrom;
  let done = 0;
  let firstError: string | undefined;
  let warned = todo <= LARGE_GRID;
  const t0 = Date.now();
  opts.onProgress?.(0, todo);
  try {
    for (let i0 = start + resumedFrom; i0 < end; ) {
      if (opts.signal?.aborted) {
        stopped = true;
        break;
      }
      const i1 = Math.min(end, i0 + batchSize);
      // Split the batch into segments at chain boundaries.
      const segments: number[][] = [];
      for (let i = i0; i < i1; i++) {
        if (i === i0 || !grid.continuesChain(i) || !warm) segments.push([i]);
        else segments[segments.length - 1]!.push(i);
      }
      const tasks = segments.map((idx, s): SegmentTask => ({
        engine: spec.engine, quantity: spec.quantity, backend, optimize: spec.optimize,
        points: idx.map((i) => grid.point(i)),
        chains: idx.map((i) => warm && grid.continuesChain(i)),
        previous: s === 0 ? previous : null,
      }));
      const results = await Promise.all(tasks.map(async (t) => {
        const r = pool ? await pool.run(t) : await evaluateSegment(t);
        done += r.length;
        opts.onProgress?.(done, todo);
        return r;
      }));
      const batchRows: Row[] = [];
      segments.forEach((idx, s) => idx.forEach((i, k) => {
        const r = results[s]![k]!;
        const values: Record<string, unknown> = { index: i, ...grid.point(i), ...r.outputs, error: r.error, backend: r.backend, ms: r.ms };
        batchRows.push(makeRow(columns, values));
        if (r.backend) used.add(r.backend);
        if (r.error !== null) {
          manifest.errors++;
          firstError ??= `index ${i}: ${r.error.split('\n')[0]}`;
        }
      }));
      appendDurable(files.jsonl, jsonlLines(batchRows));
      appendDurable(files.csv, csvLines(columns, batchRows));
      running.add(batchRows);
      lock.touch();
      const lastRow = batchRows[batchRows.length - 1]!;
      previous = lastRow['error'] === null ? { point: grid.point(i1 - 1), outputs: rowOutputs(ev, lastRow) } : null;
      manifest.pointsDone += batchRows.length;
      manifest.backendsUsed = [...used].sort();
      if (!warned) {
        warned = true;
        const perPoint = (Date.now() - t0) / done;
        const seconds = (perPoint * (todo - done)) / 1000;
        log(`warning: ${todo} points to evaluate (over ${LARGE_GRID}); at ${perPoint.toPrecision(3)} ms per point so far, expect about ${formatDuration(seconds)} more`);
      }
      if (Date.now() - lastWrite >= MANIFEST_INTERVAL_MS) {
        manifest.updatedAt = now();
        manifest.verified = { rows: running.count, value: running.value() };
        writeManifest();
        lastWrite = Date.now();
      }
      i0 = i1;
    }
  } finally {
    await pool?.destroy();
  }

  if (stopped) {
    manifest.updatedAt = now();
    manifest.verified = { rows: running.count, value: running.value() };
    writeManifest();
    return { dir, manifest, evaluated: done, resumedFrom, stopped, ...(firstError ? { firstError } : {}) };
  }
  if (manifest.status === 'running') {
    const all = readRows(files.jsonl).rows;
    if (all.length !== end - start) throw new Error(`${files.jsonl}: ${all.length} rows, expected ${end - start}`);
    manifest.status = manifest.errors > 0 ? 'failed' : 'complete';
    manifest.finishedAt = now();
    manifest.checksum = { algorithm: 'sha256', over: CHECKSUM_OVER, value: rowsChecksum(all) };
  }
  manifest.updatedAt = now();
  manifest.verified = { rows: running.count, value: running.value() };
  writeManifest();
  return { dir, manifest, evaluated: done, resumedFrom, ...(firstError ? { firstError } : {}) };
}

function formatDuration(s: number): string {
  if (!Number.isFinite(s)) return 'an unknown time';
  if (s < 120) return `${Math.round(s)} s`;
  if (s < 7200) return `${(s / 60).toFixed(0)} min`;
  if (s < 172800) return `${(s / 3600).toFixed(1)} h`;
  return `${(s / 86400).toFixed(1)} days`;
}

/**
 * Rows read back on resume must be the rows this sweep wrote: indices start, start+1, ...; the
 * manifest's columns; the grid point's axis and fixed values; and the checksum the manifest
 * recorded over its first `verified.rows` rows (all rows once complete). An edited, lost or
 * duplicated row is refused (InputError, exit code 2), never continued from.
 */
function verifyRows(c: RunContext, old: Manifest, rows: Row[]): void {
  const { dir, files, start, end, columns, grid } = c;
  if (rows.length > end - start) refuse(dir, `${files.jsonl} has ${rows.length} rows, more than the ${end - start} points of the sweep`);
  const cols = canonicalJson(columns);
  rows.forEach((r, k) => {
    if (r['index'] !== start + k) refuse(dir, `${files.jsonl}: row ${k + 1} has index ${String(r['index'])}, expected ${start + k} (duplicated or lost rows)`);
    if (canonicalJson(Object.keys(r)) !== cols) refuse(dir, `${files.jsonl}: row ${k + 1} (index ${start + k}) does not have the sweep's columns`);
    const p = grid.point(start + k);
    for (const [name, v] of Object.entries(p)) {
      if (canonicalJson(r[name]) !== canonicalJson(toJsonSafe(v))) refuse(dir, `${files.jsonl}: row ${k + 1} (index ${start + k}) has ${name} = ${JSON.stringify(r[name])}, the grid has ${JSON.stringify(v)} (edited row)`);
    }
  });
  const check = (n: number, want: string, what: string) => {
    if (rows.length < n) refuse(dir, `${files.jsonl} has ${rows.length} rows, the manifest recorded ${n} (lost rows)`);
    if (rowsChecksum(rows.slice(0, n)) !== want) refuse(dir, `${files.jsonl}: rows do not match the ${what} in manifest.json (edited or corrupted rows)`);
  };
  if (old.status !== 'running' && old.checksum) {
    if (rows.length !== end - start) refuse(dir, `the manifest says complete but ${files.jsonl} has ${rows.length} of ${end - start} rows`);
    check(rows.length, old.checksum.value, 'checksum');
  } else if (old.verified && old.verified.rows > 0) {
    check(old.verified.rows, old.verified.value, `checksum of the first ${old.verified.rows} rows`);
  }
}

/** Piscina pool running ./worker (the .ts source under tsx, the compiled .js from dist/): one
 *  segment per task (the sweep runner and the figures share it). */
export interface SegmentPool {
  run(task: SegmentTask): Promise<PointResult[]>;
  /** one amplified rate() input in a worker (the model's RateMany, src/models/amplified/model.ts) */
  amplifiedRate(input: Omit<RateInput, 'evaluator'>, backend: string): Promise<AmplifiedRate>;
  /** one local search of the amplified optimiser in a worker (the model's RunStartTasks) */
  amplifiedStart?(task: StartTask, backend: string): Promise<StartOutcome>;
  destroy(): Promise<void>;
}

/** True when the compiled worker (dist/sweep/worker.js) exists: worker threads of a TypeScript
 *  source run (tsx) cannot resolve the models' dynamic imports, so callers stay in one thread there. */
export function segmentPoolAvailable(): boolean {
  return existsSync(fileURLToPath(new URL('./worker.js', import.meta.url)));
}

export async function createSegmentPool(workers: number): Promise<SegmentPool> {
  const { Piscina } = await import('piscina');
  const js = new URL('./worker.js', import.meta.url);
  const filename = existsSync(fileURLToPath(js)) ? js.href : new URL('./worker.ts', import.meta.url).href;
  const pool = new Piscina({ filename, minThreads: workers, maxThreads: workers });
  return {
    run: (task: SegmentTask) => pool.run(task) as Promise<PointResult[]>,
    amplifiedRate: (input: Omit<RateInput, 'evaluator'>, backend: string) => pool.run({ input, backend }, { name: 'amplifiedRate' }) as Promise<AmplifiedRate>,
    amplifiedStart: (task: StartTask, backend: string) => pool.run({ task, backend }, { name: 'amplifiedStart' }) as Promise<StartOutcome>,
    destroy: () => pool.destroy(),
  };
}
