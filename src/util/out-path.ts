/**
 * Output paths (`--out`): checked before anything is created, so a bad path is one InputError
 * (exit code 2) instead of a half-made directory tree, a stray temp file or a file-system trace.
 * `ensureDir` creates missing directories one component at a time (Node 20's recursive mkdirSync
 * spins forever on some virtual file systems, e.g. /proc/x).
 */
import { accessSync, constants, existsSync, mkdirSync, realpathSync, statSync } from 'node:fs';
import { dirname, resolve, sep } from 'node:path';
import { InputError } from '../errors.js';

/** Kernel / device file systems that never hold results. */
const VIRTUAL_ROOTS = ['/proc', '/sys', '/dev'];

const under = (p: string, root: string): boolean => p === root || p.startsWith(root + sep);

function errCode(e: unknown): string {
  return (e as NodeJS.ErrnoException)?.code ?? (e as Error)?.message ?? String(e);
}

/** Nearest existing ancestor of `abs` (abs itself when it exists). */
function nearestExisting(abs: string): string {
  let p = abs;
  while (!existsSync(p)) {
    const up = dirname(p);
    if (up === p) break;
    p = up;
  }
  return p;
}

/**
 * Check that `path` can take our output: `dir` = a directory (existing, or creatable under a
 * writable directory); `file` = a file (not a directory) in such a directory. Returns the
 * absolute path. Throws InputError(param, ...) naming the problem.
 */
export function checkOutPath(param: string, path: string | undefined, kind: 'file' | 'dir'): string {
  const allowed =
    kind === 'dir'
      ? 'a writable directory path (existing or to be created; not a file, not under /proc, /sys or /dev)'
      : 'a writable file path (not a directory; its directory existing or to be created; not under /proc, /sys or /dev)';
  if (typeof path !== 'string' || path.trim() === '') throw new InputError(param, allowed, path ?? '', 'empty path');
  if (path.includes('\0')) throw new InputError(param, allowed, path, 'NUL byte in path');
  const abs = resolve(path);
  const existing = nearestExisting(abs);
  let real = existing;
  try {
    real = realpathSync(existing);
  } catch {
    /* keep the unresolved path */
  }
  for (const root of VIRTUAL_ROOTS) {
    if (under(abs, root) || under(real, root)) throw new InputError(param, allowed, path, `${root} is a virtual file system`);
  }
  let st;
  try {
    st = statSync(existing);
  } catch (e) {
    throw new InputError(param, allowed, path, `${existing}: ${errCode(e)}`);
  }
  if (existing === abs) {
    if (kind === 'dir' && !st.isDirectory()) throw new InputError(param, allowed, path, `${abs} exists and is not a directory`);
    if (kind === 'file' && st.isDirectory()) throw new InputError(param, allowed, path, `${abs} is a directory`);
    if (kind === 'file' && !st.isFile()) throw new InputError(param, allowed, path, `${abs} exists and is not a regular file`);
  } else if (!st.isDirectory()) {
    throw new InputError(param, allowed, path, `${existing} is not a directory`);
  }
  // the directory we will create entries in (for a file: its parent, or the nearest existing ancestor)
  const dirToWrite = existing === abs ? (kind === 'dir' ? abs : dirname(abs)) : existing;
  try {
    accessSync(dirToWrite, constants.W_OK | constants.X_OK);
    if (existing === abs && kind === 'file') accessSync(abs, constants.W_OK);
  } catch (e) {
    throw new InputError(param, allowed, path, `${dirToWrite}: not writable (${errCode(e)})`);
  }
  return abs;
}

/** mkdir -p without recursion into Node's recursive mkdir: each missing component in turn. */
export function ensureDir(path: string): void {
  const abs = resolve(path);
  const missing: string[] = [];
  let p = abs;
  while (!existsSync(p)) {
    missing.push(p);
    const up = dirname(p);
    if (up === p) break;
    p = up;
  }
  if (!statSync(p).isDirectory()) {
    throw Object.assign(new Error(`ENOTDIR: not a directory, mkdir '${abs}' (${p} is not a directory)`), { code: 'ENOTDIR', path: p, syscall: 'mkdir' });
  }
  for (const dir of missing.reverse()) {
    try {
      mkdirSync(dir);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST' && statSync(dir).isDirectory()) continue; // a concurrent mkdir
      throw e;
    }
  }
}
