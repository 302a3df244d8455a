/**
 * Result files of a sweep directory and their durability rules:
 *   results.jsonl  one JSON object per grid point (the source of truth for resume)
 *   results.csv    the same rows as CSV (regenerated from results.jsonl on resume)
 *   manifest.json  written atomically (temp file + fsync + rename + directory fsync)
 * Rows are appended one batch at a time with a single write and an fsync per file.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { csvOfObjects, csvText, jsonlText, toJsonSafe, truncateDurable } from '../util/outputs.js';
import { canonicalJson } from './spec.js';
import { InputError } from '../errors.js';

export const FILES = { jsonl: 'results.jsonl', csv: 'results.csv', manifest: 'manifest.json' } as const;
/** Columns that measure time, not results: excluded from the checksum and from comparisons. */
export const TIMING_COLUMNS = ['ms'] as const;

export type Row = Record<string, unknown>;

export { toJsonSafe };

/** Build a row with exactly `columns` as keys, in order (missing values -> null). */
export function makeRow(columns: readonly string[], values: Record<string, unknown>): Row {
  const row: Row = {};
  for (const c of columns) row[c] = toJsonSafe(values[c]);
  return row;
}

export function csvHeader(columns: readonly string[]): string {
  return csvText(columns, []);
}

export function csvLines(columns: readonly string[], rows: Row[]): string {
  return rows.length === 0 ? '' : csvOfObjects(columns, rows, { header: false });
}

export function jsonlLines(rows: Row[]): string {
  return jsonlText(rows);
}

export { writeAtomic, appendDurable } from '../util/outputs.js';


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
  if (repair && droppedBytes > 0) truncateDurable(path, keep);
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
