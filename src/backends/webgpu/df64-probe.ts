/**
 * Start-up probe for double-float (df64) arithmetic in WGSL (SPEC 4): runs the textbook
 * error-free transformations on the adapter with inputs the compiler cannot see, and reports
 * whether the error terms survive (compilers may reassociate (a+b)-a to b, or fuse into FMA).
 * keyrate uses df64 only if this returns ok === true; today the backend stays f32-screen +
 * f64-refine regardless (docs/webgpu.md), the probe documents why.
 */
const PROBE_WGSL = /* wgsl */ `
@group(0) @binding(0) var<storage, read> inp: array<f32>;
@group(0) @binding(1) var<storage, read_write> outp: array<f32>;
@compute @workgroup_size(1)
fn main() {
  let a = inp[0];
  let b = inp[1];
  // Knuth two-sum: s + e == a + b exactly
  let s = a + b;
  let bb = s - a;
  let e = (a - (s - bb)) + (b - bb);
  outp[0] = s;
  outp[1] = e;
  // Fast two-sum (|a| >= |b|)
  let s2 = a + b;
  outp[2] = b - (s2 - a);
  // Dekker split + two-product error term of x*y
  let x = inp[2];
  let y = inp[3];
  let p = x * y;
  let c = 4097.0 * x;
  let xh = c - (c - x);
  let xl = x - xh;
  let c2 = 4097.0 * y;
  let yh = c2 - (c2 - y);
  let yl = y - yh;
  outp[3] = p;
  outp[4] = ((xh * yh - p) + xh * yl + xl * yh) + xl * yl;
}`;

export interface Df64ProbeResult {
  ok: boolean;
  /** Observed and exact error terms (exact ones computed in f64 on the host). */
  twoSum: { got: number; exact: number };
  fastTwoSum: { got: number; exact: number };
  twoProduct: { got: number; exact: number };
}

/** The probe's inputs (f32 values): two-sum of a + b, two-product of x * y. */
export const DF64_PROBE_INPUTS = {
  a: 1,
  b: Math.fround(1e-8 + 2 ** -40), // far below 1 ulp of a in f32
  x: Math.fround(1 + 2 ** -12),
  y: Math.fround(1 - 2 ** -13),
} as const;

export async function probeDf64(device: GPUDevice): Promise<Df64ProbeResult> {
  const { a, b, x, y } = DF64_PROBE_INPUTS;
  const input = new Float32Array([a, b, x, y]);
  const mod = device.createShaderModule({ code: PROBE_WGSL });
  const pipe = device.createComputePipeline({ layout: 'auto', compute: { module: mod, entryPoint: 'main' } });
  const inBuf = device.createBuffer({ size: 16, usage: 0x80 | 0x8, mappedAtCreation: true });
  new Float32Array(inBuf.getMappedRange()).set(input);
  inBuf.unmap();
  const outBuf = device.createBuffer({ size: 32, usage: 0x80 | 0x4 });
  const rb = device.createBuffer({ size: 32, usage: 0x1 | 0x8 });
  const enc = device.createCommandEncoder();
  const pass = enc.beginComputePass();
  pass.setPipeline(pipe);
  pass.setBindGroup(0, device.createBindGroup({ layout: pipe.getBindGroupLayout(0), entries: [inBuf, outBuf].map((buf, i) => ({ binding: i, resource: { buffer: buf } })) }));
  pass.dispatchWorkgroups(1);
  pass.end();
  enc.copyBufferToBuffer(outBuf, 0, rb, 0, 32);
  device.queue.submit([enc.finish()]);
  await rb.mapAsync(0x1);
  const o = new Float32Array(rb.getMappedRange().slice(0));
  rb.unmap();
  for (const buf of [inBuf, outBuf, rb]) buf.destroy();
  const s = Math.fround(a + b);
  const exactSum = a + b - s; // exact in f64
  const p = Math.fround(x * y);
  const exactProd = x * y - p; // x*y exact in f64 (24+24 bits)
  const twoSum = { got: o[1]!, exact: exactSum };
  const fastTwoSum = { got: o[2]!, exact: exactSum };
  const twoProduct = { got: o[4]!, exact: exactProd };
  const ok = [twoSum, fastTwoSum, twoProduct].every((t) => t.got === Math.fround(t.exact) && t.exact !== 0);
  return { ok, twoSum, fastTwoSum, twoProduct };
}
