/**
 * Host side of the WGSL kernel 'leakage-grid-screen' (shaders/leakage-common.wgsl +
 * leakage-grid-screen.wgsl; contract src/kernels/leakage-grid-screen/spec.ts): best K cells per
 * problem reduced in the shader; the proven cell modulus is computed in f64 on the host.
 */
import type { RunOptions } from '../backend.js';
import { throwIfAborted } from '../kernels.js';
import { cellModulus, checkGridScreenShape, gridDigits, type LeakageGridScreenInput, type LeakageGridScreenOutput } from '../../kernels/leakage-grid-screen/spec.js';
import { topKInsert } from '../../kernels/leakage-grid-screen/reference.js';
import { BU, f32, type GpuContext } from './context.js';

export async function runLeakageGridScreen(ctx: GpuContext, b: LeakageGridScreenInput, pointsPerThread = 64, opts2?: RunOptions): Promise<LeakageGridScreenOutput> {
  const { n, problems, total } = checkGridScreenShape(b);
  const dev = await ctx.acquire();
  const K = b.topK;
  const ppt = pointsPerThread;
  const consts = { D: b.dim, NP: b.parties, NN: n, JOINT: b.objective === 'joint' ? 1 : 0, K, PPT: ppt };
  const files = ['leakage-common.wgsl', 'leakage-grid-screen.wgsl'];
  const p1 = await ctx.pipeline(dev, files, 'pass1', consts);
  const p2 = await ctx.pipeline(dev, files, 'pass2', consts);
  const L = ctx.limits();
  const step = 1 / (b.grid - 1);
  // Split: problems per dispatch (y dimension, coef + final buffers) and chunk of grid points
  // (x dimension: workgroups <= maxWG; candidate buffer problems*wg*K*8 <= maxStorage).
  const maxWG = L.maxComputeWorkgroupsPerDimension;
  const maxBytes = L.maxStorageBufferBindingSize;
  const probPer = Math.max(1, Math.min(problems, maxWG, Math.floor(maxBytes / (K * 8)), Math.floor(maxBytes / (2 * n * 4))));
  const values = new Float64Array(problems * K).fill(Infinity);
  const index = new Float64Array(problems * K).fill(Infinity);
  let dispatches = 0;
  for (let p0 = 0; p0 < problems; p0 += probPer) {
    const np = Math.min(probPer, problems - p0);
    const wgMax = Math.max(1, Math.min(maxWG, Math.floor(maxBytes / (np * K * 8)), Math.floor(0xffffffff / (64 * ppt))));
    const chunk = Math.min(total, wgMax * 64 * ppt);
    const coefBuf = ctx.buffer(dev, f32(b.coef.subarray(p0 * 2 * n, (p0 + np) * 2 * n)), BU.STORAGE);
    try {
      for (let base = 0; base < total; base += chunk) {
        throwIfAborted(opts2?.signal);
        const cnt = Math.min(chunk, total - base);
        ctx.beforeDispatch?.(dev, dispatches++);
        const wg = Math.ceil(cnt / (64 * ppt));
        const prm = new ArrayBuffer(16 + 48);
        const u = new Uint32Array(prm);
        u[0] = b.grid;
        u[1] = cnt;
        u[2] = wg;
        new Float32Array(prm, 12, 1)[0] = step;
        u.set(Array.from(gridDigits(base, b.grid, n)), 4);
        const uBuf = ctx.buffer(dev, u, BU.UNIFORM);
        const cBuf = ctx.buffer(dev, np * wg * K * 8, BU.STORAGE);
        const fBuf = ctx.buffer(dev, np * K * 8, BU.STORAGE | BU.COPY_SRC);
        const entries = [uBuf, coefBuf, cBuf, fBuf].map((buf, i) => ({ binding: i, resource: { buffer: buf } }));
        const enc = dev.createCommandEncoder();
        const pass = enc.beginComputePass();
        pass.setPipeline(p1);
        pass.setBindGroup(0, dev.createBindGroup({ layout: p1.getBindGroupLayout(0), entries: entries.filter((e) => e.binding !== 3) }));
        pass.dispatchWorkgroups(wg, np);
        pass.setPipeline(p2);
        pass.setBindGroup(0, dev.createBindGroup({ layout: p2.getBindGroupLayout(0), entries: entries.filter((e) => e.binding !== 1) }));
        pass.dispatchWorkgroups(np);
        pass.end();
        const raw = await ctx.readBack(dev, enc, fBuf, np * K * 8);
        const fv = new Float32Array(raw);
        const iv = new Uint32Array(raw);
        for (let q = 0; q < np; q++) {
          for (let k = 0; k < K; k++) {
            const li = iv[(q * K + k) * 2 + 1]!;
            if (li === 0xffffffff) continue;
            topKInsert(values, index, (p0 + q) * K, K, fv[(q * K + k) * 2]!, base + li);
          }
        }
        for (const x of [uBuf, cBuf, fBuf]) x.destroy();
      }
    } finally {
      coefBuf.destroy();
    }
  }
  const modulus = new Float64Array(problems);
  for (let q = 0; q < problems; q++) modulus[q] = b.objective === 'joint' ? cellModulus(b.dim, b.parties, b.coef, q, step / 2) : NaN;
  return { values, index, step, modulus, precision: 'f32', evaluations: total };
}
