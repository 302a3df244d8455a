/** Shared helpers of the sweep tests: run the CLI in a child process, read result files. */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../..');
const ENTRY = join(ROOT, 'test/sweep/cli-entry.ts');
export const ENV = { ...process.env, KEYRATE_TEST_EVALUATORS: '1' };

export function tmp(prefix = 'keyrate-sweep-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Run `keyrate <args>` (sweep/merge/figures) to completion in a child process. */
export function cli(args: string[], env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', ENTRY, ...args], { cwd: ROOT, env: { ...ENV, ...env }, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Start `keyrate <args>` in a child process (to be killed). */
export function cliSpawn(args: string[]): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', ENTRY, ...args], { cwd: ROOT, env: ENV, stdio: ['ignore', 'pipe', 'pipe'] });
}

export function read(path: string): string {
  return readFileSync(path, 'utf8');
}

/** results.csv without its last column (ms, the only timing column). */
export function csvWithoutMs(path: string): string {
  return read(path)
    .split('\n')
    .map((l) => l.replace(/,[^,]*$/, ''))
    .join('\n');
}
