// Grid minimisation of Eve's objective over the gamma box, fused in the module (no gamma points
// cross the host boundary). Contract: src/backends/grid-min/spec.ts (reference twin beside it).
// For each problem p: min over the G^n grid gamma_a = k_a/(G-1), k_a in 0..G-1, of F_x(gamma)
// ([L] Eqs. 25-29, via leakageObjective), enumerated in the order c = sum_a k_a G^a (a = 0 least
// significant); the first strict minimum wins.
import { leakageObjective, leakageScratchBytes } from './objective';

const BLOCK: i32 = 1024; // grid points evaluated per inner call (cache-resident)

/** Scratch bytes leakageGridMin needs for (dim, parties). */
export function leakageGridMinScratchBytes(dim: i32, parties: i32): usize {
  let n: i32 = 1;
  for (let i = 0; i < parties; i++) n *= dim;
  return <usize>BLOCK * (<usize>n * 8 + 4 + 8) + <usize>n * 4 + 64 + leakageScratchBytes(dim, parties);
}

/**
 * min[p] = min over the grid of F for problem p; arg[p*n .. p*n+n) = the minimising gamma.
 * `grid` >= 2 points per axis.
 */
export function leakageGridMin(
  dim: i32, parties: i32, coefPtr: usize, problems: i32, grid: i32, conditional: i32,
  minPtr: usize, argPtr: usize, scratchPtr: usize,
): void {
  let n: i32 = 1;
  for (let i = 0; i < parties; i++) n *= dim;
  const gPtr = scratchPtr; // BLOCK * n f64
  const pPtr = gPtr + <usize>BLOCK * <usize>n * 8; // BLOCK u32 (all 0: one problem per call)
  const oPtr = pPtr + <usize>BLOCK * 4; // BLOCK f64
  const kPtr = oPtr + <usize>BLOCK * 8; // n i32 odometer
  const inner = ((kPtr + <usize>n * 4 + 15) >> 4) << 4;
  memory.fill(pPtr, 0, <usize>BLOCK * 4);
  let total: u64 = 1;
  for (let a = 0; a < n; a++) total *= <u64>grid;
  const step: f64 = 1.0 / <f64>(grid - 1);
  const coefStride = <usize>(2 * n) << 3;
  for (let p = 0; p < problems; p++) {
    const c = coefPtr + <usize>p * coefStride;
    for (let a = 0; a < n; a++) store<i32>(kPtr + (<usize>a << 2), 0);
    let best: f64 = Infinity;
    let bestIdx: u64 = 0;
    let done: u64 = 0;
    while (done < total) {
      const remaining = total - done;
      const m: i32 = remaining < <u64>BLOCK ? <i32>remaining : BLOCK;
      for (let j = 0; j < m; j++) {
        const row = gPtr + (<usize>(j * n) << 3);
        for (let a = 0; a < n; a++) {
          store<f64>(row + (<usize>a << 3), <f64>load<i32>(kPtr + (<usize>a << 2)) * step);
        }
        // odometer increment, axis 0 fastest
        for (let a = 0; a < n; a++) {
          const kp = kPtr + (<usize>a << 2);
          const k = load<i32>(kp) + 1;
          if (k < grid) { store<i32>(kp, k); break; }
          store<i32>(kp, 0);
        }
      }
      leakageObjective(dim, parties, c, gPtr, pPtr, m, conditional, oPtr, inner);
      for (let j = 0; j < m; j++) {
        const f = load<f64>(oPtr + (<usize>j << 3));
        if (f < best) { best = f; bestIdx = done + <u64>j; }
      }
      done += <u64>m;
    }
    store<f64>(minPtr + (<usize>p << 3), best);
    let r = bestIdx;
    for (let a = 0; a < n; a++) {
      store<f64>(argPtr + (<usize>(p * n + a) << 3), <f64>(r % <u64>grid) * step);
      r /= <u64>grid;
    }
  }
}
