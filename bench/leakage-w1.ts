/**
 * Workload W1: full [L] Fig. 1 data (d=2, N=2, uniform, 'joint'; v = 0.34..1 step 0.01 = 67
 * points x L = 0.1, 0.2, 0.3) with the reference evaluator, single thread.
 * Run: npx tsx bench/leakage-w1.ts
 */
import { curve, thresholdClosedForm } from '../src/models/leakage/index.js';

const vs = Array.from({ length: 67 }, (_, i) => Number((0.34 + 0.01 * i).toFixed(2)));
const Ls = [0.1, 0.2, 0.3];
const t0 = performance.now();
const rows = await curve({ dim: 2, parties: 2, leakages: Ls, visibilities: vs });
const ms = performance.now() - t0;
const evals = rows.reduce((s, r) => s + r.evaluations, 0);
console.log(`leakage W1 (Fig. 1, ${rows.length} points, reference, 1 thread): ${(ms / 1000).toFixed(2)} s, ${evals} objective evaluations, ${((ms * 1e6) / evals).toFixed(0)} ns/eval overall`);
for (const L of Ls) {
  const r = rows.filter((x) => x.leakage === L);
  const firstPos = r.find((x) => x.rate > 1e-12);
  console.log(`  L=${L}: v*=${thresholdClosedForm(2, 2, L).toFixed(6)}, first grid v with R>0: ${firstPos?.visibility}, R(0.6)=${r.find((x) => x.visibility === 0.6)?.rate.toExponential(6)}, R(1)=${r.at(-1)!.rate.toFixed(12)}`);
}
