/** Runner behaviour: row layout, manifest, failing points, worker threads, amplified point checks. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { runSweep } from '../../src/sweep/runner.js';
import { validateSpec } from '../../src/sweep/spec.js';
import { version } from '../../src/version.js';
import { cli, csvWithoutMs, read, tmp } from './helpers.js';

process.env['KEYRATE_TEST_EVALUATORS'] = '1';

describe('sweep runner', () => {
  it('writes index, axes, fixed, outputs, error, backend, ms; manifest describes the run', async () => {
    const out = tmp();
    const spec = validateSpec({ engine: 'test', quantity: 'fake', fixed: { y: 2 }, axes: { label: ['p', 'q'], x: [0.5, 1.5] }, optimize: { scale: 2 } });
    const s = await runSweep(spec, { out });
    const header = read(join(out, 'results.csv')).split('\n')[0];
    expect(header).toBe('index,label,x,y,delayMs,failAt,value,chain,detail,error,backend,ms');
    const rows = read(join(out, 'results.jsonl')).trim().split('\n').map((l) => JSON.parse(l));
    expect(rows.map((r) => [r.index, r.label, r.x])).toEqual([[0, 'p', 0.5], [1, 'p', 1.5], [2, 'q', 0.5], [3, 'q', 1.5]]);
    // value = scale*(sin x + 0.1 y x) + 1/3, computed here independently
    expect(rows[1].value).toBeCloseTo(2 * (Math.sin(1.5) + 0.1 * 2 * 1.5) + 1 / 3, 15);
    expect(rows.map((r) => r.chain)).toEqual([0, 1, 0, 1]);
    const m = JSON.parse(read(join(out, 'manifest.json')));
    expect(m).toMatchObject({ keyrate: version, status: 'complete', gridSize: 4, pointCount: 4, pointsDone: 4, range: { start: 0, end: 4 }, backend: 'auto', backendsUsed: ['reference'], errors: 0 });
    expect(m.specHash).toMatch(/^[0-9a-f]{64}$/);
    expect(m.checksum.value).toBe(s.manifest.checksum!.value);
    expect(Date.parse(m.finishedAt)).toBeGreaterThanOrEqual(Date.parse(m.startedAt));
  });

  it('a failing point becomes a row with its error; its successor starts a fresh chain', async () => {
    const out = tmp();
    const spec = validateSpec({ engine: 'test', quantity: 'fake', fixed: { failAt: 2 }, axes: { x: [1, 2, 3, 4] } });
    const s = await runSweep(spec, { out });
    const rows = read(join(out, 'results.jsonl')).trim().split('\n').map((l) => JSON.parse(l));
    expect(rows[1].error).toMatch(/fake failure at x=2/);
    expect(rows[1].value).toBeNull();
    expect(rows.map((r) => r.chain)).toEqual([0, null, 0, 1]);
    expect(s.manifest.errors).toBe(1);
  });

  it('warmStart: false evaluates every point independently', async () => {
    const out = tmp();
    await runSweep(validateSpec({ engine: 'test', quantity: 'fake', warmStart: false, axes: { x: [1, 2, 3] } }), { out });
    expect(read(join(out, 'results.jsonl')).trim().split('\n').map((l) => JSON.parse(l).chain)).toEqual([0, 0, 0]);
  });

  it('--workers 2 (Piscina threads) gives the same rows as the main thread', () => {
    const dir = tmp();
    const spec = join(dir, 'spec.yaml');
    writeFileSync(spec, 'engine: test\nquantity: fake\nchain: 4\naxes:\n  y: [0, 1, 2]\n  x: {from: 0, to: 3, count: 10}\nbatch: 5\n');
    expect(cli(['sweep', spec, '--out', join(dir, 'w1'), '--workers', '1', '--quiet']).code).toBe(0);
    const r = cli(['sweep', spec, '--out', join(dir, 'w2'), '--workers', '2', '--quiet']);
    expect(r.code, r.stderr).toBe(0);
    expect(csvWithoutMs(join(dir, 'w2', 'results.csv'))).toBe(csvWithoutMs(join(dir, 'w1', 'results.csv')));
    const chains = read(join(dir, 'w2', 'results.jsonl')).trim().split('\n').map((l) => JSON.parse(l).chain);
    expect(chains.slice(0, 10)).toEqual([0, 1, 2, 3, 0, 1, 2, 3, 0, 1]);
  });

  it('amplified points are checked before any evaluation (eveAt <= distance, multiples of span)', async () => {
    const base = { engine: 'amplified', quantity: 'rate', fixed: { encoding: 'phase', distance: 1000, leak: 1e-3 } };
    await expect(runSweep(validateSpec({ ...base, axes: { eveAt: [500, 1050] } }), { out: tmp() })).rejects.toThrow(/invalid eveAt: 1050 \(allowed: \[0, distance\]/);
    await expect(runSweep(validateSpec({ ...base, axes: { eveAt: [525] } }), { out: tmp() })).rejects.toThrow(/invalid eveAt: 525 \(allowed: a multiple of span \(50 km\)\)/);
    await expect(runSweep(validateSpec({ ...base, fixed: { ...base.fixed, distance: 1010 }, axes: { eveAt: [500] } }), { out: tmp() })).rejects.toThrow(InputError);
  });

  it('rejects a bad backend and worker count, naming them', async () => {
    const spec = validateSpec({ engine: 'test', quantity: 'fake', axes: { x: [1] } });
    await expect(runSweep(spec, { out: tmp(), backend: 'cuda' })).rejects.toThrow(/invalid backend: "cuda" \(allowed: auto \| reference/);
    await expect(runSweep(spec, { out: tmp(), workers: 0 })).rejects.toThrow(/invalid workers/);
    const r = cli(['sweep', '/nonexistent.yaml', '--out', tmp()]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/invalid spec: "\/nonexistent.yaml"/);
  });
});
