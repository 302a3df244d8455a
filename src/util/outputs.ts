/**
 * The one outputs module every command writes through: CSV, JSON lines and JSON text (one cell
 * rule, one JSON-safe rule), and durable writes (whole files atomically: temp file, fsync, rename,
 * directory fsync; appends with one write and an fsync). Nothing half-written is ever visible at a
 * target path.
 */
import { closeSync, fsyncSync, ftruncateSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { ensureDir } from './out-path.js';

// ---------------------------------------------------------------------------------------------
// text formats

/** Make a value JSON-safe and exactly round-trippable: non-finite numbers become strings, -0 is 0,
 *  typed arrays arrays, undefined null (functions and undefined object fields are dropped). */
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

/** The CSV cell of a value: empty for null/undefined, strings as they are, numbers and booleans
 *  as String() of their JSON-safe form, anything else as JSON. */
export function csvCell(v: unknown): string {
  const s = toJsonSafe(v);
  if (s === null) return '';
  if (typeof s === 'string') return s;
  if (typeof s === 'number' || typeof s === 'boolean') return String(s);
  return JSON.stringify(s);
}

/** CSV text ('\n' records, final newline): optional `# comment` line, optional header, rows of cells. */
export function csvText(columns: readonly string[], rows: readonly (readonly unknown[])[], opts: { header?: boolean; comment?: string } = {}): string {
  const records = rows.map((r) => r.map(csvCell));
  if (opts.header !== false) records.unshift([...columns]);
  const body = records.length ? stringify(records, { eof: true, record_delimiter: 'unix' }) : '';
  return (opts.comment !== undefined ? `# ${opts.comment}\n` : '') + body;
}

/** CSV of objects: one record per object, cells in `columns` order. */
export function csvOfObjects(columns: readonly string[], rows: readonly Readonly<Record<string, unknown>>[], opts: { header?: boolean; comment?: string } = {}): string {
  return csvText(columns, rows.map((r) => columns.map((c) => r[c])), opts);
}

/** JSON lines: one compact JSON document per value. */
export function jsonlText(values: readonly unknown[]): string {
  return values.map((v) => JSON.stringify(v) + '\n').join('');
}

/** One pretty JSON document with a final newline (manifests, indexes, --json output). */
export function jsonText(value: unknown): string {
  return JSON.stringify(value, null, 2) + '\n';
}

// ---------------------------------------------------------------------------------------------
// durable writes

/** fsync an open file descriptor, then close it (the close happens even when fsync throws). */
function syncClose(fd: number): void {
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** fsync a directory so a rename inside it survives a crash (best effort). */
export function fsyncDir(dir: string): void {
  try {
    syncClose(openSync(dir, 'r'));
  } catch {
    // Some platforms cannot open directories; the rename itself is still atomic.
  }
}

/** Open `path`, run `op` on the descriptor, fsync and close (close without fsync if `op` throws). */
function durably(path: string, flags: string, op: (fd: number) => void): void {
  const fd = openSync(path, flags);
  try {
    op(fd);
  } catch (e) {
    closeSync(fd);
    throw e;
  }
  syncClose(fd);
}

/** Append text and fsync (one write call). */
export function appendDurable(path: string, text: string): void {
  if (text.length === 0) return;
  durably(path, 'a', (fd) => writeSync(fd, text));
}

/** Truncate a file to `bytes` and fsync. */
export function truncateDurable(path: string, bytes: number): void {
  durably(path, 'r+', (fd) => ftruncateSync(fd, bytes));
}

/** Write a whole file atomically: parent directories created, temp file in the same directory,
 *  fsync, rename over the target, fsync the directory. */
export function writeAtomic(path: string, text: string): void {
  const abs = resolve(path);
  ensureDir(dirname(abs));
  const tmp = `${abs}.tmp-${process.pid}`;
  const fd = openSync(tmp, 'w');
  try {
    try {
      writeSync(fd, text);
    } catch (e) {
      closeSync(fd);
      throw e;
    }
    syncClose(fd);
    renameSync(tmp, abs);
  } catch (e) {
    // never leave the temp file behind (e.g. the target is a directory: EISDIR)
    try {
      unlinkSync(tmp);
    } catch {
      /* already gone */
    }
    throw e;
  }
  fsyncDir(dirname(abs));
}

/** A whole file written piece by piece with writeAtomic's protocol (temp file in the same
 *  directory, fsync, rename, fsync the directory): for outputs too large for one string. Nothing
 *  is visible at the target before `commit()`; `abort()` removes the temp file. */
export interface AtomicWriter {
  write(text: string): void;
  commit(): void;
  abort(): void;
}

export function openAtomic(path: string): AtomicWriter {
  const abs = resolve(path);
  ensureDir(dirname(abs));
  const tmp = `${abs}.tmp-${process.pid}`;
  const fd = openSync(tmp, 'w');
  let open = true;
  const abort = (): void => {
    if (open) {
      open = false;
      try {
        closeSync(fd);
      } catch {
        /* already closed */
      }
    }
    try {
      unlinkSync(tmp);
    } catch {
      /* already gone */
    }
  };
  return {
    write(text) {
      try {
        writeSync(fd, text);
      } catch (e) {
        abort();
        throw e;
      }
    },
    commit() {
      try {
        open = false;
        syncClose(fd);
        renameSync(tmp, abs);
      } catch (e) {
        abort();
        throw e;
      }
      fsyncDir(dirname(abs));
    },
    abort,
  };
}
