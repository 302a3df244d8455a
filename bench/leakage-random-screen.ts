/**
 * Bench: Eve's pseudo-random screen of the leakage model (d^N above the grid cap: 2^18 points per
 * problem, src/models/leakage/optimize.ts) on webgpu (WGSL f32 'leakage-objective', ranks only;
 * the best 16 per start are redone in f64) against the wasm pool (f64), in the same run:
 *  - screen: one batch of P problems x 2^18 points (what eveMinMany sends), ev.screen vs ev.run;
 *  - rate: one `leakage rate` (settings search 'family') end to end, --backend webgpu vs wasm.
 * (4, 3) (d^N = 64, above the WGSL kernel's limit 32) runs on the CPU only.
 *
 *   npx tsx bench/leakage-random-screen.ts [--workers W] [--problems P] [--json]
 * lavapipe is a CPU rasteriser: its times say nothing of a GPU (docs/webgpu.md).
 */
import { createEvaluator } from '../src/runtime/evaluator.js';
import { KERNELS } from '../src/kernels/names.js';
import { LEAKAGE_KERNELS, rate } from '../src/models/leakage/index.js';
import { SCREEN_MAX_OUTCOMES, type LeakageObjectiveBatch } from '../src/kernels/leakage-objective/spec.js';
import { mulberry32 } from '../src/util/prng.js';

const args = process.argv.slice(2);
const opt = (name: string, def: number) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : def;
};
const workers = opt('--workers', 2);
const P = opt('--problems', 4);
const SCREEN = 2 ** 18;

function batchFor(dim: number, parties: number): LeakageObjectiveBatch {
  const n = dim ** parties;
  const r = mulberry32(42);
  const coef = new Float64Array(P * 2 * n);
  for (let i = 0; i < coef.length; i++) coef[i] = (r() * (i % (2 * n) < n ? 0.5 : 1)) / n;
  const gammas = new Float64Array(P * SCREEN * n);
  for (let i = 0; i < gammas.length; i++) gammas[i] = i % 2 ? r() : r() < 0.5 ? 0 : 1;
  const problemOf = new Uint32Array(P * SCREEN);
  for (let p = 0; p < P; p++) problemOf.fill(p, p * SCREEN, (p + 1) * SCREEN);
  return { dim, parties, coef, gammas, problemOf, objective: 'joint' };
}

async function ms<T>(f: () => Promise<T>): Promise<{ ms: number; v: T }> {
  const t0 = performance.now();
  const v = await f();
  return { ms: performance.now() - t0, v };
}

const rows: Record<string, unknown>[] = [];
const gpu = await createEvaluator(LEAKAGE_KERNELS, { backend: 'webgpu', workers, log: (l) => console.error(`keyrate: ${l}`) }).catch((e: Error) => {
  console.error(`webgpu unavailable: ${e.message.split('\n')[0]}`);
  return undefined;
});
const cpu = await createEvaluator(LEAKAGE_KERNELS, { backend: 'wasm', workers, log: () => {} });
for (const [d, N] of [[2, 5], [3, 3], [4, 3]] as const) {
  const n = d ** N;
  const b = batchFor(d, N);
  const row: Record<string, unknown> = { d, N, n, points: P * SCREEN };
  await cpu.run(KERNELS.leakageObjective, { ...b, gammas: b.gammas.subarray(0, 1024 * n), problemOf: b.problemOf.subarray(0, 1024) }); // warm-up
  const c = await ms(() => cpu.run<Float64Array>(KERNELS.leakageObjective, b));
  row[`screen_wasm_pool${workers}_ms`] = +c.ms.toFixed(0);
  if (gpu && n <= SCREEN_MAX_OUTCOMES) {
    await gpu.screen(KERNELS.leakageObjective, { ...b, gammas: b.gammas.subarray(0, 1024 * n), problemOf: b.problemOf.subarray(0, 1024) }); // compiles the pipeline
    const g = await ms(() => gpu.screen<Float64Array>(KERNELS.leakageObjective, b));
    row.screen_webgpu_ms = +g.ms.toFixed(0);
    row.screen_speedup_webgpu = +(c.ms / g.ms).toFixed(2);
    // rank agreement: how many of the f64 best 64 of problem 0 are among the f32 best 64
    const top = (v: Float64Array) => new Set(Array.from(v.subarray(0, SCREEN)).map((x, i) => [x, i] as const).sort((x, y) => x[0] - y[0] || x[1] - y[1]).slice(0, 64).map((x) => x[1]));
    const t64 = top(c.v);
    row.f32_top64_overlap = [...top(g.v!.value)].filter((i) => t64.has(i)).length;
  }
  const input = { dim: d, parties: N, leakage: 0.1, visibility: 0.95 };
  const rc = await ms(() => rate({ ...input, evaluator: cpu }));
  row[`rate_wasm_pool${workers}_s`] = +(rc.ms / 1e3).toFixed(2);
  row.rate = rc.v.rate;
  if (gpu && n <= SCREEN_MAX_OUTCOMES) {
    const rg = await ms(() => rate({ ...input, evaluator: gpu }));
    row.rate_webgpu_s = +(rg.ms / 1e3).toFixed(2);
    row.rate_speedup_webgpu = +(rc.ms / rg.ms).toFixed(2);
    row.rate_diff = Math.abs(rg.v.rate - rc.v.rate);
    row.backends = rg.v.backends;
  }
  rows.push(row);
  console.error(JSON.stringify(row));
}
await gpu?.close();
await cpu.close();
if (args.includes('--json')) console.log(JSON.stringify(rows, null, 2));
else console.table(rows);
