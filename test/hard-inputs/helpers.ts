/** Spawn the built CLI (node bin/keyrate.js; `npm test` builds it first) and check the bad-input policy. */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { expect } from 'vitest';

export const ROOT = resolve(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin/keyrate.js');
const ENV = { ...process.env, KEYRATE_TEST_EVALUATORS: '1' };

export interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Run `keyrate <args>` to completion (killed after timeoutMs). */
export function keyrate(args: string[], opts: { timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): Run {
  const t0 = Date.now();
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: ROOT,
    env: { ...ENV, ...opts.env },
    encoding: 'utf8',
    timeout: opts.timeoutMs ?? 60_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr, ms: Date.now() - t0 };
}

/** Start `keyrate <args>` without waiting (resolves with the finished run; killed after `timeoutMs`). */
export function keyrateAsync(args: string[], timeoutMs?: number, env?: NodeJS.ProcessEnv): Promise<Run> {
  const t0 = Date.now();
  const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: { ...ENV, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += String(d)));
  child.stderr.on('data', (d) => (stderr += String(d)));
  const timer = timeoutMs === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  return new Promise((res) => child.on('close', (code, signal) => {
    clearTimeout(timer);
    res({ code, signal, stdout, stderr, ms: Date.now() - t0 });
  }));
}

/** The project rule for bad input: exit code 2, one stderr line naming the parameter, no trace. */
export function expectBadInput(r: Run, param: string | RegExp, allowed?: RegExp): void {
  expect(r.signal, `killed: ${r.stderr}`).toBeNull();
  expect(r.code, r.stderr).toBe(2);
  const lines = r.stderr.trimEnd().split('\n');
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(typeof param === 'string' ? new RegExp(`^keyrate: invalid ${param.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: `) : param);
  expect(lines[0]).not.toMatch(/\bat .*\.js:\d+/);
  expect(lines[0]).not.toMatch(/allowed: Too (big|small)/);
  if (allowed) expect(lines[0]).toMatch(allowed);
}

export function tmp(prefix = 'keyrate-hard-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}
