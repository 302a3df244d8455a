// Robustness: adapter absence, shader compile errors and device loss never give a wrong or
// missing result: the backend throws, and screenAndRefine falls back to reference with a warning.
import { afterAll, describe, expect, it } from 'vitest';
import { openWebgpu, randomCoef, rng } from './gate.js';
import { createWebgpuBackend } from '../../src/backends/webgpu/index.js';
import { screenAndRefine } from '../../src/runtime/screen-refine.js';
import type { LeakageGridScreenInput, LeakageGridScreenOutput } from '../../src/kernels/leakage-grid-screen/spec.js';

const be = await openWebgpu();
afterAll(async () => {
  await be?.dispose();
});

const input: LeakageGridScreenInput = { dim: 3, parties: 2, coef: randomCoef(9, 3, rng(3)), grid: 4, topK: 4, objective: 'joint' };

describe('webgpu absence', () => {
  it('init throws a clear reason when there is no adapter', async () => {
    const fakeGpu = { requestAdapter: async () => null } as unknown as GPU;
    const b = createWebgpuBackend({ gpu: fakeGpu });
    await expect(b.init()).rejects.toThrow(/no GPU adapter/);
  });
});

describe.skipIf(!be)('webgpu fallbacks', () => {
  it('screenAndRefine on webgpu: screened by webgpu, refined in f64, same minimum as reference', async () => {
    const warns: string[] = [];
    const a = await screenAndRefine(input, { screener: be!, warn: (l) => warns.push(l) });
    const b = await screenAndRefine(input);
    expect(a.screenedBy).toBe('webgpu');
    expect(a.refinedBy).toBe('reference');
    expect(warns).toEqual([]);
    for (let p = 0; p < 3; p++) {
      expect(Math.abs(a.min[p]! - b.min[p]!)).toBeLessThanOrEqual(1e-9);
      expect(a.min[p]!).toBeLessThanOrEqual(b.screen.values[p * 4]! + 1e-15); // refined <= best f64 grid value
    }
  });

  it('a shader that fails to compile: run throws, screenAndRefine falls back with a warning', async () => {
    const bad = await openWebgpu({ shaderOverride: { 'leakage-grid-screen.wgsl': 'fn pass1( { this is not WGSL' } });
    await expect(bad!.run('leakage-grid-screen', input)).rejects.toThrow(/failed to compile/);
    const warns: string[] = [];
    const a = await screenAndRefine(input, { screener: bad!, warn: (l) => warns.push(l) });
    const b = await screenAndRefine(input);
    expect(a.screenedBy).toBe('reference');
    expect(warns.length).toBe(1);
    expect(warns[0]).toMatch(/webgpu failed on leakage-grid-screen .*failed to compile.*falling back to reference/);
    expect(Array.from(a.min)).toEqual(Array.from(b.min));
    await bad!.dispose();
  });

  it('device destroyed mid-run: that batch throws, fallback gives the reference result, next run recovers', async () => {
    const lossy = await openWebgpu({
      limits: { maxComputeWorkgroupsPerDimension: 1 },
      pointsPerThread: 1,
      beforeDispatch: (dev, i) => {
        if (i === 1 && !destroyed) {
          destroyed = true;
          dev.destroy();
        }
      },
    });
    let destroyed = false;
    await expect(lossy!.run('leakage-grid-screen', input)).rejects.toThrow(/webgpu/);
    expect(destroyed).toBe(true);
    destroyed = false;
    const warns: string[] = [];
    const a = await screenAndRefine(input, { screener: lossy!, warn: (l) => warns.push(l) });
    const b = await screenAndRefine(input);
    expect(a.screenedBy).toBe('reference');
    expect(warns.length).toBe(1);
    expect(Array.from(a.min)).toEqual(Array.from(b.min));
    // recovery: a new device is acquired on the next run and gives the f32 screen again
    destroyed = true; // do not destroy again
    const again = await lossy!.run<LeakageGridScreenInput, LeakageGridScreenOutput>('leakage-grid-screen', input);
    expect(again.precision).toBe('f32');
    const fresh = await be!.run<LeakageGridScreenInput, LeakageGridScreenOutput>('leakage-grid-screen', input);
    expect(Array.from(again.index)).toEqual(Array.from(fresh.index));
    expect(Array.from(again.values)).toEqual(Array.from(fresh.values));
    await lossy!.dispose();
  });

  it('an f32 backend is refused as refiner: warning, refined on reference', async () => {
    const warns: string[] = [];
    const a = await screenAndRefine(input, { screener: be!, refiner: be!, warn: (l) => warns.push(l) });
    expect(a.refinedBy).toBe('reference');
    expect(warns).toEqual(['refiner webgpu is not an f64 backend with leakage-objective; refining on reference']);
  });

  it('a disposed backend refuses to run', async () => {
    const b = await openWebgpu();
    await b!.dispose();
    await expect(b!.run('leakage-grid-screen', input)).rejects.toThrow(/disposed/);
  });
});
