/** Start the built CLI's `keyrate serve` (node bin/keyrate.js; `npm test` builds it first) on a free port. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../hard-inputs/helpers.js';

export { ROOT };
export const BIN = join(ROOT, 'bin/keyrate.js');
export const ENV = { ...process.env, KEYRATE_TEST_EVALUATORS: '1' };

export interface Server {
  url: string;
  child: ChildProcess;
  stderr: () => string;
  /** resolves with the exit code / signal once the process is gone */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number }>;
  /** SIGTERM, then SIGKILL after `ms` */
  stop: (ms?: number) => Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number }>;
}

export function tmp(prefix = 'keyrate-serve-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** `keyrate serve --port 0 ...args`; resolves once it prints its address. */
export function startServer(args: string[] = [], startMs = 30_000): Promise<Server> {
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', ...args], { cwd: ROOT, env: ENV, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  let killedAt = 0;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number }>((res) =>
    child.on('exit', (code, signal) => res({ code, signal, ms: killedAt ? Date.now() - killedAt : 0 })),
  );
  child.stderr!.on('data', (d) => (err += String(d)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`server did not start in ${startMs} ms: ${err}`));
    }, startMs);
    void exited.then((e) => {
      clearTimeout(timer);
      reject(new Error(`server exited before listening (${e.code ?? e.signal}): ${err}`));
    });
    child.stdout!.on('data', (d) => {
      out += String(d);
      const m = /listening on (http:\/\/\S+)\n/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({
          url: m[1]!,
          child,
          stderr: () => err,
          exited,
          stop: async (ms = 20_000) => {
            if (child.exitCode === null && child.signalCode === null) {
              killedAt = Date.now();
              child.kill('SIGTERM');
              const t = setTimeout(() => child.kill('SIGKILL'), ms);
              const r = await exited;
              clearTimeout(t);
              return r;
            }
            return exited;
          },
        });
      }
    });
  });
}

export interface Res {
  status: number;
  type: string;
  headers: Headers;
  text: string;
  json: any;
}

/** fetch + read the body (JSON parsed when it is JSON); 30 s bound. */
export async function req(url: string, init: RequestInit & { body?: any; timeoutMs?: number } = {}): Promise<Res> {
  const { timeoutMs, ...rest } = init;
  const body = rest.body === undefined || typeof rest.body === 'string' ? rest.body : JSON.stringify(rest.body);
  const headers = new Headers(rest.headers);
  if (body !== undefined && !headers.has('content-type')) headers.set('content-type', 'application/json');
  const r = await fetch(url, { ...rest, body, headers, signal: rest.signal ?? AbortSignal.timeout(timeoutMs ?? 30_000) });
  const text = await r.text();
  const type = r.headers.get('content-type') ?? '';
  let json: unknown;
  if (/^application\/(problem\+)?json/.test(type)) json = JSON.parse(text);
  return { status: r.status, type, headers: r.headers, text, json };
}

export const post = (url: string, body: unknown, init: RequestInit & { timeoutMs?: number } = {}) => req(url, { ...init, method: 'POST', body: body as any });

/** Cheap valid bodies of every compute route. */
export const CHEAP: Record<string, Record<string, unknown>> = {
  'leakage.threshold': { dim: 2, parties: 2, leakage: 0.1, zeroCrossing: false },
  'leakage.rate': { dim: 2, parties: 2, leakage: 0.1, visibility: 0.9 },
  'leakage.curve': { dim: 2, parties: 2, leakages: [0.1], visibilities: [0.9] },
  'leakage.repeaters': { visibilities: [0.95], leakage: 0.1, maxRepeaters: 1 },
  'amplified.rate': { encoding: 'phase', distance: 1000, eveAt: 500, leak: 0.01, photons: [100], windows: [5, 15] },
  'amplified.worst-case': { encoding: 'phase', distance: 1000, leak: 0.01, gridPoints: 3, refine: false },
  'amplified.curve': { encoding: 'phase', distance: 1000, eveAt: 500, leaks: [0.01] },
  'amplified.batch': { encoding: 'phase', points: [{ distance: 1000, eveAt: 500, leak: 0.01, photons: [100], windows: [5, 15] }] },
  'amplified.correlation': { distance: 1000, eveAt: 500, leak: 0.01, photons: 100 },
  'amplified.precision': { distance: 1000, photons: 1e14 },
  'amplified.plob': { distance: 100 },
  'amplified.natural-losses': { lengths: [0.001] },
};

export const pathOf = (m: string) => '/v1/' + m.replace('.', '/');

/** A slow request (~1 s per 60 visibilities on one thread). */
export const slowCurve = (n: number) => ({ dim: 2, parties: 2, leakages: [0.1], visibilities: Array.from({ length: n }, (_, i) => 0.4 + (0.6 * i) / n) });

export async function waitFor<T>(f: () => Promise<T | undefined>, ms: number, what: string): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const v = await f();
    if (v !== undefined) return v;
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
