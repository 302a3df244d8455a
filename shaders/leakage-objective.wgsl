// Kernel 'leakage-objective' in f32 (contract src/kernels/leakage-objective/spec.ts).
// One invocation per gamma point; the host splits batches to the adapter limits and passes
// `offset` so one dispatch covers points [offset, offset + count).
struct Params { offset: u32, count: u32, pad0: u32, pad1: u32 }
@group(0) @binding(0) var<uniform> prm: Params;
@group(0) @binding(1) var<storage, read> coef: array<f32>;
@group(0) @binding(2) var<storage, read> gammas: array<f32>;
@group(0) @binding(3) var<storage, read> problemOf: array<u32>;
@group(0) @binding(4) var<storage, read_write> outv: array<f32>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.x;
  if (i >= prm.count) { return; }
  let pt = prm.offset + i;
  let c0 = problemOf[pt] * 2u * NN;
  var w: array<f32, MAXN>; // zero-initialised; entries >= NN are never read
  for (var a = 0u; a < NN; a++) { w[a] = gammas[pt * NN + a] * coef[c0 + a] + coef[c0 + NN + a]; }
  outv[i] = objective_f32(&w);
}
