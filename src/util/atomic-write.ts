/** Durable whole-file writes: nothing half-written is ever visible at the target path. */
import { closeSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { ensureDir } from './out-path.js';

/** fsync a directory so a rename inside it survives a crash (best effort). */
export function fsyncDir(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Some platforms cannot open directories; the rename itself is still atomic.
  }
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
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
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
        fsyncSync(fd);
        open = false;
        closeSync(fd);
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
