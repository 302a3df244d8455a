// Kernel 'amplified-screen' in f32 (contract src/kernels/amplified-screen/spec.ts): the
// photon-number encoding of the amplified line, paper [A] Supplementary Note 4 (SPEC.md 3.2),
// 'exact' method, in log space. One invocation per parameter point (stride 6:
// |g0|^2, |g1|^2, theta1..theta4). Screen precision only (SPEC 4): callers re-evaluate in f64.
//
// Outputs (stride 9): log p(b|a) for (a,b) = 00, 01, 10, 11 (Eq. 94, Bob's windows Eq. 2a);
// log p(check|a) for a = 0, 1 from Eve's route (the trace of Eq. 104 before normalisation);
// chi (Eqs. 113-116, Holevo of Eve's Fock-diagonal states) and Lf/L = p_check (I(A:B) - chi) (Eq. 7);
// slot 8: 1 if Eve's |alpha| panels resolve the Fock mixture (HRES below), else 0 (chi unreliable).
//
// Quadrature: fixed composite Kronrod-15 panels (nodes/weights from src/models/amplified/quad.ts
// on [-1, 1], uploaded in `tab`) over centre +- (9 sd + 1), split at the Rician centre and at
// each window edge e (in |beta|: sqrt(e)) and e +- EW (the Poisson-window step has width ~1/2
// in |beta|), NPAN_* panels per sub-interval. Incomplete gamma as in src/special/incgamma.ts
// (Temme's expansion with its c_k(eta) Taylor table uploaded in `tab`, series, continued fraction).
override NPAN_IN: u32 = 2u;   // panels per sub-interval, Bob's window integrals (Eq. 94)
override NPAN_OUT: u32 = 2u;  // panels per sub-interval, Eve's |alpha| integral (Eq. 104); <= 2
override EW: f32 = 3.0;       // half-width in |beta| of the panels around a window edge
override KT: u32 = 5u;        // Temme terms c_0..c_{KT-1}
override JT: u32 = 16u;       // Taylor coefficients per c_k
const SDR: f32 = 9.0;         // integration range centre +- SDR sd (+1), as photon-number.ts
const MAXPAN: u32 = 64u;      // outer panels per a (budget; >= 14 sub-intervals x NPAN_OUT, NPAN_OUT <= 2)
const MAXNODE: u32 = 960u;    // MAXPAN * 15
// Fock-sum resolution: rho_a(n) = sum_i W_i Poisson(n; rE r_i^2) is a smooth mixture only if the
// node gap in lambda (<= 0.2078 h * 2 rE r for a K15 panel of half-width h) stays below the Poisson
// width sqrt(lambda) = sqrt(rE) r, i.e. h <= HRES / sqrt(rE); otherwise it is a comb of Poissons.
const HRES: f32 = 2.4;
const NEG: f32 = -3.0e38;     // log 0
const LOG_SQRT_2PI: f32 = 0.91893853320467274;
const INV_SQRT_2PI: f32 = 0.39894228040143268;
const TWO_PI: f32 = 6.2831853071795865;
const LN2: f32 = 0.69314718055994531;
const TEMME0: u32 = 30u;      // offset of the Temme table in tab

// `one` = 1 multiplies loop counts so that they are not compile-time constants: Mesa would
// unroll them and inline a copy of the quadrature per iteration (minutes of pipeline compile).
struct Params { offset: u32, count: u32, one: u32, pad1: u32, G1m: f32, G2m: f32, leak: f32, pad2: f32 }
@group(0) @binding(0) var<uniform> prm: Params;
@group(0) @binding(1) var<storage, read> tab: array<f32>;
@group(0) @binding(2) var<storage, read> pts: array<f32>;
@group(0) @binding(3) var<storage, read_write> outv: array<f32>;

// ---------- elementary functions (f32) ----------
fn lae(a: f32, b: f32) -> f32 { // log(e^a + e^b)
  let m = max(a, b);
  if (m <= NEG) { return NEG; }
  return m + log(1.0 + exp(min(a, b) - m));
}
fn expm1f(x: f32) -> f32 {
  if (abs(x) < 0.35) {
    return x * (1.0 + x * (0.5 + x * (1.0 / 6.0 + x * (1.0 / 24.0 + x * (1.0 / 120.0 + x * (1.0 / 720.0 + x / 5040.0))))));
  }
  return exp(x) - 1.0;
}
fn log1pf(x: f32) -> f32 {
  if (abs(x) < 0.35) { // 2 atanh(x / (2 + x))
    let u = x / (2.0 + x);
    let u2 = u * u;
    var s: f32 = 0.0;
    for (var k = 15; k >= 3; k -= 2) { s = s * u2 + 1.0 / f32(k); }
    return 2.0 * u * (1.0 + u2 * s);
  }
  return log(1.0 + x);
}
fn log1mexp(x: f32) -> f32 { // log(1 - e^x), x <= 0
  if (x >= 0.0) { return NEG; }
  if (x > -LN2) { return log(-expm1f(x)); }
  return log1pf(-exp(x));
}
// log(1 + t) - t, no cancellation for -0.5 < t < 1 (u = t/(2+t); = -t^2/(2+t) + 2 sum_{k>=1} u^(2k+1)/(2k+1))
fn log1pmx(t: f32) -> f32 {
  if (t > -0.5 && t < 1.0) {
    let u = t / (2.0 + t);
    let u2 = u * u;
    var s: f32 = 0.0;
    for (var k = 23; k >= 3; k -= 2) { s = s * u2 + 1.0 / f32(k); }
    return -t * t / (2.0 + t) + 2.0 * u * u2 * s;
  }
  return log(1.0 + t) - t;
}
fn stirling_corr(a: f32) -> f32 { // lgamma(a) - Stirling, a >= 10
  let i = 1.0 / a;
  let i2 = i * i;
  return i * (1.0 / 12.0 - i2 * (1.0 / 360.0 - i2 / 1260.0));
}
fn lgammaf(x0: f32) -> f32 { // x0 > 0: shift to >= 10, then Stirling
  var x = x0;
  var acc: f32 = 0.0;
  while (x < 10.0) { acc += log(x); x += 1.0; }
  return (x - 0.5) * log(x) - x + LOG_SQRT_2PI + stirling_corr(x) - acc;
}
// erfcx(z) = e^{z^2} erfc(z), z >= 0: Chebyshev fit of Numerical Recipes erfcc (fractional error
// < 1.2e-7 for all z >= 0) with the e^{-z^2} factor cancelled analytically.
fn erfcx(z: f32) -> f32 {
  let t = 1.0 / (1.0 + 0.5 * z);
  return t * exp(-1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 +
    t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
}
// log(I0(x) e^{-x}), x >= 0: power series below 15, Hankel asymptotic series (7 terms) above.
fn log_i0e(x: f32) -> f32 {
  if (x < 15.0) {
    let q = 0.25 * x * x;
    var t: f32 = 1.0;
    var s: f32 = 1.0;
    for (var k = 1; k < 80; k++) {
      t *= q / f32(k * k);
      s += t;
      if (t < 1e-8 * s) { break; }
    }
    return log(s) - x;
  }
  let i = 1.0 / x;
  let s = 1.0 + i * (0.125 + i * (0.0703125 + i * (0.0732421875 + i * (0.112152099609375 + i * (0.2271080017089844 + i * 0.5725014209747314)))));
  return log(s) - 0.5 * log(TWO_PI * x);
}

// ---------- regularised incomplete gamma (log of the smaller tail), src/special/incgamma.ts ----------
fn log_prefix(a: f32, x: f32) -> f32 { // log(x^a e^-x / Gamma(a))
  if (a < 10.0) { return a * log(x) - x - lgammaf(a); }
  let t = (x - a) / a;
  var main: f32;
  if (t > -0.5 && t < 1.0) { main = a * log1pmx(t); } else { main = a * log(x / a) - (x - a); }
  return main + 0.5 * log(a) - LOG_SQRT_2PI - stirling_corr(a);
}
fn log_p_series(a: f32, x: f32) -> f32 { // x < a + 1 (DLMF 8.11.4 form)
  var term: f32 = 1.0;
  var sum: f32 = 1.0;
  for (var n = 1; n < 500; n++) {
    term *= x / (a + f32(n));
    sum += term;
    if (term < 1e-8 * sum) { break; }
  }
  return log_prefix(a, x) - log(a) + log(sum);
}
fn log_q_cf(a: f32, x: f32) -> f32 { // x >= a + 1: Legendre continued fraction, modified Lentz (DLMF 8.9.2)
  let tiny: f32 = 1e-30;
  var b = x + 1.0 - a;
  var c = 1.0 / tiny;
  var d = 1.0 / b;
  var h = d;
  for (var i = 1; i < 500; i++) {
    let an = -f32(i) * (f32(i) - a);
    b += 2.0;
    d = an * d + b;
    if (abs(d) < tiny) { d = tiny; }
    c = b + an / c;
    if (abs(c) < tiny) { c = tiny; }
    d = 1.0 / d;
    let del = d * c;
    h *= del;
    if (abs(del - 1.0) < 1e-7) { break; }
  }
  return log_prefix(a, x) + log(h);
}
fn temme(a: f32, x: f32) -> vec2f { // Temme 1979 / DLMF 8.12: a >= 20, -0.4 <= (x-a)/a <= 0.6
  let sigma = (x - a) / a;
  let phi = max(-log1pmx(sigma), 0.0);
  let y = a * phi;
  let eta = select(sqrt(2.0 * phi), -sqrt(2.0 * phi), sigma < 0.0);
  let ia = 1.0 / a;
  var sum: f32 = 0.0;
  for (var k = i32(KT) - 1; k >= 0; k--) {
    var p: f32 = 0.0;
    for (var j = i32(JT) - 1; j >= 0; j--) { p = p * eta + tab[TEMME0 + u32(k) * JT + u32(j)]; }
    sum = sum * ia + p;
  }
  let r = sum * INV_SQRT_2PI * sqrt(ia);
  let half = 0.5 * erfcx(sqrt(y));
  if (sigma >= 0.0) { return vec2f(-y + log(half + r), 1.0); }
  return vec2f(-y + log(half - r), 0.0);
}
// (log of the directly computed tail, 1 if it is Q else 0); a > 0, x > 0
fn gcore(a: f32, x: f32) -> vec2f {
  if (a >= 20.0) {
    let s = (x - a) / a;
    if (s >= -0.4 && s <= 0.6) { return temme(a, x); }
  }
  if (x < a + 1.0) { return vec2f(log_p_series(a, x), 0.0); }
  return vec2f(log_q_cf(a, x), 1.0);
}
// log P(lo <= k <= hi | Poisson x) = log(Q(hi+1, x) - Q(lo, x)) (SPEC 3.2 continuous edges).
// gcore is called from ONE site (loop over the edges with a run-time trip count): Mesa inlines
// every call, so each extra call site multiplies the pipeline compile time.
fn log_pwin(lo: f32, hi: f32, x: f32) -> f32 {
  let a2 = hi + 1.0;
  if (hi < lo || a2 <= 0.0) { return NEG; }
  if (x <= 0.0) { return select(NEG, 0.0, lo <= 0.0); }
  let ne = select(2u, 1u, lo <= 0.0);
  var c: array<vec2f, 2>;
  for (var k = 0u; k < ne; k++) { c[k] = gcore(select(lo, a2, k == 0u), x); }
  let c2 = c[0];
  if (lo <= 0.0) { return select(log1mexp(c2.x), c2.x, c2.y > 0.5); }
  let c1 = c[1];
  if (c1.y > 0.5 && c2.y > 0.5) { return c2.x + log1mexp(min(c1.x - c2.x, 0.0)); } // Q2 - Q1
  if (c1.y < 0.5 && c2.y < 0.5) { return c1.x + log1mexp(min(c2.x - c1.x, 0.0)); } // P1 - P2
  var d: f32;
  if (c1.y > 0.5) { d = 1.0 - exp(c1.x) - exp(c2.x); } // 1 - Q1 - P2
  else { d = exp(c2.x) - 1.0 + exp(c1.x); }             // Q2 - (1 - P1)
  return select(NEG, log(d), d > 0.0);
}
// log of the Rician density of |beta| (Eq. 101 form), centre c, thermal S > 0
fn log_rice(r: f32, c: f32, S: f32) -> f32 {
  return log(2.0 * r / S) - (r - c) * (r - c) / S + log_i0e(2.0 * r * c / S);
}

// ---------- breakpoints ----------
fn add_break(b: ptr<function, array<f32, 16>>, n: ptr<function, u32>, v: f32) {
  // keep sorted; only strictly inside (b[0], b[n-1]) (the range ends are inserted first)
  if (!(v > (*b)[0] && v < (*b)[*n - 1u])) { return; }
  var j = *n;
  loop {
    if (j == 0u || (*b)[j - 1u] <= v) { break; }
    (*b)[j] = (*b)[j - 1u];
    j -= 1u;
  }
  (*b)[j] = v;
  *n += 1u;
}

struct Lse { m: f32, s: f32 }
fn lse_add(acc: ptr<function, Lse>, v: f32) {
  if (v <= NEG) { return; }
  if (v > (*acc).m) { (*acc).s = (*acc).s * exp((*acc).m - v) + 1.0; (*acc).m = v; }
  else { (*acc).s += exp(v - (*acc).m); }
}
fn lse_get(acc: Lse) -> f32 { return select(NEG, acc.m + log(acc.s), acc.s > 0.0); }

// log of Bob's window probability for a displaced thermal state (Eqs. 92-94): Poisson mixture over
// |beta| with the Rician of centre sqrt(D), thermal S.
fn log_window(lo: f32, hi: f32, D: f32, S: f32) -> f32 {
  if (hi < lo) { return NEG; }
  let point = S <= 0.0; // no thermal noise: a plain Poisson window at mean D (one node)
  let c = sqrt(D);
  let sd = sqrt(0.5 * S);
  var b: array<f32, 16>;
  b[0] = max(0.0, c - SDR * sd - 1.0);
  b[1] = c + SDR * sd + 1.0;
  if (point) { b[0] = 0.0; b[1] = 1.0; }
  var nb = 2u;
  add_break(&b, &nb, c);
  let e0 = sqrt(max(lo, 0.0));
  let e1 = sqrt(max(hi + 1.0, 0.0));
  add_break(&b, &nb, e0 - EW); add_break(&b, &nb, e0); add_break(&b, &nb, e0 + EW);
  add_break(&b, &nb, e1 - EW); add_break(&b, &nb, e1); add_break(&b, &nb, e1 + EW);
  var acc = Lse(NEG, 0.0);
  for (var i = 0u; i + 1u < nb; i++) {
    let h = (b[i + 1u] - b[i]) / f32(2u * NPAN_IN);
    if (!(h > 0.0)) { continue; }
    for (var p = 0u; p < NPAN_IN; p++) {
      let mid = b[i] + f32(2u * p + 1u) * h;
      let lh = log(h);
      for (var j = 0u; j < 15u; j++) {
        var x = D;
        var lr: f32 = 0.0;
        if (point) {
          if (i + p + j > 0u) { continue; }
        } else {
          let r = mid + h * tab[j];
          if (r <= 0.0) { continue; }
          lr = lh + log(tab[15u + j]) + log_rice(r, c, S);
          if (lr < -120.0) { continue; }
          x = r * r;
        }
        lse_add(&acc, lr + log_pwin(lo, hi, x));
      }
    }
  }
  return lse_get(acc);
}

// log Poisson(n; lam), stable for large n: n log1pmx(lam/n - 1) - log sqrt(2 pi n) - corr(n)
fn log_poisson(n: f32, lam: f32) -> f32 {
  if (lam <= 0.0) { return select(NEG, 0.0, n == 0.0); }
  if (n < 10.0) { return n * log(lam) - lam - lgammaf(n + 1.0); }
  return n * log1pmx(lam / n - 1.0) - 0.5 * log(TWO_PI * n) - stirling_corr(n);
}

// Eve's |alpha| quadrature for input a (Eq. 104, the separated integral of photon-number.ts
// eveStateExact): nodes r_i with log weights lw_i = log(w_i W_a(r_i) g(r_i)), panels' lambda range.
struct Outer {
  r: array<f32, MAXNODE>,
  lw: array<f32, MAXNODE>,
  plo: array<f32, MAXPAN>,  // min lambda = rE r^2 of the panel
  phi: array<f32, MAXPAN>,
  pmax: array<f32, MAXPAN>, // max lw of the panel
  np: u32,
  resolved: bool,
  lz: f32,                  // log sum of weights = log p(check|a), Eve's route
  maxlw: f32,
}
var<private> ou: array<Outer, 2>;
var<private> win: array<f32, 4>; // lo0, hi0, lo1, hi1 (Eq. 2a)

// log of a window probability given the displacement D and thermal S: the ONE call site of log_window
fn log_win_pair(D: f32, S: f32, first: u32, count: u32) -> f32 {
  var acc = NEG;
  for (var k = first; k < first + count; k++) { acc = lae(acc, log_window(win[2u * k], win[2u * k + 1u], D, S)); }
  return acc;
}

fn outer_nodes(a: u32, ga: f32) {
  for (var i = 0u; i < MAXNODE; i++) { ou[a].lw[i] = NEG; ou[a].r[i] = 0.0; }
  ou[a].np = 0u;
  let point = prm.G1m <= 0.0; // Eve next to Alice: w_a is a point mass at gamma_a (one node)
  let S1 = prm.G1m;
  let sd = sqrt(0.5 * S1);
  var b: array<f32, 16>;
  b[0] = max(0.0, ga - SDR * sd - 1.0);
  b[1] = ga + SDR * sd + 1.0;
  if (point) { b[0] = ga; b[1] = ga + 1.0; }
  var nb = 2u;
  add_break(&b, &nb, ga);
  let sc = 1.0 / sqrt(1.0 - prm.leak);
  let ew = EW * sc;
  for (var k = 0u; k < 4u; k++) {
    let ek = win[k] + select(0.0, 1.0, k % 2u == 1u); // lo0, hi0 + 1, lo1, hi1 + 1
    if (ek > 0.0) {
      let e = sqrt(ek) * sc;
      add_break(&b, &nb, e - ew); add_break(&b, &nb, e); add_break(&b, &nb, e + ew);
    }
  }
  // panels per sub-interval: enough for h <= HRES/sqrt(rE) when the budget MAXPAN allows
  let hmax = HRES / sqrt(prm.leak);
  var need = 0u;
  for (var i = 0u; i + 1u < nb; i++) { need += max(NPAN_OUT, u32(ceil((b[i + 1u] - b[i]) / (2.0 * hmax)))); }
  ou[a].resolved = point || need <= MAXPAN;
  var np = 0u;
  for (var i = 0u; i + 1u < nb; i++) {
    var k = NPAN_OUT;
    if (need <= MAXPAN) { k = max(NPAN_OUT, u32(ceil((b[i + 1u] - b[i]) / (2.0 * hmax)))); }
    let h = (b[i + 1u] - b[i]) / f32(2u * k);
    if (!(h > 0.0)) { continue; }
    for (var p = 0u; p < k; p++) {
      if (np >= MAXPAN) { break; }
      let mid = b[i] + f32(2u * p + 1u) * h;
      let lh = log(h);
      var rlo = mid - h;
      var rhi = mid + h;
      for (var j = 0u; j < 15u; j++) {
        var r = mid + h * tab[j];
        var lr: f32 = 0.0;
        if (point) {
          if (i + p + j > 0u) { continue; }
          r = ga; rlo = ga; rhi = ga;
        } else {
          if (r <= 0.0) { continue; }
          lr = lh + log(tab[15u + j]) + log_rice(r, ga, S1);
          if (lr < -120.0) { continue; }
        }
        let q = np * 15u + j;
        ou[a].r[q] = r;
        ou[a].lw[q] = lr; // times g(r) later (main's window loop)
      }
      ou[a].plo[np] = prm.leak * rlo * rlo;
      ou[a].phi[np] = prm.leak * rhi * rhi;
      np += 1u;
      if (point) { break; }
    }
    if (point) { break; }
  }
  ou[a].np = np;
}

// after g: panel maxima and log p(check|a) = log sum of the weights
fn outer_finish(a: u32) {
  var acc = Lse(NEG, 0.0);
  ou[a].maxlw = NEG;
  for (var p = 0u; p < ou[a].np; p++) {
    var pm = NEG;
    for (var j = 0u; j < 15u; j++) {
      let v = ou[a].lw[p * 15u + j];
      pm = max(pm, v);
      lse_add(&acc, v);
    }
    ou[a].pmax[p] = pm;
    ou[a].maxlw = max(ou[a].maxlw, pm);
  }
  ou[a].lz = lse_get(acc);
}

// log rho_a(n) (unnormalised): log sum_i exp(lw_i) Poisson(n; rE r_i^2) over relevant panels
fn log_rho(a: u32, n: f32, cut: f32) -> f32 {
  var acc = Lse(NEG, 0.0);
  for (var p = 0u; p < ou[a].np; p++) {
    if (ou[a].pmax[p] < cut) { continue; }
    let w = 12.0 * sqrt(max(ou[a].phi[p], n)) + 30.0;
    if (n < ou[a].plo[p] - w || n > ou[a].phi[p] + w) { continue; }
    for (var j = 0u; j < 15u; j++) {
      let q = p * 15u + j;
      let v = ou[a].lw[q];
      if (v < cut) { continue; }
      lse_add(&acc, v + log_poisson(n, prm.leak * ou[a].r[q] * ou[a].r[q]));
    }
  }
  return lse_get(acc);
}

fn xlog2x(x: f32) -> f32 { return select(0.0, x * log2(x), x > 0.0); }

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.x;
  if (i >= prm.count) { return; }
  let pt = (prm.offset + i) * 6u;
  let o9 = i * 9u;
  var ph = array<f32, 2>(pts[pt], pts[pt + 1u]);
  // windows (Eq. 2a): E0 = [mu - th3, mu - th1], E1 = [mu + th2, mu + th4]
  let mu = 0.5 * (ph[0] + ph[1]);
  win = array<f32, 4>(mu - pts[pt + 4u], mu - pts[pt + 2u], mu + pts[pt + 3u], mu + pts[pt + 5u]);
  let rE = prm.leak; // the paper's r_E in the formulas below
  // Bob (Eq. 94): S = (1-rE)(G1-1) + (G2-1), D = (1-rE) gamma_a^2
  let S = (1.0 - rE) * prm.G1m + prm.G2m;
  var lp: array<f32, 4>;
  if (rE > 0.0) { for (var a = 0u; a < 2u * prm.one; a++) { outer_nodes(a, sqrt(ph[a])); } }
  else { ou[0].np = 0u; ou[1].np = 0u; }
  // All window probabilities in ONE loop (one inlined copy of the quadrature): k < 4 Bob's p(b|a);
  // then Eve's nodes, g(|alpha|) = Bob's check probability given |alpha| (D = (1-rE)|alpha|^2, S = G2-1).
  let m0 = ou[0].np * 15u;
  let jobs = 4u + m0 + ou[1].np * 15u;
  for (var k = 0u; k < jobs; k++) {
    var D = (1.0 - rE) * ph[k / 2u % 2u];
    var Sk = S;
    var first = k % 2u;
    var cnt = 1u;
    var a = 0u;
    var q = 0u;
    if (k >= 4u) {
      a = select(0u, 1u, k - 4u >= m0);
      q = k - 4u - select(0u, m0, a == 1u);
      if (ou[a].lw[q] <= NEG) { continue; }
      D = (1.0 - rE) * ou[a].r[q] * ou[a].r[q];
      Sk = prm.G2m;
      first = 0u;
      cnt = 2u;
    }
    let v = log_win_pair(D, Sk, first, cnt);
    if (k < 4u) { lp[k] = v; } else { ou[a].lw[q] += v; }
  }
  for (var k = 0u; k < 4u; k++) { outv[o9 + k] = lp[k]; }
  let pba = array<f32, 4>(exp(lp[0]), exp(lp[1]), exp(lp[2]), exp(lp[3]));
  let pc = array<f32, 2>(pba[0] + pba[1], pba[2] + pba[3]);
  let pCheck = 0.5 * (pc[0] + pc[1]); // Eq. 96
  // I(A:B) (Eq. 95) = H(A) + H(B) - H(AB) of the joint p(b|a)/(2 p_check)
  let j0 = pba[0] / (2.0 * pCheck); let j1 = pba[1] / (2.0 * pCheck);
  let j2 = pba[2] / (2.0 * pCheck); let j3 = pba[3] / (2.0 * pCheck);
  let iAB = xlog2x(j0) + xlog2x(j1) + xlog2x(j2) + xlog2x(j3)
    - xlog2x(j0 + j1) - xlog2x(j2 + j3) - xlog2x(j0 + j2) - xlog2x(j1 + j3);
  var chi: f32 = 0.0;
  var resolved = true;
  if (rE <= 0.0) { // Eve holds vacuum
    outv[o9 + 4u] = log(pc[0]); outv[o9 + 5u] = log(pc[1]);
  } else {
    for (var a = 0u; a < 2u * prm.one; a++) { outer_finish(a); }
    outv[o9 + 4u] = ou[0].lz; outv[o9 + 5u] = ou[1].lz;
    resolved = ou[0].resolved && ou[1].resolved;
    // priors q_a = p(check|a) / (2 p_check) (Bob's route, as photon-number.ts)
    let lq = array<f32, 2>(log(pc[0] / (2.0 * pCheck)), log(pc[1] / (2.0 * pCheck)));
    let cut = array<f32, 2>(ou[0].maxlw - 50.0, ou[1].maxlw - 50.0);
    // Fock range over the relevant nodes of both states
    var lamLo: f32 = 3.0e38;
    var lamHi: f32 = 0.0;
    for (var a = 0u; a < 2u; a++) {
      for (var p = 0u; p < ou[a].np; p++) {
        if (ou[a].pmax[p] >= cut[a]) { lamLo = min(lamLo, ou[a].plo[p]); lamHi = max(lamHi, ou[a].phi[p]); }
      }
    }
    if (lamLo > lamHi) { lamLo = 0.0; }
    let n0 = max(0.0, floor(lamLo - 12.0 * sqrt(lamLo) - 10.0));
    let n1 = ceil(lamHi + 12.0 * sqrt(lamHi) + 40.0);
    // Uniform stride s <= sqrt(n0)/4: every Poisson component then spans >= 4 s, so the strided
    // sum times s equals the integer sum up to exp(-2 pi^2 16) (Poisson summation); s = 1 for small n.
    let s = max(1.0, floor(0.25 * sqrt(n0)));
    var n = n0;
    loop {
      if (n > n1) { break; }
      var l: array<f32, 2>;
      for (var a = 0u; a < 2u * prm.one; a++) { l[a] = log_rho(a, n, cut[a]) - ou[a].lz; } // log rho_a(n), normalised
      let lm = lae(lq[0] + l[0], lq[1] + l[1]);
      // chi = sum_a q_a sum_n rho_a log2(rho_a / rho_bar) (Eqs. 114-116)
      for (var a = 0u; a < 2u; a++) {
        if (l[a] > -1.0e30) { chi += s * exp(lq[a] + l[a]) * (l[a] - lm); }
      }
      n += s;
    }
    chi = chi / LN2;
  }
  outv[o9 + 6u] = chi;
  outv[o9 + 7u] = pCheck * (iAB - chi); // Eq. 7
  outv[o9 + 8u] = select(0.0, 1.0, resolved);
}
