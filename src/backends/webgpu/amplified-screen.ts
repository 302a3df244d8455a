/**
 * Host side of the WGSL kernel 'amplified-screen' (shaders/amplified-screen.wgsl, contract
 * src/kernels/amplified-screen/spec.ts): the amplified-line photon-number encoding in f32.
 * The quadrature rule (Kronrod-15 on [-1, 1], src/special/quad.ts) and Temme's
 * c_k(eta) table (src/special/incgamma-temme.ts) are uploaded from their single TS sources.
 */
import { integrate } from '../../special/quad.js';
import { TEMME_C } from '../../special/incgamma-temme.js';
import {
  AMPLIFIED_SCREEN_OUT,
  AMPLIFIED_SCREEN_STRIDE,
  amplifiedPointValid,
  checkAmplifiedScreenShape,
  emptyAmplifiedScreenOutput,
  type AmplifiedScreenInput,
  type AmplifiedScreenOutput,
} from '../../kernels/amplified-screen/spec.js';
import type { RunOptions } from '../backend.js';
import { BU, type GpuContext } from './context.js';
import { throwIfAborted } from '../kernels.js';

/** Pipeline-overridable quadrature settings (see the shader header). */
export interface AmplifiedScreenSettings {
  /** panels per sub-interval of Bob's window integrals (default 2) */
  panelsInner?: number;
  /** minimum panels per sub-interval of Eve's |alpha| integral (default 2, at most 2; more where rE needs them) */
  panelsOuter?: number;
  /** points per dispatch cap (default 2048; adapter limits apply too) */
  pointsPerDispatch?: number;
}

const KT = 5; // Temme terms used in f32 (a >= 20: a^-5 c_5 < 1e-9)
const JT = 16; // Taylor coefficients per term (|eta| <= 0.52 in the Temme region)

let table: Float32Array | undefined;
/** [K15 nodes on [-1,1] (15), weights (15), Temme c_k[j] k < KT, j < JT]. */
function quadTable(): Float32Array {
  if (table) return table;
  const q = integrate(() => 0, -1, 1);
  const t = new Float32Array(30 + KT * JT);
  t.set(q.nodes, 0);
  t.set(q.weights, 15);
  for (let k = 0; k < KT; k++) for (let j = 0; j < JT; j++) t[30 + k * JT + j] = TEMME_C[k]![j]!;
  table = t;
  return t;
}

export async function runAmplifiedScreen(
  ctx: GpuContext,
  input: AmplifiedScreenInput,
  settings: AmplifiedScreenSettings,
  ro?: RunOptions,
): Promise<AmplifiedScreenOutput> {
  const n = checkAmplifiedScreenShape(input);
  const out = emptyAmplifiedScreenOutput(n, 'f32');
  const idx: number[] = [];
  for (let i = 0; i < n; i++) if (amplifiedPointValid(input.points, i)) idx.push(i);
  for (const i of idx) out.valid[i] = 1;
  if (idx.length === 0) return out;
  const pts = new Float32Array(idx.length * AMPLIFIED_SCREEN_STRIDE);
  idx.forEach((i, k) => pts.set(input.points.subarray(i * AMPLIFIED_SCREEN_STRIDE, (i + 1) * AMPLIFIED_SCREEN_STRIDE), k * AMPLIFIED_SCREEN_STRIDE));
  const dev = await ctx.acquire();
  const panelsOuter = settings.panelsOuter ?? 2;
  if (!(panelsOuter === 1 || panelsOuter === 2)) throw new RangeError(`panelsOuter must be 1 or 2, got ${panelsOuter}`);
  const p = await ctx.pipeline(dev, ['amplified-screen.wgsl'], 'main', {
    NPAN_IN: settings.panelsInner ?? 2,
    NPAN_OUT: panelsOuter,
    KT,
    JT,
  });
  const L = ctx.limits();
  const perDispatch = Math.max(1, Math.min(
    L.maxComputeWorkgroupsPerDimension * 64,
    Math.floor(L.maxStorageBufferBindingSize / (4 * AMPLIFIED_SCREEN_OUT)),
    Math.floor(L.maxStorageBufferBindingSize / (4 * AMPLIFIED_SCREEN_STRIDE)),
    settings.pointsPerDispatch ?? 2048,
  ));
  const tabBuf = ctx.buffer(dev, quadTable(), BU.STORAGE);
  const m = idx.length;
  let dispatches = 0;
  try {
    for (let off = 0; off < m; off += perDispatch) {
      throwIfAborted(ro?.signal);
      const cnt = Math.min(perDispatch, m - off);
      ctx.beforeDispatch?.(dev, dispatches++);
      const prm = new ArrayBuffer(32);
      new Uint32Array(prm, 0, 3).set([0, cnt, 1]); // offset, count, one
      new Float32Array(prm, 16, 3).set([input.fixed.G1 - 1, input.fixed.G2 - 1, input.fixed.leak]);
      const uBuf = ctx.buffer(dev, new Uint8Array(prm), BU.UNIFORM);
      const pBuf = ctx.buffer(dev, pts.subarray(off * AMPLIFIED_SCREEN_STRIDE, (off + cnt) * AMPLIFIED_SCREEN_STRIDE), BU.STORAGE);
      const oBuf = ctx.buffer(dev, cnt * AMPLIFIED_SCREEN_OUT * 4, BU.STORAGE | BU.COPY_SRC);
      const bg = dev.createBindGroup({
        layout: p.getBindGroupLayout(0),
        entries: [uBuf, tabBuf, pBuf, oBuf].map((buffer, binding) => ({ binding, resource: { buffer } })),
      });
      const enc = dev.createCommandEncoder();
      const pass = enc.beginComputePass();
      pass.setPipeline(p);
      pass.setBindGroup(0, bg);
      pass.dispatchWorkgroups(Math.ceil(cnt / 64));
      pass.end();
      const v = new Float32Array(await ctx.readBack(dev, enc, oBuf, cnt * AMPLIFIED_SCREEN_OUT * 4));
      for (let k = 0; k < v.length; k++) if (v[k]! <= -1e30) v[k] = -Infinity; // the shader's log 0
      for (let k = 0; k < cnt; k++) {
        const i = idx[off + k]!;
        const o = k * AMPLIFIED_SCREEN_OUT;
        for (let j = 0; j < 4; j++) out.logPba[4 * i + j] = v[o + j]!;
        out.logPCheckEve[2 * i] = v[o + 4]!;
        out.logPCheckEve[2 * i + 1] = v[o + 5]!;
        out.resolved[i] = v[o + 8]! > 0.5 ? 1 : 0;
        out.chi[i] = out.resolved[i] ? v[o + 6]! : NaN;
        out.rate[i] = out.resolved[i] ? v[o + 7]! : NaN;
      }
      for (const b of [uBuf, pBuf, oBuf]) b.destroy();
    }
  } finally {
    tabBuf.destroy();
  }
  return out;
}
