/** keyrate serve --stdio: JSON-RPC 2.0, one message per line; the same methods and schemas as HTTP. */
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { BIN, CHEAP, ENV, ROOT, tmp } from './helpers.js';

function rpc(args: string[] = []) {
  const child = spawn(process.execPath, [BIN, 'serve', '--stdio', '--workers', '2', ...args], { cwd: ROOT, env: ENV, stdio: ['pipe', 'pipe', 'pipe'] });
  const messages: any[] = [];
  const waiters: { f: (m: any) => boolean; res: (m: any) => void }[] = [];
  let buf = '';
  let stderr = '';
  const raw: string[] = [];
  child.stderr.on('data', (d) => (stderr += String(d)));
  child.stdout.on('data', (d) => {
    buf += String(d);
    let nl;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      raw.push(line);
      const m = JSON.parse(line); // every stdout line is one JSON message
      messages.push(m);
      for (const w of [...waiters]) if (w.f(m)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.res(m);
      }
    }
  });
  const exited = new Promise<number | null>((res) => child.on('exit', (c) => res(c)));
  const wait = (f: (m: any) => boolean, ms = 30_000) =>
    new Promise<any>((res, rej) => {
      const hit = messages.find(f);
      if (hit) return res(hit);
      const t = setTimeout(() => rej(new Error(`no such message in ${ms} ms; got ${JSON.stringify(messages).slice(0, 500)}; stderr ${stderr}`)), ms);
      waiters.push({ f, res: (m) => (clearTimeout(t), res(m)) });
    });
  let next = 1;
  const call = async (method: string, params?: unknown) => {
    const id = next++;
    child.stdin.write(JSON.stringify({ jsonrpc: '2.0', id, method, ...(params === undefined ? {} : { params }) }) + '\n');
    return wait((m) => m.id === id && ('result' in m || 'error' in m));
  };
  return { child, call, wait, messages, raw, exited, send: (line: string) => child.stdin.write(line + '\n'), stderr: () => stderr };
}

describe('keyrate serve --stdio', () => {
  it('answers the compute methods with the HTTP bodies; errors as JSON-RPC errors with the problem', async () => {
    const c = rpc();
    const plob = await c.call('amplified.plob', { distance: 100 });
    expect(plob.result.log10T).toBeCloseTo(-2, 12);
    const rate = await c.call('leakage.rate', CHEAP['leakage.rate']);
    expect(rate.result.rate).toBeGreaterThan(0);
    const batch = await c.call('amplified.batch', CHEAP['amplified.batch']);
    expect(batch.result).toHaveLength(1);
    const bad = await c.call('leakage.rate', { ...CHEAP['leakage.rate'], visibility: 2 });
    expect(bad.error.code).toBe(-32602);
    expect(bad.error.data).toMatchObject({ param: 'visibility', allowed: '[0, 1]', status: 400 });
    expect((await c.call('nope.method')).error.code).toBe(-32601);
    expect((await c.call('amplified.plob', [100])).error.code).toBe(-32602);
    c.send('this is not json');
    expect((await c.wait((m) => m.error?.code === -32700)).id).toBeNull();
    c.send(JSON.stringify({ jsonrpc: '1.0', id: 99, method: 'health' }));
    expect((await c.wait((m) => m.id === 99)).error.code).toBe(-32600);
    // a batch: one array of answers, none for a notification
    c.send(JSON.stringify([{ jsonrpc: '2.0', id: 'a', method: 'health' }, { jsonrpc: '2.0', method: 'health' }, { jsonrpc: '2.0', id: 'b', method: 'amplified.plob', params: { distance: 50 } }]));
    const arr = await c.wait((m) => Array.isArray(m));
    expect(arr.map((m: any) => m.id).sort()).toEqual(['a', 'b']);
    // progress notifications of a curve
    const curve = c.call('leakage.curve', { dim: 2, parties: 2, leakages: [0.1], visibilities: [0.5, 0.6, 0.7, 0.8] });
    const res = await curve;
    expect(res.result).toHaveLength(4);
    const progress = c.messages.filter((m) => m.method === 'progress' && m.params.id === res.id);
    expect(progress.at(-1)?.params).toMatchObject({ done: 4, total: 4 });
    const openapi = await c.call('openapi');
    expect(openapi.result.openapi).toMatch(/^3\.1/);
    c.child.stdin.end();
    expect(await c.exited).toBe(0);
    expect(c.raw.every((l) => l.startsWith('{') || l.startsWith('['))).toBe(true);
  });

  it('sweeps: start, progress notifications, status, results; EOF exits 0', async () => {
    const c = rpc(['--data-dir', tmp()]);
    const st = await c.call('sweep.start', { spec: { engine: 'test', quantity: 'fake', fixed: { delayMs: 30 }, axes: { x: [0, 1, 2, 3, 4, 5] }, warmStart: false, batch: 2 } });
    const id = st.result.id;
    expect(id).toMatch(/^[0-9a-f]{16}$/);
    const done = await c.wait((m) => m.method === 'sweep.state' && m.params.id === id && m.params.status === 'complete');
    expect(done).toBeTruthy();
    expect(c.messages.some((m) => m.method === 'sweep.progress' && m.params.id === id && m.params.done === 6)).toBe(true);
    const status = await c.call('sweep.status', { id });
    expect(status.result).toMatchObject({ status: 'complete', progress: { done: 6, total: 6 } });
    const rows = await c.call('sweep.results', { id });
    expect(rows.result.map((r: any) => r.index)).toEqual([0, 1, 2, 3, 4, 5]);
    const csv = await c.call('sweep.results', { id, format: 'csv' });
    expect(csv.result.split('\n')[0]).toMatch(/^index,x,/);
    expect((await c.call('sweep.status', { id: 'nope' })).error.data.status).toBe(404);
    expect((await c.call('sweep.start', { spec: { engine: 'test' } })).error.data.param).toBe('quantity');
    c.child.stdin.end();
    expect(await c.exited).toBe(0);
  });
});
