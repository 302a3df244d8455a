/**
 * Sweep jobs of keyrate serve: lifecycle, results as JSON lines / CSV, cancel, and the restart
 * guarantees: a server killed (SIGKILL) or stopped (SIGTERM) mid-job resumes it on restart with the
 * same --data-dir; the final rows are exactly the rows of an uninterrupted `keyrate sweep` (same
 * checksum), none lost or duplicated. Uses the test evaluator (KEYRATE_TEST_EVALUATORS=1).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keyrateAsync } from '../hard-inputs/helpers.js';
import { post, req, startServer, tmp, waitFor, type Server } from './helpers.js';

const spec = (n: number, delayMs: number) => ({ engine: 'test', quantity: 'fake', fixed: { delayMs }, axes: { x: { from: 0, to: n - 1, step: 1 } }, warmStart: false, batch: 3 });

const status = async (url: string, id: string) => (await req(`${url}/v1/sweeps/${id}`)).json;
const untilDone = (url: string, id: string, ms = 60_000) =>
  waitFor(async () => {
    const st = await status(url, id);
    return ['complete', 'failed', 'cancelled'].includes(st.status) ? st : undefined;
  }, ms, `job ${id}`);
const rowsOf = async (url: string, id: string) => (await req(`${url}/v1/sweeps/${id}/results`)).text.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));

describe('sweep jobs', () => {
  let s: Server;
  beforeAll(async () => {
    s = await startServer(['--workers', '2', '--data-dir', tmp()]);
  });
  afterAll(async () => {
    expect((await s?.stop())?.code).toBe(0);
  });

  it('POST -> 202 + Location; status with progress; results as JSON lines and CSV', async () => {
    const r = await post(s.url + '/v1/sweeps', spec(12, 20));
    expect(r.status).toBe(202);
    const id = r.json.id as string;
    expect(r.headers.get('location')).toBe(`/v1/sweeps/${id}`);
    expect(r.json.progress.total).toBe(12);
    const st = await untilDone(s.url, id);
    expect(st).toMatchObject({ status: 'complete', progress: { done: 12, total: 12, fraction: 1 }, pointErrors: 0, runs: 1 });
    expect(st.checksum).toMatch(/^[0-9a-f]{64}$/);
    const rows = await rowsOf(s.url, id);
    expect(rows.map((x) => x.index)).toEqual([...Array(12).keys()]);
    rows.forEach((x) => expect(x.value).toBeCloseTo(Math.sin(x.x) + 1 / 3, 12));
    const csv = await req(`${s.url}/v1/sweeps/${id}/results`, { headers: { accept: 'text/csv' } });
    expect(csv.type).toMatch(/^text\/csv/);
    expect(csv.headers.get('x-keyrate-sweep-status')).toBe('complete');
    const lines = csv.text.trim().split('\n');
    expect(lines[0]!.split(',').slice(0, 2)).toEqual(['index', 'x']);
    expect(lines).toHaveLength(13);
    const nd = await req(`${s.url}/v1/sweeps/${id}/results`, { headers: { accept: 'application/x-ndjson' } });
    expect(nd.type).toMatch(/^application\/x-ndjson/);
    expect((await req(`${s.url}/v1/sweeps/${id}/results`, { headers: { accept: 'image/png' } })).status).toBe(406);
    const again = await req(`${s.url}/v1/sweeps/${id}`, { method: 'DELETE' });
    expect(again.status).toBe(409);
    expect(again.json).toMatchObject({ type: 'urn:keyrate:problem:job-finished', jobStatus: 'complete' });
    const list = await req(s.url + '/v1/sweeps');
    expect(list.json.map((j: any) => j.id)).toContain(id);
  });

  it('YAML specs; invalid specs are 400 naming the field', async () => {
    const y = await req(s.url + '/v1/sweeps', { method: 'POST', headers: { 'content-type': 'application/yaml' }, body: 'engine: test\nquantity: fake\naxes:\n  x: [1, 2]\n' });
    expect(y.status).toBe(202);
    expect((await untilDone(s.url, y.json.id)).status).toBe('complete');
    const bad = await post(s.url + '/v1/sweeps', { engine: 'test', quantity: 'fake', axes: { x: [1, 'a'] } });
    expect(bad.status).toBe(400);
    expect(bad.json).toMatchObject({ param: 'axes.x[1]', allowed: 'a finite number' });
    const eng = await post(s.url + '/v1/sweeps', { engine: 'nope', quantity: 'fake' });
    expect(eng.json.param).toBe('engine');
    const be = await post(s.url + '/v1/sweeps?backend=gpu9000', spec(2, 0));
    expect(be.json.param).toBe('backend');
    const line = await post(s.url + '/v1/sweeps', { engine: 'amplified', quantity: 'rate', fixed: { encoding: 'phase', distance: 1000, leak: 0.01 }, axes: { eveAt: [500, 525] } });
    expect(line.status).toBe(400);
    expect(line.json.param).toBe('eveAt');
  });

  it('DELETE cancels a running job; its rows so far are kept, contiguous', async () => {
    const r = await post(s.url + '/v1/sweeps', spec(60, 150));
    const id = r.json.id as string;
    await waitFor(async () => ((await status(s.url, id)).progress.done >= 3 ? true : undefined), 30_000, 'progress');
    const st = await status(s.url, id);
    expect(st.status).toBe('running');
    expect(st.eta?.seconds).toBeGreaterThan(0);
    const d = await req(`${s.url}/v1/sweeps/${id}`, { method: 'DELETE' });
    expect(d.status).toBe(200);
    expect(d.json.status).toBe('cancelled');
    const rows = await rowsOf(s.url, id);
    expect(rows.length).toBeLessThan(60);
    expect(rows.map((x) => x.index)).toEqual([...Array(rows.length).keys()]);
    await new Promise((res) => setTimeout(res, 500));
    expect((await status(s.url, id)).status).toBe('cancelled');
    expect((await rowsOf(s.url, id)).length).toBe(rows.length);
  });
});

describe('restarts', () => {
  const N = 36;
  let reference: string;
  beforeAll(async () => {
    // the uninterrupted run: keyrate sweep on the same spec
    const dir = tmp();
    writeFileSync(join(dir, "spec.json"), JSON.stringify(spec(N, 120)));
    const r = await keyrateAsync(['sweep', join(dir, 'spec.json'), '--out', join(dir, 'out'), '--workers', '1', '--quiet'], 60_000);
    expect(r.code, r.stderr).toBe(0);
    reference = JSON.parse(readFileSync(join(dir, 'out', 'manifest.json'), 'utf8')).checksum.value;
  });

  const check = async (url: string, id: string) => {
    const st = await untilDone(url, id);
    expect(st.status).toBe('complete');
    expect(st.runs).toBe(2);
    const rows = await rowsOf(url, id);
    expect(rows.map((x) => x.index)).toEqual([...Array(N).keys()]);
    // same rows as the uninterrupted sweep (the checksum leaves out the timing column)
    expect(st.checksum).toBe(reference);
  };

  // the uninterrupted reference runs the same spec (delayMs 120 is part of the spec hash and the rows)
  it('a killed server (SIGKILL) resumes the job on restart: nothing lost or duplicated', async () => {
    const data = tmp();
    const a = await startServer(['--workers', '2', '--data-dir', data]);
    const id = (await post(a.url + '/v1/sweeps', spec(N, 120))).json.id as string;
    await waitFor(async () => ((await status(a.url, id)).progress.done >= 6 ? true : undefined), 30_000, 'progress');
    a.child.kill('SIGKILL');
    await a.exited;
    const rec = JSON.parse(readFileSync(join(data, 'jobs', id, 'job.json'), 'utf8'));
    expect(rec.state).toBe('running');
    const b = await startServer(['--workers', '2', '--data-dir', data]);
    try {
      expect(b.stderr()).toMatch(/resuming 1 unfinished sweep job/);
      await check(b.url, id);
    } finally {
      expect((await b.stop()).code).toBe(0);
    }
  });

  it('SIGTERM during a job: exit 0 within the grace bound, the job checkpointed and resumed', async () => {
    const data = tmp();
    const a = await startServer(['--workers', '2', '--data-dir', data, '--grace', '3']);
    const id = (await post(a.url + '/v1/sweeps', spec(N, 120))).json.id as string;
    await waitFor(async () => ((await status(a.url, id)).progress.done >= 6 ? true : undefined), 30_000, 'progress');
    const done0 = (await status(a.url, id)).progress.done as number;
    const e = await a.stop();
    expect(e.code).toBe(0);
    expect(e.signal).toBeNull();
    expect(e.ms).toBeLessThan(3000 + 3000);
    expect(a.stderr()).toMatch(/SIGTERM: stopping/);
    const rec = JSON.parse(readFileSync(join(data, 'jobs', id, 'job.json'), 'utf8'));
    expect(rec.state).toBe('queued');
    const manifest = JSON.parse(readFileSync(join(data, 'jobs', id, 'out', 'manifest.json'), 'utf8'));
    expect(manifest.status).toBe('running');
    expect(manifest.pointsDone).toBeGreaterThanOrEqual(done0); // the batch in flight was finished and checkpointed
    expect(manifest.pointsDone).toBeLessThan(N);
    const b = await startServer(['--workers', '2', '--data-dir', data]);
    try {
      await check(b.url, id);
    } finally {
      expect((await b.stop()).code).toBe(0);
    }
  });
});
