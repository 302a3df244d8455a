/**
 * Measure the f32 error of the WGSL 'leakage-objective' against the f64 reference on random
 * [L]-shaped problems (A = qL p_sep, B = (1-q)(1-L) p_ent), uniform gammas incl. box faces.
 *   npx tsx bench/webgpu-f32-error.ts
 * Reports max |F32 - F64|, max relative error where |F64| > 1e-3, for d=2 N=2/3, d=3 N=2.
 */
import { createWebgpuBackend } from '../src/backends/webgpu/index.js';
import { leakageObjectiveReference } from '../src/kernels/leakage-objective/reference.js';
import type { LeakageObjectiveBatch } from '../src/kernels/leakage-objective/spec.js';

let s = 12345;
const r = () => ((s = (s * 1103515245 + 12345) % 2147483648), s / 2147483648);
const be = createWebgpuBackend();
await be.init();
for (const [d, N] of [[2, 2], [2, 3], [3, 2]] as const) {
  for (const objective of ['joint', 'conditional'] as const) {
    const n = d ** N;
    const problems = 50;
    const points = 200000;
    const coef = new Float64Array(problems * 2 * n);
    for (let p = 0; p < problems; p++) {
      const q = 0.05 + 0.9 * r();
      const L = 0.05 + 0.9 * r();
      const ps = Array.from({ length: n }, () => r());
      const pe = Array.from({ length: n }, () => r());
      const ss = ps.reduce((x, y) => x + y);
      const se = pe.reduce((x, y) => x + y);
      for (let a = 0; a < n; a++) {
        coef[p * 2 * n + a] = (q * L * ps[a]!) / ss;
        coef[p * 2 * n + n + a] = ((1 - q) * (1 - L) * pe[a]!) / se;
      }
    }
    const gammas = new Float64Array(points * n).map(() => (r() < 0.1 ? Math.round(r()) : r()));
    const problemOf = new Uint32Array(points).map((_, i) => i % problems);
    const b: LeakageObjectiveBatch = { dim: d, parties: N, coef, gammas, problemOf, objective };
    const ref = leakageObjectiveReference(b);
    const got = await be.run<LeakageObjectiveBatch, Float64Array>('leakage-objective', b);
    let mabs = 0;
    let mrel = 0;
    let maxF = 0;
    for (let i = 0; i < points; i++) {
      const e = Math.abs(got[i]! - ref[i]!);
      mabs = Math.max(mabs, e);
      maxF = Math.max(maxF, Math.abs(ref[i]!));
      if (Math.abs(ref[i]!) > 1e-3) mrel = Math.max(mrel, e / Math.abs(ref[i]!));
    }
    console.log(JSON.stringify({ d, N, objective, points, max_abs_err: mabs, max_rel_err_F_gt_1e3: mrel, max_F: maxF }));
  }
}
await be.dispose();
