/**
 * One writer per sweep directory: `DIR/.keyrate.lock` (created with O_EXCL) holds the owner's pid,
 * hostname and start time. A second sweep into the same directory is refused at once.
 * Stale locks (left by SIGKILL, a crash, a lost node) are taken over:
 *   - same host: the owner pid is no longer alive;
 *   - another host (shared file system): the lock has not been refreshed for LOCK_STALE_MS (the
 *     owner touches it every LOCK_REFRESH_MS and after every batch).
 */
import { closeSync, openSync, readFileSync, statSync, unlinkSync, utimesSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../errors.js';

export const LOCK_FILE = '.keyrate.lock';
export const LOCK_REFRESH_MS = 30_000;
export const LOCK_STALE_MS = 15 * 60_000;

interface LockInfo {
  pid: number;
  hostname: string;
  startedAt: string;
}

export interface DirLock {
  readonly path: string;
  /** Refresh the lock's mtime (heartbeat for other hosts). */
  touch(): void;
  release(): void;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'; // exists, owned by someone else
  }
}

function readLock(path: string): { info?: LockInfo; ageMs: number } | undefined {
  let text: string;
  let mtime: number;
  try {
    text = readFileSync(path, 'utf8');
    mtime = statSync(path).mtimeMs;
  } catch {
    return undefined; // vanished meanwhile
  }
  let info: LockInfo | undefined;
  try {
    const j = JSON.parse(text) as Partial<LockInfo>;
    if (typeof j.pid === 'number' && typeof j.hostname === 'string') info = { pid: j.pid, hostname: j.hostname, startedAt: String(j.startedAt ?? '?') };
  } catch {
    /* half-written lock */
  }
  return { info, ageMs: Date.now() - mtime };
}

/** Take the lock of `dir` (which must exist) or throw InputError('out', ...) naming the owner. */
export function lockDir(dir: string): DirLock {
  const path = join(dir, LOCK_FILE);
  const me: LockInfo = { pid: process.pid, hostname: hostname(), startedAt: new Date().toISOString() };
  for (let attempt = 0; attempt < 3; attempt++) {
    let fd: number | undefined;
    try {
      fd = openSync(path, 'wx');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    if (fd !== undefined) {
      try {
        writeSync(fd, JSON.stringify(me) + '\n');
      } finally {
        closeSync(fd);
      }
      return handle(path, me);
    }
    const held = readLock(path);
    if (!held) continue; // released meanwhile: try again
    const { info, ageMs } = held;
    const stale = info
      ? info.hostname === me.hostname
        ? !alive(info.pid)
        : ageMs > LOCK_STALE_MS
      : ageMs > 60_000; // unreadable and old: a crash between create and write
    if (!stale) {
      const who = info ? `pid ${info.pid} on ${info.hostname} since ${info.startedAt}` : 'a process that is still starting';
      throw new InputError('out', 'a sweep directory no other keyrate process is writing', dir, `locked by ${who} (${path}; remove it only if that process is gone)`);
    }
    try {
      unlinkSync(path);
    } catch {
      /* someone else took it over first: retry decides */
    }
  }
  throw new InputError('out', 'a sweep directory no other keyrate process is writing', dir, `could not take ${path}`);
}

function handle(path: string, me: LockInfo): DirLock {
  let released = false;
  const touch = () => {
    if (released) return;
    try {
      const t = new Date();
      utimesSync(path, t, t);
    } catch {
      /* best effort */
    }
  };
  const timer = setInterval(touch, LOCK_REFRESH_MS);
  timer.unref();
  return {
    path,
    touch,
    release() {
      if (released) return;
      released = true;
      clearInterval(timer);
      try {
        const now = readLock(path);
        if (now?.info && now.info.pid === me.pid && now.info.hostname === me.hostname) unlinkSync(path);
      } catch {
        /* already gone */
      }
    },
  };
}
