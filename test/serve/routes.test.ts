/**
 * keyrate serve over real sockets: every documented route, the OpenAPI document, the problem
 * details, limits, concurrency, overload, timeouts and client disconnects. The server is the built
 * CLI (node bin/keyrate.js serve --port 0).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keyrateAsync } from '../hard-inputs/helpers.js';
import { CHEAP, pathOf, post, req, slowCurve, startServer, tmp, type Server } from './helpers.js';

let s: Server;
beforeAll(async () => {
  s = await startServer(['--workers', '2', '--max-body', '64kb']);
});
afterAll(async () => {
  const r = await s?.stop();
  expect(r?.code).toBe(0);
});

const expectProblem = (r: { status: number; type: string; json: any }, status: number) => {
  expect(r.status).toBe(status);
  expect(r.type).toMatch(/^application\/problem\+json/);
  expect(r.json.status).toBe(status);
  expect(typeof r.json.type).toBe('string');
  expect(typeof r.json.title).toBe('string');
  expect(typeof r.json.detail).toBe('string');
};

describe('OpenAPI document', () => {
  it('is OpenAPI 3.1 with every route, every request body a JSON Schema object', async () => {
    const r = await req(s.url + '/openapi.json');
    expect(r.status).toBe(200);
    const doc = r.json;
    expect(doc.openapi).toMatch(/^3\.1\.\d+$/);
    expect(doc.info.title).toBe('keyrate');
    const ops: string[] = [];
    for (const [path, item] of Object.entries<any>(doc.paths)) for (const m of Object.keys(item)) ops.push(`${m.toUpperCase()} ${path}`);
    for (const m of Object.keys(CHEAP)) expect(ops).toContain(`POST ${pathOf(m)}`);
    for (const o of ['GET /health', 'GET /openapi.json', 'POST /v1/sweeps', 'GET /v1/sweeps', 'GET /v1/sweeps/{id}', 'DELETE /v1/sweeps/{id}', 'GET /v1/sweeps/{id}/results']) expect(ops).toContain(o);
    expect(ops).toHaveLength(Object.keys(CHEAP).length + 7);
    // every $ref resolves; every request body schema is a JSON Schema object
    const resolve = (ref: string) => ref.replace(/^#\//, '').split('/').reduce((o: any, k) => o?.[k], doc);
    const refs = JSON.stringify(doc).match(/"\$ref":"[^"]+"/g) ?? [];
    for (const ref of refs) expect(resolve(ref.slice(8, -1)), ref).toBeTypeOf('object');
    for (const [path, item] of Object.entries<any>(doc.paths)) {
      for (const op of Object.values<any>(item)) {
        if (!op.requestBody) continue;
        for (const [ct, media] of Object.entries<any>(op.requestBody.content)) {
          const schema = media.schema.$ref ? resolve(media.schema.$ref) : media.schema;
          expect(schema, `${path} ${ct}`).toBeTypeOf('object');
          expect(schema.type === 'object' || Array.isArray(schema.oneOf), path).toBe(true);
          // JSON Schema keywords only (no zod internals), no unrepresentable parts
          expect(JSON.stringify(schema)).not.toMatch(/"_zod"|"def"/);
        }
        for (const code of Object.keys(op.responses)) expect(code).toMatch(/^[1-5]\d\d$/);
      }
    }
    // server-controlled keys and functions are not part of the service's bodies
    expect(Object.keys(doc.components.schemas.LeakageRateInput.properties)).not.toContain('workers');
    expect(Object.keys(doc.components.schemas.LeakageRateInput.properties)).not.toContain('evaluate');
    expect(doc.components.schemas.LeakageRateInput.required).toEqual(['dim', 'parties', 'leakage', 'visibility']);
    expect(doc.components.schemas.LeakageRateInput.properties.visibility).toMatchObject({ type: 'number', minimum: 0, maximum: 1, description: 'allowed: [0, 1]' });
    expect(doc.components.schemas.AmplifiedCurveInput.required).toEqual(expect.arrayContaining(['encoding', 'distance', 'leaks']));
    expect(doc.components.schemas.AmplifiedCurveInput.required).not.toContain('eveAt');
  });
});

describe('compute routes', () => {
  it('GET /health', async () => {
    const r = await req(s.url + '/health');
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ status: 'ok', pool: { mode: 'pool', threads: 2 } });
  });

  it('every compute route answers its cheap body with 200 JSON', async () => {
    for (const [m, body] of Object.entries(CHEAP)) {
      const r = await post(s.url + pathOf(m), body);
      expect(r.status, `${m}: ${r.text}`).toBe(200);
      expect(r.type).toMatch(/^application\/json/);
      expect(r.json).toBeTypeOf('object');
    }
  });

  it('responses are what the CLI prints with --json', async () => {
    const cases: [string, Record<string, unknown>, string[], (cli: any) => any][] = [
      ['amplified.plob', { distance: 100 }, ['amplified', 'plob', '--distance', '100', '--json'], (c) => c[0]],
      ['amplified.precision', { distance: 1000, photons: 1e14, span: 50, loss: 0.02 }, ['amplified', 'precision', '--distance', '1000', '--json'], (c) => c[0]],
      ['amplified.correlation', { distance: 1000, eveAt: 500, leak: 0.01, photons: 100, span: 50, loss: 0.02 }, ['amplified', 'correlation', '--distance', '1000', '--eve-at', '500', '--leak', '0.01', '--photons', '100', '--json'], (c) => c[0]],
      ['leakage.threshold', { dim: 2, parties: 2, leakage: 0.1, model: 'uniform', tol: 1e-6, zeroCrossing: false }, ['leakage', 'threshold', '--leakage', '0.1', '--no-zero-crossing', '--json'], (c) => c],
      ['leakage.rate', { dim: 2, parties: 2, leakage: 0.1, visibility: 0.9, model: 'uniform', objective: 'joint', settingsSearch: 'family', backend: 'reference' }, ['leakage', 'rate', '--leakage', '0.1', '--visibility', '0.9', '--backend', 'reference', '--workers', '1', '--json'], (c) => c],
      ['amplified.rate', { encoding: 'phase', distance: 1000, eveAt: 500, leak: 0.01, span: 50, loss: 0.02, photons: [100], windows: [5, 15], method: 'exact', backend: 'auto' }, ['amplified', 'rate', '--encoding', 'phase', '--distance', '1000', '--eve-at', '500', '--leak', '0.01', '--photons', '100', '--windows', '5,15', '--json'], (c) => c],
      ['amplified.natural-losses', { lengths: [0.001, 0.01], mu: [9000, 11000], piece: 2e-4, loss: 0.02 }, ['amplified', 'natural-losses', '--length', '0.001,0.01', '--json'], (c) => c],
    ];
    await Promise.all(cases.map(async ([m, body, args, pick]) => {
      const [r, cli] = await Promise.all([post(s.url + pathOf(m), body), keyrateAsync(args, 60_000)]);
      expect(cli.code, cli.stderr).toBe(0);
      expect(r.status).toBe(200);
      expect(r.json, m).toEqual(pick(JSON.parse(cli.stdout)));
    }));
  });

  it('amplified batch: one result per point in order, bad points as error objects; same lines as the CLI', async () => {
    const points = [
      { distance: 1000, eveAt: 500, leak: 0.01, photons: [100], windows: [5, 15] },
      { distance: 1000, eveAt: 5000, leak: 0.01, photons: [100], windows: [5, 15] },
      { distance: 1000, eveAt: 250, leak: 0.001, photons: [400], windows: [10, 30] },
      { distance: 1000, eveAt: 500, leak: 0.01, photons: [100], windows: [5, 15], bogus: 1 },
    ];
    const r = await post(s.url + '/v1/amplified/batch', { encoding: 'phase', points });
    expect(r.status).toBe(200);
    expect(r.json.map((l: any) => l.line)).toEqual([1, 2, 3, 4]);
    expect(r.json[0].rate).toBeTypeOf('number');
    expect(r.json[1].error).toMatchObject({ param: 'eveAt' });
    expect(r.json[2].params.eveAt).toBe(250);
    expect(r.json[3].error).toMatchObject({ param: 'bogus' });
    const dir = tmp();
    const input = join(dir, 'points.jsonl');
    writeFileSync(input, points.map((p) => JSON.stringify(p)).join('\n') + '\n');
    const cli = await keyrateAsync(['amplified', 'batch', '--encoding', 'phase', '--input', input], 60_000);
    expect(cli.code).toBe(2); // bad lines
    expect(r.json).toEqual(cli.stdout.trim().split('\n').map((l) => JSON.parse(l)));
  });

  it('invalid input: 400 problem naming the parameter and its range', async () => {
    const r = await post(s.url + '/v1/leakage/rate', { dim: 2, parties: 2, leakage: 1.5, visibility: 0.9 });
    expectProblem(r, 400);
    expect(r.json).toMatchObject({ type: 'urn:keyrate:problem:invalid-input', param: 'leakage', allowed: '[0, 1)', value: 1.5, instance: '/v1/leakage/rate' });
    const k = await post(s.url + '/v1/leakage/rate', { ...CHEAP['leakage.rate'], workers: 8 });
    expectProblem(k, 400);
    expect(k.json.param).toBe('workers');
    const n = await post(s.url + '/v1/amplified/rate', { encoding: 'phase', distance: 1000, eveAt: 525, leak: 0.01, photons: [100], windows: [5, 15] });
    expectProblem(n, 400);
    expect(n.json.param).toBe('eveAt');
    const a = await post(s.url + '/v1/amplified/plob', [1, 2]);
    expectProblem(a, 400);
    expect(a.json.param).toBe('(input)');
  });

  it('malformed JSON 400, wrong media type 415, over the body limit 413', async () => {
    const bad = await post(s.url + '/v1/amplified/plob', '{"distance": 1');
    expectProblem(bad, 400);
    expect(bad.json.param).toBe('(input)');
    const empty = await req(s.url + '/v1/amplified/plob', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '' });
    expectProblem(empty, 400);
    const media = await req(s.url + '/v1/amplified/plob', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'distance=100' });
    expectProblem(media, 415);
    const big = await post(s.url + '/v1/amplified/natural-losses', { lengths: Array.from({ length: 20_000 }, () => 0.001) });
    expectProblem(big, 413);
    expect(big.json.type).toBe('urn:keyrate:problem:payload-too-large');
    const proto = await post(s.url + '/v1/amplified/plob', '{"distance": 100, "__proto__": {"x": 1}}');
    expect(proto.status).toBe(400);
  });

  it('unknown route 404, wrong method 405 with Allow', async () => {
    expectProblem(await req(s.url + '/v1/leakage/nope', { method: 'POST', body: '{}' }), 404);
    expectProblem(await req(s.url + '/nothing'), 404);
    const m = await req(s.url + '/v1/leakage/rate');
    expectProblem(m, 405);
    expect(m.headers.get('allow')).toBe('POST');
    const h = await req(s.url + '/health', { method: 'DELETE' });
    expectProblem(h, 405);
    expect(h.headers.get('allow')).toBe('GET, HEAD');
    const j = await req(s.url + '/v1/sweeps/abc', { method: 'PUT', body: '{}' });
    expectProblem(j, 405);
    expect(j.headers.get('allow')).toBe('GET, DELETE, HEAD');
    expectProblem(await req(s.url + '/v1/sweeps/0123456789abcdef'), 404);
    expectProblem(await req(s.url + '/v1/sweeps/0123456789abcdef', { method: 'DELETE' }), 404);
    expectProblem(await req(s.url + '/v1/sweeps/0123456789abcdef/results'), 404);
  });

  it('concurrent clients get the answers sequential clients get', async () => {
    const mix = ['leakage.rate', 'amplified.rate', 'amplified.plob', 'leakage.threshold', 'amplified.worst-case', 'amplified.batch'];
    const seq: unknown[] = [];
    for (const m of mix) seq.push((await post(s.url + pathOf(m), CHEAP[m])).json);
    // 10 = the server's capacity (2 threads + 8 waiting)
    const par = await Promise.all(Array.from({ length: 10 }, (_, i) => post(s.url + pathOf(mix[i % mix.length]!), CHEAP[mix[i % mix.length]!])));
    par.forEach((r, i) => {
      expect(r.status).toBe(200);
      expect(r.json).toEqual(seq[i % mix.length]);
    });
  });
});

describe('limits', () => {
  it('a full queue: 503 with Retry-After; a timed-out computation: 503 timeout; a disconnected client frees its thread', async () => {
    const one = await startServer(['--workers', '1', '--queue', '0', '--timeout', '1.5']);
    try {
      // overload: one running, none may wait
      const slow = post(one.url + '/v1/leakage/curve', slowCurve(600), { timeoutMs: 60_000 });
      await new Promise((r) => setTimeout(r, 300));
      const refused = await post(one.url + '/v1/amplified/plob', { distance: 100 });
      expectProblem(refused, 503);
      expect(refused.json.type).toBe('urn:keyrate:problem:overloaded');
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
      // the slow one runs into the 1.5 s limit (600 visibilities take ~10 s)
      const t0 = Date.now();
      const timedOut = await slow;
      expectProblem(timedOut, 503);
      expect(timedOut.json.type).toBe('urn:keyrate:problem:timeout');
      expect(Date.now() - t0).toBeLessThan(5000);
      // the thread was stopped: the next request is served at once
      const t1 = Date.now();
      expect((await post(one.url + '/v1/amplified/plob', { distance: 100 })).status).toBe(200);
      expect(Date.now() - t1).toBeLessThan(3000);

      // a client that goes away: its work is cancelled (the only thread is free again at once)
      const ctrl = new AbortController();
      const gone = fetch(one.url + '/v1/leakage/curve', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(slowCurve(600)), signal: ctrl.signal }).catch((e: Error) => e);
      await new Promise((r) => setTimeout(r, 400));
      ctrl.abort();
      expect(await gone).toBeInstanceOf(Error);
      const t2 = Date.now();
      const h = await (async () => {
        for (;;) {
          const r = await post(one.url + '/v1/amplified/plob', { distance: 100 });
          if (r.status === 200) return r;
          await new Promise((res) => setTimeout(res, 50));
        }
      })();
      expect(h.status).toBe(200);
      expect(Date.now() - t2).toBeLessThan(1200); // well before the 1.5 s limit would have stopped it
      expect(one.stderr()).toMatch(/client disconnected, work cancelled/);
    } finally {
      expect((await one.stop()).code).toBe(0);
    }
  });

  it('refuses bad server options with exit code 2 and one line', async () => {
    for (const args of [['--port', '70000'], ['--max-body', 'lots'], ['--workers', '0'], ['--timeout', '-1']]) {
      const r = await keyrateAsync(['serve', ...args], 20_000);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(/^keyrate: invalid /);
    }
  });
});
