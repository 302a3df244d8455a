/**
 * Bench: the leakage gamma-grid screen ('leakage-grid-screen', best K per problem reduced in
 * the backend) on webgpu (WGSL f32) vs reference (TS f64) vs gpujs (when it initialises), and
 * wasm's fused 'leakage-grid-min' where the wasm backend is built, on the same inputs.
 *
 *   npx tsx bench/webgpu-screen.ts [--grid-23 G] [--grid-32 G] [--problems P] [--topk K]
 *        [--skip-reference] [--peak-tflops T] [--pool-workers W] [--json]
 * --pool-workers W (default 2; 0 = off) adds wasm 'leakage-grid-min' on the Piscina pool
 * (src/pool createLeakagePool, chunked by problems: use --problems >= W to use all workers).
 * Defaults are sized for Mesa lavapipe (CPU). scripts/gpu-bench.sh runs >= 1e8 points per batch.
 * Throughput = grid points * problems / wall time (after one warm-up run that compiles pipelines).
 * FLOP estimate per point (transcendentals counted as 1): n(2 + 1 + 3 + N) + 3Nd + 6.
 */
import { createWebgpuBackend } from '../src/backends/webgpu/index.js';
import { leakageGridScreenReference } from '../src/kernels/leakage-grid-screen/reference.js';
import type { LeakageGridScreenInput, LeakageGridScreenOutput } from '../src/kernels/leakage-grid-screen/spec.js';
import type { Backend } from '../src/backends/backend.js';
import { mulberry32 as rng } from '../src/util/prng.js';

const args = process.argv.slice(2);
const opt = (name: string, def: number) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : def;
};
const flag = (name: string) => args.includes(name);

function coefFor(n: number, problems: number): Float64Array {
  const r = rng(42);
  const c = new Float64Array(problems * 2 * n);
  for (let p = 0; p < problems; p++) {
    const q = 0.1 + 0.8 * r();
    const L = 0.1 + 0.8 * r();
    const ps = Array.from({ length: n }, () => r());
    const pe = Array.from({ length: n }, () => r());
    const ss = ps.reduce((x, y) => x + y);
    const se = pe.reduce((x, y) => x + y);
    for (let a = 0; a < n; a++) {
      c[p * 2 * n + a] = (q * L * ps[a]!) / ss;
      c[p * 2 * n + n + a] = ((1 - q) * (1 - L) * pe[a]!) / se;
    }
  }
  return c;
}

async function time<T>(f: () => Promise<T> | T): Promise<{ ms: number; v: T }> {
  const t0 = performance.now();
  const v = await f();
  return { ms: performance.now() - t0, v };
}

const problems = opt('--problems', 2);
const K = opt('--topk', 4);
const peak = opt('--peak-tflops', NaN);
const cases = [
  { d: 2, N: 3, G: opt('--grid-23', 7) },
  { d: 3, N: 2, G: opt('--grid-32', 6) },
];
const rows: Record<string, unknown>[] = [];
const wg = createWebgpuBackend();
let wgOk = true;
try {
  await wg.init();
  console.error(`webgpu: ${wg.detail}`);
} catch (e) {
  wgOk = false;
  console.error(`webgpu unavailable: ${(e as Error).message}`);
}
let gj: Backend | undefined;
try {
  const m = (await import('../src/backends/gpujs/index.js')) as { createGpujsBackend: () => Backend };
  gj = m.createGpujsBackend();
  await gj.init();
  console.error(`gpujs: ${gj.detail}`);
} catch (e) {
  console.error(`gpujs unavailable: ${(e as Error).message}`);
  gj = undefined;
}
let wasm: Backend | undefined;
try {
  const m = await import('../src/backends/wasm/index.js');
  wasm = m.createWasmBackend();
  await wasm.init();
  if (!wasm.has('leakage-grid-min')) wasm = undefined;
} catch (e) {
  console.error(`wasm unavailable: ${(e as Error).message.split('\n')[0]}`);
  wasm = undefined;
}

const poolWorkers = opt('--pool-workers', 2);
let pool: import('../src/pool/index.js').LeakagePool | undefined;
if (wasm && poolWorkers > 0) {
  try {
    const m = await import('../src/pool/index.js');
    pool = await m.createLeakagePool({ workers: poolWorkers, backend: 'wasm' });
    console.error(`pool: ${pool.workers} workers, ${pool.backend}`);
  } catch (e) {
    console.error(`pool unavailable: ${(e as Error).message.split('\n')[0]}`);
  }
}

for (const { d, N, G } of cases) {
  const n = d ** N;
  const pts = G ** n * problems;
  const flopPerPt = n * (6 + N) + 3 * N * d + 6;
  const input: LeakageGridScreenInput = { dim: d, parties: N, coef: coefFor(n, problems), grid: G, topK: K, objective: 'joint' };
  const row: Record<string, unknown> = { d, N, n, grid: G, problems, points: pts };
  let ref: LeakageGridScreenOutput | undefined;
  let wgBest: Float64Array | undefined;
  if (!flag('--skip-reference')) {
    const t = await time(() => leakageGridScreenReference(input));
    ref = t.v;
    row.reference_ms = +t.ms.toFixed(1);
    row.reference_Mpts_s = +(pts / t.ms / 1e3).toFixed(2);
  }
  if (wgOk) {
    await wg.run('leakage-grid-screen', { ...input, grid: Math.min(G, 3) }); // warm-up: pipeline compile
    const t = await time(() => wg.run<LeakageGridScreenInput, LeakageGridScreenOutput>('leakage-grid-screen', input));
    row.webgpu_ms = +t.ms.toFixed(1);
    wgBest = t.v.values;
    row.webgpu_Mpts_s = +(pts / t.ms / 1e3).toFixed(2);
    row.webgpu_GFLOPs = +((pts * flopPerPt) / t.ms / 1e6).toFixed(2);
    if (Number.isFinite(peak)) row.webgpu_fraction_of_f32_peak = +((pts * flopPerPt) / t.ms / 1e9 / peak).toFixed(4);
    if (ref) {
      let dmax = 0;
      for (let i = 0; i < ref.values.length; i++) dmax = Math.max(dmax, Math.abs(ref.values[i]! - t.v.values[i]!));
      row.webgpu_vs_ref_max_abs_value_diff = dmax;
      row.webgpu_same_best_cell = ref.index.every((c, i) => i % K !== 0 || c === t.v.index[i]);
    }
  }
  if (gj && pts <= 5e7) {
    const t = await time(() => gj!.run<LeakageGridScreenInput, LeakageGridScreenOutput>('leakage-grid-screen', input));
    row.gpujs_ms = +t.ms.toFixed(1);
    row.gpujs_Mpts_s = +(pts / t.ms / 1e3).toFixed(2);
  }
  if (wasm) {
    const t = await time(() => wasm!.run('leakage-grid-min', { dim: d, parties: N, coef: input.coef, grid: G, objective: 'joint' }));
    row.wasm_gridmin_ms = +t.ms.toFixed(1);
    row.wasm_gridmin_Mpts_s = +(pts / t.ms / 1e3).toFixed(2);
    const wmin = (t.v as { min: Float64Array }).min;
    if (wgBest) {
      // f32 screen's best value vs the f64 grid minimum, per problem
      let dmax = 0;
      for (let q = 0; q < problems; q++) dmax = Math.max(dmax, Math.abs(wgBest[q * K]! - wmin[q]!));
      row.webgpu_vs_wasm_max_abs_min_diff = +dmax.toPrecision(3);
    }
  }
  if (pool) {
    const gm = { dim: d, parties: N, coef: input.coef, grid: G, objective: 'joint' as const };
    await pool.gridMin({ ...gm, grid: Math.min(G, 3) }); // warm-up: workers load wasm
    const t = await time(() => pool!.gridMin(gm));
    row[`pool${pool.workers}_gridmin_ms`] = +t.ms.toFixed(1);
    row[`pool${pool.workers}_gridmin_Mpts_s`] = +(pts / t.ms / 1e3).toFixed(2);
  }
  if (row.webgpu_ms && row.wasm_gridmin_ms) row.speedup_webgpu_vs_wasm1 = +((row.wasm_gridmin_ms as number) / (row.webgpu_ms as number)).toFixed(2);
  if (pool && row.webgpu_ms) row[`speedup_webgpu_vs_pool${pool.workers}`] = +((row[`pool${pool.workers}_gridmin_ms`] as number) / (row.webgpu_ms as number)).toFixed(2);
  if (row.reference_ms && row.webgpu_ms) row.speedup_webgpu_vs_reference = +((row.reference_ms as number) / (row.webgpu_ms as number)).toFixed(2);
  rows.push(row);
  console.error(JSON.stringify(row));
}
if (flag('--json')) console.log(JSON.stringify(rows, null, 2));
else console.table(rows);
await wg.dispose();
await gj?.dispose();
await wasm?.dispose();
await pool?.close();
