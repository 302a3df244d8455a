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
