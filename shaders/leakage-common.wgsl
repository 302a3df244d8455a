// Shared f32 evaluation of Eve's objective F_x(gamma), [L] App. B Eqs. 25-29 (contract:
// src/kernels/leakage-objective/spec.ts). Prepended to leakage-objective.wgsl and
// leakage-grid-screen.wgsl by src/backends/webgpu/index.ts (pipeline()). Plain f32; screen only (SPEC 4).
override D: u32 = 2u;        // local dimension d
override NP: u32 = 2u;       // parties N
override NN: u32 = 4u;       // n = d^N (<= MAXN)
override JOINT: bool = true; // 'joint' (F = P*I, Eq. 27) or 'conditional' (F = I)
const MAXN: u32 = 32u;       // d^N <= 32: (2,2..5), (3,2), (3,3), (4,2), (5,2)
const MAXM: u32 = 10u;       // N*d <= 10 whenever d^N <= 32 and N >= 2

fn xlog2x(x: f32) -> f32 { return select(0.0, x * log2(x), x > 0.0); }

// w_a = gamma_a A_a + B_a; P I = sum w log w - sum_i sum_k m log m + (N-1) P log P (bits).
fn objective_f32(w: ptr<function, array<f32, MAXN>>) -> f32 {
  var marg: array<f32, MAXM>; // zero-initialised (WGSL function-scope variables)
  var P: f32 = 0.0;
  var sj: f32 = 0.0;
  var bad = false;
  for (var a = 0u; a < NN; a++) {
    let wa = (*w)[a];
    bad = bad || !(wa >= 0.0); // NaN or negative: a bug upstream (contract: F = NaN, never 0)
    P += wa;
    sj += xlog2x(wa);
    var rest = a;
    for (var i = 0u; i < NP; i++) {
      let party = NP - 1u - i;
      let k = rest % D;
      rest = rest / D;
      marg[party * D + k] += wa;
    }
  }
  // a quiet NaN made at run time (a NaN const-expression is a shader-creation error)
  if (bad) { return bitcast<f32>(0x7fc00000u | (bitcast<u32>(P) & 0u)); }
  if (!(P > 0.0)) { return 0.0; } // every w_a = 0: F = 0
  var sm: f32 = 0.0;
  for (var j = 0u; j < NP * D; j++) { sm += xlog2x(marg[j]); }
  let joint = sj - sm + f32(NP - 1u) * P * log2(P);
  return select(joint / P, joint, JOINT);
}
