/**
 * The GPU path behind the commands (issue 11 e): `--backend webgpu` screens in WGSL and refines
 * in f64 on the best CPU backend, and the result names both; 'auto' never takes a software
 * adapter (lavapipe, SwiftShader) and takes a hardware one only above AUTO_SCREEN_MIN_POINTS (per
 * kernel; never for amplified-screen, unmeasured on hardware); a
 * forced webgpu that cannot run (no adapter, nothing to screen) is one line and exit 2.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openWebgpu } from './gate.js';
import { keyrateAsync, tmp, type Run } from '../hard-inputs/helpers.js';
import { AUTO_SCREEN_MIN_POINTS, createEvaluator } from '../../src/runtime/evaluator.js';
import { LEAKAGE_KERNELS, rate as rateLeakage } from '../../src/models/leakage/index.js';
import { KERNELS } from '../../src/kernels/names.js';
import { isSoftwareAdapter } from '../../src/backends/webgpu/index.js';
import type { LeakageGridScreenInput } from '../../src/kernels/leakage-grid-screen/spec.js';

const be = await openWebgpu();
afterAll(async () => {
  await be?.dispose();
});
const LONG = 300_000;
const LEAKAGE = ['leakage', 'rate', '--dim', '3', '--parties', '2', '--leakage', '0.2', '--visibility', '0.8', '--workers', '1', '--json'];
const AMPLIFIED = ['amplified', 'rate', '--encoding', 'photon-number', '--distance', '1000', '--eve-at', '0', '--leak', '1e-2', '--optimize', '--json'];

/** Dawn prints its own notices on stderr (e.g. lavapipe limit warnings); keyrate's lines start with 'keyrate:'. */
const keyrateLines = (r: Run) => r.stderr.trimEnd().split('\n').filter((l) => l.startsWith('keyrate:'));

describe('software adapters', () => {
  it('lavapipe / llvmpipe / SwiftShader are recognised from the adapter info; a real GPU is not', () => {
    expect(isSoftwareAdapter({ vendor: 'mesa', architecture: 'software', device: 'llvmpipe-llvm-15', description: 'llvmpipe: Mesa 25.0.7' })).toBe(true);
    expect(isSoftwareAdapter({ vendor: 'google', device: 'SwiftShader Device (Subzero)' })).toBe(true);
    expect(isSoftwareAdapter({ vendor: 'nvidia', architecture: 'hopper', description: 'NVIDIA H200' })).toBe(false);
    expect(isSoftwareAdapter({ vendor: 'nvidia' }, true)).toBe(true); // isFallbackAdapter
  });
});

describe('forced webgpu that cannot run: exit 2, one keyrate line', () => {
  it('no adapter', async () => {
    const r = await keyrateAsync([...LEAKAGE, '--backend', 'webgpu'], 60_000, { KEYRATE_WEBGPU_ADAPTER: 'none' });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr.trimEnd().split('\n')).toEqual([expect.stringMatching(/^keyrate: backend webgpu unavailable: init failed: .*no GPU adapter/)]);
  });
  it('nothing to screen: the phase encoding, or fixed photons and windows', async () => {
    for (const args of [
      ['amplified', 'rate', '--encoding', 'phase', '--distance', '100', '--eve-at', '50', '--leak', '0.01', '--optimize', '--backend', 'webgpu'],
      ['amplified', 'rate', '--encoding', 'phase', '--distance', '100', '--eve-at', '50', '--leak', '0.01', '--photons', '10', '--windows', '1,4', '--backend', 'webgpu'],
    ]) {
      const r = await keyrateAsync(args, 60_000);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr.trimEnd().split('\n')).toEqual([expect.stringMatching(/^keyrate: backend webgpu unavailable: (no screening kernel for the phase|nothing to screen)/)]);
    }
  });
  it('a sweep of the phase encoding on webgpu: refused before any point (no rows)', async () => {
    const dir = tmp();
    const spec = join(dir, 's.yaml');
    writeFileSync(spec, 'engine: amplified\nquantity: rate\nfixed: {encoding: phase, distance: 100, leak: 0.01}\naxes: {eveAt: [0, 50]}\n');
    const r = await keyrateAsync(['sweep', spec, '--out', join(dir, 'o'), '--backend', 'webgpu', '--workers', '1', '--quiet'], 60_000);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr.trimEnd().split('\n')).toEqual([expect.stringMatching(/^keyrate: backend webgpu unavailable: no screening kernel for the phase encoding/)]);
  });
});

describe.skipIf(!be)('--backend webgpu: screen in WGSL, refine in f64, the result names both', () => {
  it('leakage rate: the same rate as the CPU backends; screen/refine named; proven lower bound', async () => {
    const g = await keyrateAsync([...LEAKAGE, '--backend', 'webgpu'], LONG);
    expect(g.code, g.stderr).toBe(0);
    expect(keyrateLines(g)).toContain('keyrate: screen on webgpu, refine in f64 on ' + JSON.parse(g.stdout).backends.refine);
    const c = await keyrateAsync([...LEAKAGE, '--backend', 'wasm'], LONG);
    const rg = JSON.parse(g.stdout);
    const rc = JSON.parse(c.stdout);
    expect(rg.backends).toEqual({ screen: 'webgpu', refine: expect.stringMatching(/^wasm-(simd|scalar)$/) });
    expect(rg.backend).toBe(`webgpu + ${rg.backends.refine}`);
    expect(Math.abs(rg.rate - rc.rate)).toBeLessThanOrEqual(1e-12);
    expect(rg.status).toBe('optimum');
    expect(rg.screen.lowerBound).toBeLessThanOrEqual(rg.objectiveValue + 1e-12);
    expect(rg.screen.lowerBound).toBeCloseTo(rg.screen.gridBest - rg.screen.modulus, 15);
  }, LONG);

  it('leakage curve and threshold name the screen backend', async () => {
    const cv = await keyrateAsync(['leakage', 'curve', '--leakage', '0.1', '--visibility', '0.7,0.9', '--workers', '1', '--json', '--backend', 'webgpu', '--quiet'], LONG);
    expect(cv.code, cv.stderr).toBe(0);
    for (const row of JSON.parse(cv.stdout)) expect(row.backend).toMatch(/^webgpu \+ wasm-(simd|scalar)$/);
    const th = await keyrateAsync(['leakage', 'threshold', '--leakage', '0.1', '--tol', '1e-2', '--json', '--backend', 'webgpu'], LONG);
    expect(th.code, th.stderr).toBe(0);
    expect(JSON.parse(th.stdout).backend).toMatch(/^closed forms; zero crossing: webgpu \+ wasm-(simd|scalar)$/);
  }, LONG);

  it('amplified rate --optimize: the global sampling stage on WGSL, search in f64, values on the reference', async () => {
    const g = await keyrateAsync([...AMPLIFIED, '--backend', 'webgpu'], LONG);
    expect(g.code, g.stderr).toBe(0);
    const c = await keyrateAsync([...AMPLIFIED, '--backend', 'wasm'], LONG);
    const rg = JSON.parse(g.stdout);
    const rc = JSON.parse(c.stdout);
    expect(rg.backend).toEqual({ screen: 'webgpu', search: expect.stringMatching(/^wasm-(simd|scalar)$/), evaluation: 'reference' });
    expect(rc.backend.screen).toBeUndefined();
    // different start ranking (f32), same optimum to the optimiser's agreement tolerance
    expect(Math.abs(rg.rate - rc.rate)).toBeLessThanOrEqual(1e-6 * Math.abs(rc.rate));
  }, LONG);

  it('leakage rate at d^N = 32 (pseudo-random screen): WGSL f32 ranks, f64 re-evaluates, the same rate as wasm', async () => {
    // (2, 5): the grid 2^32 is above the screen cap, so Eve's screen is pseudo-random points; on
    // webgpu the leakage-objective kernel ranks them in f32, the best 64 per problem are redone in f64
    const input = { dim: 2, parties: 5, leakage: 0.1, visibility: 0.9, settings: Array.from({ length: 5 }, () => ({ basis: 'computational' as const })), eve: { maxScreen: 4096 } };
    const gpu = await createEvaluator(LEAKAGE_KERNELS, { backend: 'webgpu', log: () => {} });
    const cpu = await createEvaluator(LEAKAGE_KERNELS, { backend: 'wasm', workers: 1, log: () => {} });
    try {
      const g = await rateLeakage({ ...input, evaluator: gpu });
      const c = await rateLeakage({ ...input, evaluator: cpu });
      expect(g.backends).toEqual({ screen: 'webgpu', refine: expect.stringMatching(/^wasm-(simd|scalar)$/) });
      expect(c.backends).toBeUndefined();
      expect(Math.abs(g.rate - c.rate)).toBeLessThanOrEqual(1e-9);
      expect(g.status).toBe(c.status);
      expect(g.evaluations).toBe(c.evaluations - (4096 - 64)); // one problem: 4096 f64 screen points -> the best 64
    } finally {
      await gpu.close();
      await cpu.close();
    }
  }, LONG);

  it('a leakage sweep on webgpu: rows name both backends, exit 0', async () => {
    const dir = tmp();
    const spec = join(dir, 's.yaml');
    writeFileSync(spec, 'engine: leakage\nquantity: rate\nfixed: {dim: 3, parties: 2, leakage: 0.1}\naxes: {visibility: [0.8, 0.9]}\n');
    const r = await keyrateAsync(['sweep', spec, '--out', join(dir, 'o'), '--backend', 'webgpu', '--workers', '1', '--quiet'], LONG);
    expect(r.code, r.stderr).toBe(0);
    const rows = readFileSync(join(dir, 'o', 'results.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    for (const row of rows) {
      expect(row.error).toBeNull();
      expect(row.backend).toMatch(/^webgpu \+ wasm-(simd|scalar)$/);
    }
  }, LONG);

  it("'auto' does not screen on a software adapter (logged), and does with allowSoftwareGpu", async () => {
    const input: LeakageGridScreenInput = { dim: 2, parties: 2, coef: new Float64Array([0.1, 0.1, 0.1, 0.1, 0.2, 0.1, 0.1, 0.2]), grid: 6, topK: 4, objective: 'joint' };
    const lines: string[] = [];
    const ev = await createEvaluator(LEAKAGE_KERNELS, { backend: 'auto', log: (l) => lines.push(l) });
    try {
      expect(await ev.screen(KERNELS.leakageGridScreen, input, { points: AUTO_SCREEN_MIN_POINTS['leakage-grid-screen']! - 1 })).toBeUndefined();
      expect(lines.some((l) => /webgpu/.test(l))).toBe(false); // below the size: no device opened
      expect(await ev.screen(KERNELS.amplifiedScreen, { fixed: { G1: 1, G2: 2, leak: 0.1 }, points: new Float64Array(6) }, { points: 1e12 })).toBeUndefined();
      expect(lines.some((l) => /webgpu/.test(l))).toBe(false); // amplified-screen: never under auto
      const r = await ev.screen(KERNELS.leakageGridScreen, input, { points: AUTO_SCREEN_MIN_POINTS['leakage-grid-screen']! });
      if (be!.software) {
        expect(r).toBeUndefined();
        expect(lines.some((l) => /backend webgpu skipped: software adapter .*used only when forced/.test(l))).toBe(true);
      } else expect(r?.backend).toBe('webgpu');
    } finally {
      await ev.close();
    }
    const soft = await createEvaluator(LEAKAGE_KERNELS, { backend: 'auto', log: () => {}, allowSoftwareGpu: true });
    try {
      expect((await soft.screen(KERNELS.leakageGridScreen, input, { points: AUTO_SCREEN_MIN_POINTS['leakage-grid-screen']! }))?.backend).toBe('webgpu');
    } finally {
      await soft.close();
    }
  }, LONG);
});
