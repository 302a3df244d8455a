// Leakage-objective kernel (f64): Eve's objective F_x(gamma) of [L], App. B Eqs. 25-29, for a batch
// of gamma points. Exact contract: src/kernels/leakage-objective/spec.ts (reference.ts is the truth).
//
//   w_a = gamma_a A_a + B_a                                  (SPEC 2, [L] Eq. 12 / Eq. 20)
//   P F_cond = sum_a w_a ln w_a - sum_i sum_k m_i(k) ln m_i(k) + (N-1) P ln P   (total correlation,
//   [L] Eq. 27 numerator), divided by ln 2 once at the end to give bits.
//   'joint' (Eq. 27, default): F = P I;  'conditional': F = I.   0 ln 0 = 0, P = 0 gives F = 0;
//   a NaN or negative w gives F = NaN (as the reference twin).
//
// Memory ABI (all pointers are byte offsets into this module's exported memory, owned by the host;
// the host places its buffers at or above heapBase(), 16-byte aligned, and grows memory itself):
//   coef      f64[problems * 2n]   A at [p*2n, p*2n+n), B at [p*2n+n, p*2n+2n)
//   gammas    f64[points * n]
//   problemOf u32[points]
//   out       f64[points]
//   scratch   leakageScratchBytes(dim, parties) bytes
// The scalar build (keyrate.wasm) uses NativeMath.log (musl's table-driven log.c); the SIMD build
// (keyrate.simd.wasm) evaluates two gamma points per f64x2 with an f64x2 port of the same algorithm
// (xlnx2 below), so both builds give bit-identical F.

import { LOG_TAB1, LOG_TAB2 } from './logtab';

const INV_LN2: f64 = 1.4426950408889634; // 1 / ln 2

/** ABI version of the host <-> kernel memory layout; the host refuses a module with another one. */
export function kernelAbiVersion(): i32 {
  return 2;
}

/** First byte the host may use (everything below is static data of the module). */
export function heapBase(): usize {
  return __heap_base;
}

/** 1 when this module was built with the SIMD (f64x2) kernels. */
export function simdEnabled(): i32 {
  return ASC_FEATURE_SIMD ? 1 : 0;
}

/** Scratch bytes the kernel needs: marginal table (n*N i32) + marginal accumulators (N*d f64x2). */
export function leakageScratchBytes(dim: i32, parties: i32): usize {
  let n: i32 = 1;
  for (let i = 0; i < parties; i++) n *= dim;
  const idxBytes = ((<usize>n * <usize>parties * 4 + 15) >> 4) << 4;
  return idxBytes + <usize>(dim * parties) * 16;
}

// margIdx[a*N + i] = i*d + (digit i of a), party 1 = most significant digit (spec.ts).
function fillMarginalIndex(dim: i32, parties: i32, n: i32, idxPtr: usize): void {
  for (let a = 0; a < n; a++) {
    let rest = a;
    for (let i = parties - 1; i >= 0; i--) {
      const k = rest % dim;
      rest = rest / dim;
      store<i32>(idxPtr + ((<usize>(a * parties + i)) << 2), i * dim + k);
    }
  }
}

// 0 where x = 0; NaN for x < 0 or NaN (log of those is NaN)
@inline function xlnx(x: f64): f64 {
  return x == 0 ? 0 : x * Math.log(x);
}

function objectiveScalar(
  dim: i32, parties: i32, n: i32, coefPtr: usize, gammaPtr: usize, conditional: i32,
  idxPtr: usize, margPtr: usize,
): f64 {
  const nd = dim * parties;
  for (let j = 0; j < nd; j++) store<f64>(margPtr + (<usize>j << 3), 0.0);
  let P: f64 = 0;
  let sumJoint: f64 = 0;
  const bPtr = coefPtr + (<usize>n << 3);
  for (let a = 0; a < n; a++) {
    const off = <usize>a << 3;
    const w = load<f64>(gammaPtr + off) * load<f64>(coefPtr + off) + load<f64>(bPtr + off);
    P += w;
    sumJoint += xlnx(w);
    const row = idxPtr + ((<usize>(a * parties)) << 2);
    for (let i = 0; i < parties; i++) {
      const m = margPtr + (<usize>load<i32>(row + (<usize>i << 2)) << 3);
      store<f64>(m, load<f64>(m) + w);
    }
  }
  if (!(P > 0)) return P == 0 && sumJoint == 0 ? 0 : NaN;
  let sumMarg: f64 = 0;
  for (let j = 0; j < nd; j++) sumMarg += xlnx(load<f64>(margPtr + (<usize>j << 3)));
  const joint = (sumJoint - sumMarg + <f64>(parties - 1) * P * Math.log(P)) * INV_LN2;
  return conditional ? joint / P : joint;
}

// ---------------------------------------------------------------- f64x2 (SIMD build only)

// x ln x per lane (0 where x = 0, NaN where x < 0 or NaN, as xlnx): f64x2 port of musl's table-driven log.c (the algorithm of AS's
// NativeMath.log, same tables, same operation order, no FMA in Wasm), so each lane equals the scalar
// build's x * Math.log(x) bit for bit. Lanes in musl's near-1 window [0x3FEE.., 0x3FF109..) use a
// separate polynomial there; such vectors (rare for probabilities) go through the scalar log.
// Subnormals are pre-scaled by 2^52. Table gathers are scalar loads (Wasm SIMD has no gather).
@inline function xlnx2(x: v128): v128 {
  const A0 = reinterpret<f64>(0xBFE0000000000001);
  const A1 = reinterpret<f64>(0x3FD555555551305B);
  const A2 = reinterpret<f64>(0xBFCFFFFFFFEB4590);
  const A3 = reinterpret<f64>(0x3FC999B324F10111);
  const A4 = reinterpret<f64>(0xBFC55575E506C89F);
  const Ln2hi = reinterpret<f64>(0x3FE62E42FEFA3800);
  const Ln2lo = reinterpret<f64>(0x3D2EF35793C76730);
  const near = v128.and(
    i64x2.ge_s(x, i64x2.splat(0x3FEE000000000000)),
    i64x2.lt_s(x, i64x2.splat(0x3FF1090000000000)),
  );
  if (v128.any_true(near)) {
    return f64x2.replace_lane(f64x2.splat(xlnx(f64x2.extract_lane(x, 0))), 1, xlnx(f64x2.extract_lane(x, 1)));
  }
  const positive = f64x2.gt(x, f64x2.splat(0.0));
  const sub = f64x2.lt(x, f64x2.splat(2.2250738585072014e-308)); // below the smallest normal
  const xs = v128.bitselect(f64x2.mul(x, f64x2.splat(4503599627370496.0)), x, sub); // * 2^52
  const ix = i64x2.sub(xs, v128.and(i64x2.splat(<i64>52 << 52), sub));
  const tmp = i64x2.sub(ix, i64x2.splat(0x3FE6000000000000));
  const idx = v128.and(i64x2.shr_u(tmp, 52 - 7), i64x2.splat(127));
  const k = i64x2.shr_s(tmp, 52);
  const z = i64x2.sub(ix, v128.and(tmp, i64x2.splat(<i64>0xFFF << 52)));
  const t0 = <usize>i64x2.extract_lane(idx, 0) << 4;
  const t1 = <usize>i64x2.extract_lane(idx, 1) << 4;
  const invc = f64x2.replace_lane(f64x2.splat(load<f64>(LOG_TAB1 + t0)), 1, load<f64>(LOG_TAB1 + t1));
  const logc = f64x2.replace_lane(f64x2.splat(load<f64>(LOG_TAB1 + t0, 8)), 1, load<f64>(LOG_TAB1 + t1, 8));
  const chi = f64x2.replace_lane(f64x2.splat(load<f64>(LOG_TAB2 + t0)), 1, load<f64>(LOG_TAB2 + t1));
  const clo = f64x2.replace_lane(f64x2.splat(load<f64>(LOG_TAB2 + t0, 8)), 1, load<f64>(LOG_TAB2 + t1, 8));
  const r = f64x2.mul(f64x2.sub(f64x2.sub(z, chi), clo), invc);
  // k as f64, exactly: bits(2^52 + k + 2048) - (2^52 + 2048)
  const kd = f64x2.sub(i64x2.add(k, i64x2.splat(0x4330000000000800)), f64x2.splat(4503599627372544.0));
  const w = f64x2.add(f64x2.mul(kd, f64x2.splat(Ln2hi)), logc);
  const hi = f64x2.add(w, r);
  const lo = f64x2.add(f64x2.add(f64x2.sub(w, hi), r), f64x2.mul(kd, f64x2.splat(Ln2lo)));
  const r2 = f64x2.mul(r, r);
  // lo + r2*A0 + r*r2*(A1 + r*A2 + r2*(A3 + r*A4)) + hi, left to right as in the scalar code
  const poly = f64x2.add(
    f64x2.add(f64x2.splat(A1), f64x2.mul(r, f64x2.splat(A2))),
    f64x2.mul(r2, f64x2.add(f64x2.splat(A3), f64x2.mul(r, f64x2.splat(A4)))),
  );
  const y = f64x2.add(
    f64x2.add(f64x2.add(lo, f64x2.mul(r2, f64x2.splat(A0))), f64x2.mul(f64x2.mul(r, r2), poly)),
    hi,
  );
  const other = v128.and(f64x2.splat(NaN), f64x2.ne(x, f64x2.splat(0.0))); // 0 at x = 0, else NaN
  return v128.bitselect(f64x2.mul(x, y), other, positive);
}

// Two gamma points (each with its own problem) per f64x2; lane 0 = point p, lane 1 = point p+1.
function objectivePair(
  dim: i32, parties: i32, n: i32, coef0: usize, gamma0: usize, coef1: usize, gamma1: usize,
  conditional: i32, idxPtr: usize, margPtr: usize, outPtr: usize,
): void {
  const nd = dim * parties;
  const zero = f64x2.splat(0.0);
  for (let j = 0; j < nd; j++) v128.store(margPtr + (<usize>j << 4), zero);
  let P = zero;
  let sumJoint = zero;
  const nb = <usize>n << 3;
  for (let a = 0; a < n; a++) {
    const off = <usize>a << 3;
    const g = f64x2.replace_lane(f64x2.splat(load<f64>(gamma0 + off)), 1, load<f64>(gamma1 + off));
    const A = f64x2.replace_lane(f64x2.splat(load<f64>(coef0 + off)), 1, load<f64>(coef1 + off));
    const B = f64x2.replace_lane(f64x2.splat(load<f64>(coef0 + nb + off)), 1, load<f64>(coef1 + nb + off));
    const w = f64x2.add(f64x2.mul(g, A), B);
    P = f64x2.add(P, w);
    sumJoint = f64x2.add(sumJoint, xlnx2(w));
    const row = idxPtr + ((<usize>(a * parties)) << 2);
    for (let i = 0; i < parties; i++) {
      const mp = margPtr + (<usize>load<i32>(row + (<usize>i << 2)) << 4);
      v128.store(mp, f64x2.add(v128.load(mp), w));
    }
  }
  let sumMarg = zero;
  for (let j = 0; j < nd; j++) sumMarg = f64x2.add(sumMarg, xlnx2(v128.load(margPtr + (<usize>j << 4))));
  const tail = f64x2.mul(f64x2.splat(<f64>(parties - 1)), xlnx2(P));
  const joint = f64x2.mul(f64x2.add(f64x2.sub(sumJoint, sumMarg), tail), f64x2.splat(INV_LN2));
  const p0 = f64x2.extract_lane(P, 0);
  const p1 = f64x2.extract_lane(P, 1);
  let j0 = f64x2.extract_lane(joint, 0);
  let j1 = f64x2.extract_lane(joint, 1);
  const s0 = f64x2.extract_lane(sumJoint, 0);
  const s1 = f64x2.extract_lane(sumJoint, 1);
  if (!(p0 > 0)) j0 = p0 == 0 && s0 == 0 ? 0 : NaN; else if (conditional) j0 = j0 / p0;
  if (!(p1 > 0)) j1 = p1 == 0 && s1 == 0 ? 0 : NaN; else if (conditional) j1 = j1 / p1;
  store<f64>(outPtr, j0);
  store<f64>(outPtr + 8, j1);
}

/**
 * Evaluate F for `points` gamma points. `conditional` = 0 gives the 'joint' objective, 1 the
 * 'conditional' one. Shapes are validated on the host (checkBatchShape); the kernel trusts them.
 */
export function leakageObjective(
  dim: i32, parties: i32, coefPtr: usize, gammasPtr: usize, problemOfPtr: usize, points: i32,
  conditional: i32, outPtr: usize, scratchPtr: usize,
): void {
  let n: i32 = 1;
  for (let i = 0; i < parties; i++) n *= dim;
  const idxPtr = scratchPtr;
  const margPtr = scratchPtr + ((((<usize>n * <usize>parties * 4) + 15) >> 4) << 4);
  fillMarginalIndex(dim, parties, n, idxPtr);
  const coefStride = <usize>(2 * n) << 3;
  const gammaStride = <usize>n << 3;
  let p = 0;
  if (ASC_FEATURE_SIMD) {
    for (; p + 1 < points; p += 2) {
      const c0 = coefPtr + <usize>load<u32>(problemOfPtr + (<usize>p << 2)) * coefStride;
      const c1 = coefPtr + <usize>load<u32>(problemOfPtr + (<usize>(p + 1) << 2)) * coefStride;
      const g0 = gammasPtr + <usize>p * gammaStride;
      objectivePair(dim, parties, n, c0, g0, c1, g0 + gammaStride, conditional, idxPtr, margPtr,
        outPtr + (<usize>p << 3));
    }
  }
  for (; p < points; p++) {
    const c = coefPtr + <usize>load<u32>(problemOfPtr + (<usize>p << 2)) * coefStride;
    store<f64>(outPtr + (<usize>p << 3),
      objectiveScalar(dim, parties, n, c, gammasPtr + <usize>p * gammaStride, conditional, idxPtr, margPtr));
  }
}
