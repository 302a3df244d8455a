/**
 * Host side of the WGSL kernel 'leakage-objective' (shaders/leakage-common.wgsl +
 * leakage-objective.wgsl; contract src/kernels/leakage-objective/spec.ts) in f32 (screen precision).
 */
import type { RunOptions } from '../backend.js';
import { UnsupportedKernelError, throwIfAborted } from '../kernels.js';
import { SCREEN_MAX_OUTCOMES, checkBatchShape, type LeakageObjectiveBatch } from '../../kernels/leakage-objective/spec.js';
import { BU, f32, type GpuContext } from './context.js';

/** Largest d^N of the WGSL objective (shaders/leakage-common.wgsl MAXN = the spec's screening limit). */
export const WGSL_MAX_OUTCOMES = SCREEN_MAX_OUTCOMES;

export async function runLeakageObjective(ctx: GpuContext, b: LeakageObjectiveBatch, opts2?: RunOptions): Promise<Float64Array> {
  const { n, points } = checkBatchShape(b);
  if (n > WGSL_MAX_OUTCOMES) throw new UnsupportedKernelError('webgpu', `leakage-objective with d^N = ${n} > ${WGSL_MAX_OUTCOMES}`);
  const dev = await ctx.acquire();
  const p = await ctx.pipeline(dev, ['leakage-common.wgsl', 'leakage-objective.wgsl'], 'main', {
    D: b.dim, NP: b.parties, NN: n, JOINT: b.objective === 'joint' ? 1 : 0,
  });
  const L = ctx.limits();
  const perDispatch = Math.max(1, Math.min(L.maxComputeWorkgroupsPerDimension * 64, Math.floor(L.maxStorageBufferBindingSize / (4 * n))));
  const coefBuf = ctx.buffer(dev, f32(b.coef), BU.STORAGE);
  const res = new Float64Array(points);
  let dispatches = 0;
  try {
    for (let off = 0; off < points; off += perDispatch) {
      throwIfAborted(opts2?.signal);
      const cnt = Math.min(perDispatch, points - off);
      ctx.beforeDispatch?.(dev, dispatches++);
      const gBuf = ctx.buffer(dev, f32(b.gammas.subarray(off * n, (off + cnt) * n)), BU.STORAGE);
      const pBuf = ctx.buffer(dev, b.problemOf.slice(off, off + cnt), BU.STORAGE);
      const oBuf = ctx.buffer(dev, cnt * 4, BU.STORAGE | BU.COPY_SRC);
      const uBuf = ctx.buffer(dev, new Uint32Array([0, cnt, 0, 0]), BU.UNIFORM);
      const bg = dev.createBindGroup({
        layout: p.getBindGroupLayout(0),
        entries: [uBuf, coefBuf, gBuf, pBuf, oBuf].map((buf, i) => ({ binding: i, resource: { buffer: buf } })),
      });
      const enc = dev.createCommandEncoder();
      const pass = enc.beginComputePass();
      pass.setPipeline(p);
      pass.setBindGroup(0, bg);
      pass.dispatchWorkgroups(Math.ceil(cnt / 64));
      pass.end();
      const out = new Float32Array(await ctx.readBack(dev, enc, oBuf, cnt * 4));
      res.set(out, off);
      for (const x of [gBuf, pBuf, oBuf, uBuf]) x.destroy();
    }
  } finally {
    coefBuf.destroy();
  }
  return res;
}
