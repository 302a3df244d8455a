/**
 * The sweep runner: spec -> grid -> (shard) -> batches -> segments (warm-start chains) ->
 * evaluator (main thread or Piscina workers) -> rows appended durably -> manifest.
 *
 * Resume: results.jsonl is the source of truth. A resumed run drops a partially written last line,
 * regenerates results.csv from the complete rows, seeds the next chain from the last row read back
 * and continues; the rows are identical to an uninterrupted run's except the timing column `ms`.
 */
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { InputError } from '../errors.js';
import { version } from '../version.js';
import { getEvaluator, type Evaluator, type Outputs, type Point } from './evaluators.js';
import { Grid, shardRange, type Shard } from './grid.js';
import {
  appendDurable, csvHeader, csvLines, filesIn, jsonlLines, makeRow, readJson, readRows, rowsChecksum, writeAtomic, type Row,
} from './output.js';
import { evaluateSegment, declaredOutputs, type PointResult, type SegmentTask } from './segment.js';
import { specHash, type SweepSpec } from './spec.js';
import { checkAmplifiedBackend } from '../backends/amplified-evaluator.js';

export const BACKENDS = ['auto', 'reference', 'wasm', 'webgpu', 'gpujs'] as const;

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
}

export interface Manifest {
  keyrate: string;
  specHash: string;
  engine: string;
  quantity: string;
  spec: Omit<SweepSpec, 'batch'>;
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
  status: 'running' | 'complete';
  startedAt: string;
  updatedAt: string;
  finishedAt: string | null;
  resumes: number;
  checksum: { algorithm: 'sha256'; over: string; value: string } | null;
}

export interface SweepSummary {
  dir: string;
  manifest: Manifest;
  /** Points evaluated by this invocation (0 when a resumed sweep was already complete). */
  evaluated: number;
  resumedFrom: number;
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
async function checkAvailable(ev: Evaluator, backend: string): Promise<void> {
  if (ev.engine === 'test') return;
  const mod = (ev.engine === 'leakage'
    ? await import('../models/leakage/index.js')
    : await import('../models/amplified/index.js')) as unknown as Record<string, unknown>;
  const fn = ev.quantity === 'worst-case' ? 'worstCase' : ev.quantity;
  if (typeof mod[fn] !== 'function') {
    throw new InputError('quantity', `an evaluator whose model is available`, `${ev.engine} ${ev.quantity}`, `src/models/${ev.engine} does not export ${fn}() yet`);
  }
  if (!(BACKENDS as readonly string[]).includes(backend)) throw new InputError('backend', BACKENDS.join(' | '), backend);
  if (ev.engine === 'amplified') checkAmplifiedBackend(backend);
}

function rowOutputs(ev: Evaluator, row: Row): Outputs {
  const values: Outputs = {};
  for (const c of ev.outputs) values[c] = row[c];
  return declaredOutputs(ev.outputs, values);
}

export async function runSweep(spec: SweepSpec, opts: SweepOptions): Promise<SweepSummary> {
  const ev = getEvaluator(spec.engine, spec.quantity);
  const backend = opts.backend ?? 'auto';
  if (!(BACKENDS as readonly string[]).includes(backend)) throw new InputError('backend', BACKENDS.join(' | '), backend);
  const workers = opts.workers ?? 1;
  if (!(Number.isInteger(workers) && workers >= 1 && workers <= 256)) throw new InputError('workers', 'integer in [1, 256]', workers);
  const log = opts.log ?? (() => {});

  const warm = spec.warmStart && typeof ev.warmStart === 'function';
  const grid = new Grid(spec, warm);
  const { start, end } = opts.shard ? shardRange(grid, opts.shard) : { start: 0, end: grid.size };
  if (opts.shard && start === end) {
    log(`shard ${opts.shard.index}/${opts.shard.count} is empty: the grid has ${grid.blockCount} warm-start blocks (lower N, or set \`chain\` in the spec)`);
  }
  // Cross-parameter checks over the whole range before any evaluation.
  if (ev.validatePoint) for (let i = start; i < end; i++) ev.validatePoint(grid.point(i));
  await checkAvailable(ev, backend);
  const dir = opts.shard ? join(opts.out, shardDirName(opts.shard)) : opts.out;
  const files = filesIn(dir);
  const columns = columnsFor(spec, ev);
  const hash = specHash(spec);

  mkdirSync(dir, { recursive: true });
  const old = readJson<Manifest>(files.manifest);
  const hasResults = existsSync(files.jsonl) || existsSync(files.csv) || old !== undefined;
  if (hasResults && !opts.resume) {
    throw new InputError('out', 'a new or empty directory, or --resume to continue the sweep in it', dir, 'it already holds sweep results');
  }
  if (!hasResults && existsSync(dir) && readdirSync(dir).some((f) => !f.startsWith('.') && !f.startsWith('shard-'))) {
    log(`note: ${dir} holds other files; writing results beside them`);
  }
  const now = () => new Date().toISOString();
  const { spec: specNoBatch } = { spec: (({ batch: _b, ...rest }) => rest)(spec) };
  let manifest: Manifest;
  let rows: Row[] = [];
  if (old) {
    if (old.specHash !== hash) {
      throw new InputError('spec', `the spec of the sweep in ${dir} (hash ${old.specHash.slice(0, 12)})`, hash.slice(0, 12), 'spec differs from the one being resumed');
    }
    if (old.range.start !== start || old.range.end !== end) {
      throw new InputError('shard', `the shard of the sweep in ${dir} (points ${old.range.start}..${old.range.end - 1})`, opts.shard ? `${opts.shard.index}/${opts.shard.count}` : 'none');
    }
    const read = readRows(files.jsonl, true);
    if (read.droppedBytes > 0) log(`resume: dropped a partially written last line (${read.droppedBytes} bytes)`);
    rows = read.rows;
    rows.forEach((r, k) => {
      if (r['index'] !== start + k) throw new Error(`${files.jsonl}: row ${k} has index ${String(r['index'])}, expected ${start + k} (duplicated or lost rows)`);
    });
    if (rows.length > end - start) throw new Error(`${files.jsonl}: more rows than the shard has points`);
    // results.csv is regenerated from the complete rows (it may lag or lead results.jsonl by a batch).
    writeAtomic(files.csv, csvHeader(columns) + csvLines(columns, rows));
    manifest = { ...old, resumes: old.resumes + (rows.length < end - start ? 1 : 0), pointsDone: rows.length, updatedAt: now() };
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
      keyrate: version, specHash: hash, engine: spec.engine, quantity: spec.quantity, spec: specNoBatch, backend,
      backendsUsed: [], columns, gridOrder: GRID_ORDER, gridSize: grid.size, shard: opts.shard ?? null,
      range: { start, end }, pointCount: end - start, pointsDone: 0, errors: 0, status: 'running',
      startedAt: now(), updatedAt: now(), finishedAt: null, resumes: 0, checksum: null,
    };
  }
  manifest.errors = rows.filter((r) => r['error'] !== null && r['error'] !== undefined).length;
  const used = new Set(manifest.backendsUsed);
  writeAtomic(files.manifest, JSON.stringify(manifest, null, 2) + '\n');

  const resumedFrom = rows.length;
  const last = rows[rows.length - 1];
  let previous: { point: Point; outputs: Outputs } | null =
    last && (last['error'] === null || last['error'] === undefined) ? { point: grid.point(start + rows.length - 1), outputs: rowOutputs(ev, last) } : null;
  rows = []; // only the tail is needed from here on; the checksum re-reads the file at the end

  let pool: { run(task: SegmentTask): Promise<PointResult[]>; destroy(): Promise<void> } | undefined;
  if (workers > 1) pool = await createPool(workers);
  const batchSize = workers > 1 ? Math.max(spec.batch, workers * grid.blockLength) : spec.batch;
  const todo = end - start - resumedFrom;
  let done = 0;
  opts.onProgress?.(0, todo);
  try {
    for (let i0 = start + resumedFrom; i0 < end; ) {
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
        if (r.error !== null) manifest.errors++;
      }));
      appendDurable(files.jsonl, jsonlLines(batchRows));
      appendDurable(files.csv, csvLines(columns, batchRows));
      const lastRow = batchRows[batchRows.length - 1]!;
      previous = lastRow['error'] === null ? { point: grid.point(i1 - 1), outputs: rowOutputs(ev, lastRow) } : null;
      manifest.pointsDone += batchRows.length;
      manifest.backendsUsed = [...used].sort();
      manifest.updatedAt = now();
      writeAtomic(files.manifest, JSON.stringify(manifest, null, 2) + '\n');
      i0 = i1;
    }
  } finally {
    await pool?.destroy();
  }

  if (manifest.status !== 'complete') {
    const all = readRows(files.jsonl).rows;
    if (all.length !== end - start) throw new Error(`${files.jsonl}: ${all.length} rows, expected ${end - start}`);
    manifest.status = 'complete';
    manifest.finishedAt = now();
    manifest.updatedAt = manifest.finishedAt;
    manifest.checksum = { algorithm: 'sha256', over: CHECKSUM_OVER, value: rowsChecksum(all) };
    writeAtomic(files.manifest, JSON.stringify(manifest, null, 2) + '\n');
  }
  return { dir, manifest, evaluated: done, resumedFrom };
}

/** Piscina pool running ./worker (the .ts source under tsx, the compiled .js from dist/). */
async function createPool(workers: number) {
  const { Piscina } = await import('piscina');
  const js = new URL('./worker.js', import.meta.url);
  const filename = existsSync(fileURLToPath(js)) ? js.href : new URL('./worker.ts', import.meta.url).href;
  const pool = new Piscina({ filename, minThreads: workers, maxThreads: workers });
  return {
    run: (task: SegmentTask) => pool.run(task) as Promise<PointResult[]>,
    destroy: () => pool.destroy(),
  };
}
