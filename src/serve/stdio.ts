/**
 * `keyrate serve --stdio`: JSON-RPC 2.0, one message per line on stdin, one per line on stdout
 * (nothing else is written to stdout; logs go to stderr). Methods: the compute methods by name
 * ('leakage.rate', 'amplified.batch', ...; params = the HTTP body), 'health', 'openapi',
 * 'sweep.start' {spec, backend?}, 'sweep.status' {id}, 'sweep.list', 'sweep.results' {id,
 * format?: 'rows' | 'csv'}, 'sweep.cancel' {id}, 'cancel' {id: request id}. Notifications from the
 * server: 'progress' {id, done, total} for a running request, 'sweep.progress' {id, done, total},
 * 'sweep.state' {id, status}. Errors: -32700 parse, -32600 invalid request, -32601 unknown method,
 * -32602 invalid params (data: the RFC 9457 problem, naming param and allowed), -32000 server
 * errors (data.status: the HTTP status the same error has), -32603 internal.
 */
import { existsSync, readFileSync } from 'node:fs';
import { InputError } from '../errors.js';
import { buildOpenApi } from './openapi.js';
import { problemOf } from './problem.js';
import { COMPUTE_METHODS, type ComputeMethod } from './schemas.js';
import type { Service } from './service.js';

type Id = string | number | null;

interface StdioOptions {
  maxLine: number;
  input?: NodeJS.ReadableStream;
  write?: (line: string) => void;
  log?: (line: string) => void;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Serve JSON-RPC until the input ends; resolves once every request has been answered. */
export function serveStdio(service: Service, opts: StdioOptions): Promise<void> {
  const input = opts.input ?? process.stdin;
  const write = opts.write ?? ((line: string) => void process.stdout.write(line));
  const send = (msg: unknown) => write(JSON.stringify(msg) + '\n');
  const inflight = new Map<string, AbortController>();
  const pending = new Set<Promise<void>>();

  service.jobs.events.onProgress = throttle((id, done, total) => send({ jsonrpc: '2.0', method: 'sweep.progress', params: { id, done, total } }));
  service.jobs.events.onState = (id, status) => send({ jsonrpc: '2.0', method: 'sweep.state', params: { id, status } });

  const errorTo = (out: (m: unknown) => void) => (id: Id, code: number, message: string, data?: unknown) => out({ jsonrpc: '2.0', id, error: { code, message, ...(data === undefined ? {} : { data }) } });
  const error = errorTo(send);

  /** Answer one message through `out` (a batch collects its answers). */
  const handle = async (msg: unknown, out: (m: unknown) => void = send): Promise<void> => {
    const error = errorTo(out);
    if (!isRecord(msg) || msg['jsonrpc'] !== '2.0' || typeof msg['method'] !== 'string') {
      const id = isRecord(msg) && (typeof msg['id'] === 'string' || typeof msg['id'] === 'number') ? msg['id'] : null;
      return error(id, -32600, 'invalid request: expected {"jsonrpc": "2.0", "method": string, "params"?: object, "id"?: string | number}');
    }
    const hasId = 'id' in msg;
    const id = msg['id'] as Id;
    if (hasId && !(typeof id === 'string' || typeof id === 'number' || id === null)) return error(null, -32600, 'invalid request: id must be a string, a number or null');
    const method = msg['method'];
    const params = msg['params'] ?? {};
    const reply = (result: unknown) => {
      if (hasId) out({ jsonrpc: '2.0', id, result });
    };
    if (!isRecord(params)) return hasId ? error(id, -32602, 'invalid params: pass params by name (an object)', problemOf(new InputError('params', 'an object of named parameters', params)).problem) : undefined;
    const key = JSON.stringify(id);
    const ctrl = new AbortController();
    if (hasId && id !== null) {
      if (inflight.has(key)) return error(id, -32600, `invalid request: id ${key} is already in use by a running request`);
      inflight.set(key, ctrl);
    }
    try {
      if ((COMPUTE_METHODS as string[]).includes(method)) {
        const onProgress = hasId ? throttle((done: number, total: number) => send({ jsonrpc: '2.0', method: 'progress', params: { id, done, total } })) : undefined;
        return reply(await service.call(method as ComputeMethod, params, { signal: ctrl.signal, ...(onProgress ? { onProgress } : {}) }));
      }
      const str = (k: string) => {
        const v = params[k];
        if (typeof v !== 'string') throw new InputError(k, 'a string', v);
        return v;
      };
      switch (method) {
        case 'health':
          return reply(service.health());
        case 'openapi':
          return reply(buildOpenApi());
        case 'sweep.start': {
          const backend = params['backend'] === undefined ? 'auto' : str('backend');
          return reply(service.jobs.submit(params['spec'], backend));
        }
        case 'sweep.list':
          return reply(service.jobs.list());
        case 'sweep.status':
          return reply(service.jobs.status(str('id')));
        case 'sweep.cancel':
          return reply(await service.jobs.cancel(str('id')));
        case 'sweep.results': {
          const r = service.jobs.results(str('id'));
          const format = params['format'] ?? 'rows';
          if (format !== 'rows' && format !== 'csv') throw new InputError('format', "'rows' | 'csv'", format);
          const file = format === 'csv' ? r.csv : r.jsonl;
          let text = existsSync(file) ? readFileSync(file, 'utf8') : '';
          text = text.slice(0, text.lastIndexOf('\n') + 1);
          return reply(format === 'csv' ? text : text.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as unknown));
        }
        case 'cancel': {
          const target = inflight.get(JSON.stringify(params['id']));
          target?.abort(Object.assign(new Error('cancelled by the client'), { name: 'AbortError' }));
          return reply({ cancelled: !!target });
        }
        default:
          return hasId ? error(id, -32601, `method not found: ${method}; methods: ${[...COMPUTE_METHODS, 'health', 'openapi', 'sweep.start', 'sweep.list', 'sweep.status', 'sweep.results', 'sweep.cancel', 'cancel'].join(', ')}`) : undefined;
      }
    } catch (e) {
      if (!hasId) return;
      const { problem } = problemOf(e);
      if (e instanceof InputError) return error(id, -32602, problem.detail, problem);
      if (problem.status >= 500 && problem.type === 'about:blank') {
        opts.log?.(`error in ${method}: ${(e as Error).stack ?? String(e)}`);
        return error(id, -32603, problem.detail, problem);
      }
      return error(id, -32000, problem.detail, problem);
    } finally {
      if (hasId && id !== null && inflight.get(key) === ctrl) inflight.delete(key);
    }
  };

  const dispatch = (text: string) => {
    if (text.trim() === '') return;
    let msg: unknown;
    try {
      msg = JSON.parse(text);
    } catch (e) {
      return error(null, -32700, `parse error: ${(e as Error).message}`);
    }
    const run = async () => {
      if (Array.isArray(msg)) {
        // a JSON-RPC batch: answered as one array (notifications give no entry)
        if (msg.length === 0) return error(null, -32600, 'invalid request: empty batch');
        const answers: unknown[] = [];
        await Promise.all(msg.map((m) => handle(m, (a) => answers.push(a))));
        if (answers.length) write(JSON.stringify(answers) + '\n');
        return;
      }
      await handle(msg);
    };
    const p = run().catch((e: unknown) => opts.log?.(`stdio: ${(e as Error).stack ?? String(e)}`));
    pending.add(p);
    void p.finally(() => pending.delete(p));
  };

  return new Promise<void>((resolve) => {
    let buf = '';
    let skipping = false;
    input.setEncoding?.('utf8');
    input.on('data', (chunk: string | Buffer) => {
      let s = String(chunk);
      for (;;) {
        const nl = s.indexOf('\n');
        if (nl < 0) {
          if (!skipping) buf += s;
          if (buf.length > opts.maxLine) {
            error(null, -32600, `invalid request: message over the server limit of ${opts.maxLine} bytes (--max-body)`);
            buf = '';
            skipping = true;
          }
          return;
        }
        const line = (skipping ? '' : buf) + s.slice(0, nl);
        const wasSkipping = skipping;
        buf = '';
        skipping = false;
        s = s.slice(nl + 1);
        if (wasSkipping) continue;
        if (line.length > opts.maxLine) error(null, -32600, `invalid request: message over the server limit of ${opts.maxLine} bytes (--max-body)`);
        else dispatch(line.endsWith('\r') ? line.slice(0, -1) : line);
      }
    });
    input.on('end', () => {
      if (buf && !skipping) dispatch(buf);
      void (async () => {
        while (pending.size) await Promise.all([...pending]);
        resolve();
      })();
    });
  });
}

/** At most one call per 200 ms, and always the last one (done === total). */
function throttle<A extends unknown[]>(f: (...a: A) => void, ms = 200): (...a: A) => void {
  let last = 0;
  return (...a: A) => {
    const now = Date.now();
    const final = a[a.length - 2] === a[a.length - 1];
    if (final || now - last >= ms) {
      last = now;
      f(...a);
    }
  };
}
