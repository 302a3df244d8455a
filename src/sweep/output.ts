/**
 * Result files of a sweep directory and their durability rules:
 *   results.jsonl  one JSON object per grid point (the source of truth for resume)
 *   results.csv    the same rows as CSV (regenerated from results.jsonl on resume)
 *   manifest.json  written atomically (temp file + fsync + rename + directory fsync)
 * Rows are appended one batch at a time with a single write and an fsync per file.
 */
import { createHash } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, ftruncateSync, openSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { canonicalJson } from './spec.js';
import { InputError } from '../errors.js';

export const FILES = { jsonl: 'results.jsonl', csv: 'results.csv', manifest: 'manifest.json' } as const;
/** Columns that measure time, not results: excluded from the checksum and from comparisons. */
export const TIMING_COLUMNS = ['ms'] as const;

export type Row = Record<string, unknown>;

/** Make a value JSON-safe and exactly round-trippable: non-finite numbers become strings, typed arrays arrays. */
export function toJsonSafe(v: unknown): unknown {
  if (typeof v === 'number') return Number.isFinite(v) ? (Object.is(v, -0) ? 0 : v) : String(v);
  if (v === undefined) return null;
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'bigint') return v.toString();
  if (ArrayBuffer.isView(v)) return Array.from(v as unknown as ArrayLike<number>, (x) => toJsonSafe(x));
  if (Array.isArray(v)) return v.map(toJsonSafe);
  if (typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) if (x !== undefined && typeof x !== 'function') out[k] = toJsonSafe(x);
    return out;
  }
  return String(v);
}

/** Build a row with exactly `columns` as keys, in order (missing values -> null). */
export function makeRow(columns: readonly string[], values: Record<string, unknown>): Row {
  const row: Row = {};
  for (const c of columns) row[c] = toJsonSafe(values[c]);
  return row;
}

function cell(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

export function csvHeader(columns: readonly string[]): string {
  return stringify([columns as string[]], { eof: true, record_delimiter: 'unix' });
}

export function csvLines(columns: readonly string[], rows: Row[]): string {
  if (rows.length === 0) return '';
  return stringify(rows.map((r) => columns.map((c) => cell(r[c]))), { eof: true, record_delimiter: 'unix' });
}

export function jsonlLines(rows: Row[]): string {
  return rows.map((r) => JSON.stringify(r) + '\n').join('');
}

/** Append text and fsync (one write call per batch). */
export function appendDurable(path: string, text: string): void {
  if (text.length === 0) return;
  const fd = openSync(path, 'a');
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

export { writeAtomic } from '../util/atomic-write.js';

/**
 * Read the complete rows of a results.jsonl. A last line without its newline (a write cut short
 * by a kill) is dropped and, when `repair` is set, truncated away. A complete line that does not
 * parse is corruption, not interruption: it throws.
 */
export function readRows(path: string, repair = false, param = 'out'): { rows: Row[]; droppedBytes: number } {
  if (!existsSync(path)) return { rows: [], droppedBytes: 0 };
  const buf = readFileSync(path);
  const lastNl = buf.lastIndexOf(0x0a);
  const keep = lastNl + 1;
  const text = buf.subarray(0, keep).toString('utf8');
  const rows: Row[] = [];
  let lineNo = 0;
  for (const line of text.split('\n')) {
    lineNo++;
    if (line === '') continue;
    let row: unknown;
    try {
      row = JSON.parse(line);
    } catch {
      throw new InputError(param, 'a sweep directory whose results.jsonl is intact', path, `line ${lineNo} is not valid JSON (corrupted results; not an interrupted write)`);
    }
    if (typeof row !== 'object' || row === null || Array.isArray(row)) {
      throw new InputError(param, 'a sweep directory whose results.jsonl is intact', path, `line ${lineNo} is not a JSON object (corrupted results)`);
    }
    rows.push(row as Row);
  }
  const droppedBytes = buf.length - keep;
  if (repair && droppedBytes > 0) {
    const fd = openSync(path, 'r+');
    try {
      ftruncateSync(fd, keep);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }
  return { rows, droppedBytes };
}

/** A row without its timing columns (what results are compared and checksummed on). */
export function withoutTiming(row: Row): Row {
  const r: Row = { ...row };
  for (const c of TIMING_COLUMNS) delete r[c];
  return r;
}

/** sha256 over the rows in index order, each as canonical JSON without timing columns, '\n'-terminated. */
export function rowsChecksum(rows: Row[]): string {
  return new RowsHash().add(rows).value();
}

/** rowsChecksum computed incrementally (value() after each batch gives the checksum of the rows so far). */
export class RowsHash {
  private readonly h = createHash('sha256');
  count = 0;
  add(rows: Row[]): this {
    for (const r of rows) this.h.update(canonicalJson(withoutTiming(r)) + '\n');
    this.count += rows.length;
    return this;
  }
  value(): string {
    return this.h.copy().digest('hex');
  }
}

/** Parse a JSON file; a file that is not valid JSON is an InputError naming `param` (exit code 2). */
export function readJson<T>(path: string, param = 'out'): T | undefined {
  if (!existsSync(path)) return undefined;
  const text = readFileSync(path, 'utf8');
  try {
    return JSON.parse(text) as T;
  } catch (e) {
    throw new InputError(param, 'a sweep directory whose manifest.json is intact', path, `not valid JSON (${(e as Error).message.split('\n')[0]}): restore it or start in a new directory`);
  }
}

export function filesIn(dir: string) {
  return { jsonl: join(dir, FILES.jsonl), csv: join(dir, FILES.csv), manifest: join(dir, FILES.manifest) };
}
