// Kernel 'leakage-grid-screen' in f32 (contract src/kernels/leakage-grid-screen/spec.ts).
// Grid gamma_a = k_a * step, k_a in 0..G-1, linear index c = sum_a k_a G^a (axis 0 fastest).
// One dispatch covers the chunk [base, base + chunkCount) of every problem in the batch.
// pass1: each invocation scans PPT consecutive points keeping its best K (value, local index),
//        then a workgroup tree-merge leaves the workgroup's best K in `cands`.
// pass2: one workgroup per problem merges all workgroups' candidates to the chunk's best K.
// Ordering: (value, index) lexicographic, so results are deterministic.
override K: u32 = 4u;      // best cells kept (<= 8)
override PPT: u32 = 64u;   // points per invocation in pass1
const WG: u32 = 64u;
const MAXK: u32 = 8u;
const SENT_V: f32 = 3.0e38;
const SENT_I: u32 = 0xffffffffu;

struct Params {
  G: u32, chunkCount: u32, wgPerProblem: u32, step: f32,
  base: array<vec4u, 3>,   // base-G digits of the chunk's first linear index (9 used)
}
struct Cand { v: f32, i: u32 }
@group(0) @binding(0) var<uniform> prm: Params;
@group(0) @binding(1) var<storage, read> coef: array<f32>;
@group(0) @binding(2) var<storage, read_write> cands: array<Cand>;
@group(0) @binding(3) var<storage, read_write> best: array<Cand>;

var<workgroup> sv: array<f32, 512>;   // WG * MAXK
var<workgroup> si: array<u32, 512>;

fn better(v1: f32, i1: u32, v2: f32, i2: u32) -> bool { return v1 < v2 || (v1 == v2 && i1 < i2); }

fn insert(bv: ptr<function, array<f32, 8>>, bi: ptr<function, array<u32, 8>>, v: f32, i: u32) {
  if (!better(v, i, (*bv)[K - 1u], (*bi)[K - 1u])) { return; }
  var j = K - 1u;
  loop {
    if (j == 0u) { break; }
    if (!better(v, i, (*bv)[j - 1u], (*bi)[j - 1u])) { break; }
    (*bv)[j] = (*bv)[j - 1u];
    (*bi)[j] = (*bi)[j - 1u];
    j -= 1u;
  }
  (*bv)[j] = v;
  (*bi)[j] = i;
}

// Tree-merge the WG sorted lists in sv/si into slot 0. Must be called in uniform control flow.
fn workgroup_merge(lid: u32) {
  var s = WG / 2u;
  loop {
    if (s == 0u) { break; }
    workgroupBarrier();
    if (lid < s) {
      var mv: array<f32, 8>;
      var mi: array<u32, 8>;
      var p = lid * K;
      var q = (lid + s) * K;
      let pe = p + K;
      let qe = q + K;
      for (var k = 0u; k < K; k++) {
        // both lists have K entries (sentinels pad), so one side always remains
        let takeP = q >= qe || (p < pe && better(sv[p], si[p], sv[q], si[q]));
        if (takeP) { mv[k] = sv[p]; mi[k] = si[p]; p++; } else { mv[k] = sv[q]; mi[k] = si[q]; q++; }
      }
      for (var k = 0u; k < K; k++) { sv[lid * K + k] = mv[k]; si[lid * K + k] = mi[k]; }
    }
    s = s / 2u;
  }
  workgroupBarrier();
}

@compute @workgroup_size(64)
fn pass1(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) lid: u32) {
  let prob = wid.y;
  let c0 = prob * 2u * NN;
  var A: array<f32, MAXN>; // zero-initialised; entries >= NN are never read
  var B: array<f32, MAXN>;
  for (var a = 0u; a < NN; a++) { A[a] = coef[c0 + a]; B[a] = coef[c0 + NN + a]; }
  var bv: array<f32, 8>;
  var bi: array<u32, 8>;
  for (var k = 0u; k < MAXK; k++) { bv[k] = SENT_V; bi[k] = SENT_I; }
  let start = (wid.x * WG + lid) * PPT;
  if (start < prm.chunkCount) {
    // digits of base + start (base G, axis 0 least significant)
    var dig: array<u32, 9>;
    var rest = start;
    var carry = 0u;
    for (var a = 0u; a < NN; a++) {
      let t = prm.base[a / 4u][a % 4u] + rest % prm.G + carry;
      rest = rest / prm.G;
      carry = t / prm.G;
      dig[a] = t % prm.G;
    }
    let end = min(start + PPT, prm.chunkCount);
    var w: array<f32, MAXN>; // entries >= NN stay 0 (never read)
    for (var c = start; c < end; c++) {
      for (var a = 0u; a < NN; a++) { w[a] = f32(dig[a]) * prm.step * A[a] + B[a]; }
      let F = objective_f32(&w);
      insert(&bv, &bi, F, c);
      // next grid point: increment digit 0 with carry
      for (var a = 0u; a < NN; a++) {
        dig[a] += 1u;
        if (dig[a] < prm.G) { break; }
        dig[a] = 0u;
      }
    }
  }
  for (var k = 0u; k < K; k++) { sv[lid * K + k] = bv[k]; si[lid * K + k] = bi[k]; }
  workgroup_merge(lid);
  if (lid == 0u) {
    let o = (prob * prm.wgPerProblem + wid.x) * K;
    for (var k = 0u; k < K; k++) { cands[o + k] = Cand(sv[k], si[k]); }
  }
}

@compute @workgroup_size(64)
fn pass2(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) lid: u32) {
  let prob = wid.x;
  var bv: array<f32, 8>;
  var bi: array<u32, 8>;
  for (var k = 0u; k < MAXK; k++) { bv[k] = SENT_V; bi[k] = SENT_I; }
  let total = prm.wgPerProblem * K;
  let o = prob * total;
  for (var j = lid; j < total; j += WG) {
    let c = cands[o + j];
    insert(&bv, &bi, c.v, c.i);
  }
  for (var k = 0u; k < K; k++) { sv[lid * K + k] = bv[k]; si[lid * K + k] = bi[k]; }
  workgroup_merge(lid);
  if (lid == 0u) {
    for (var k = 0u; k < K; k++) { best[prob * K + k] = Cand(sv[k], si[k]); }
  }
}
