// W2 / W3 workloads of the amplified-line model [A] for bench/run.js (issue 4): reference (TS f64)
// against the AssemblyScript port (assembly/amplified) single thread, scalar and SIMD builds, and a
// Piscina pool of wasm workers. Needs `npm run build` (dist/ and build/wasm/).
//
// W2: one `exact` photon-number Lf/L (Eq. 7) at |gamma0|^2, |gamma1|^2 = 1e4, 2e4, windows
//     theta = 2000, 2000, 9000, 12000, rE = 1e-3, D_AB = 1000 km, Eve mid-line (bench/amplified-w2.ts).
//     A single point cannot be split across workers, so the pool rows use W2x8: eight such points
//     (theta1 = 2000 + 100 i) as one 'amplified-rate' batch.
// W3: [A] Fig. 1a/c worst case: photon-number, D_AB = 1000 km, span 50 km, loss 0.02 /km, Lf/L
//     optimised over photons and windows and minimised over Eve's position, at 8 rE values
//     (log-spaced 1e-6 .. 0.1). REDUCED (the full search takes hours on the reference): the
//     figure's --quick budget (search samples 6, starts 1, maxIter 12) and a 3-point Eve scan
//     (0, 500, 1000 km) without refinement; same structure (model worstCase with the batch
//     evaluator injected). The pool rows run the 8 rE values on the workers (the optimiser is
//     synchronous, so it is parallel over curve points, not inside one optimisation), largest rE
//     first (the costlier points; longest-first balances the two workers).
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';

export const W3_LEAKS = Array.from({ length: 8 }, (_, i) => Number((1e-6 * 1e5 ** (i / 7)).toPrecision(6)));
export const W3_OPTS = {
  encoding: 'photon-number', distance: 1000, span: 50, loss: 0.02, gridPoints: 3, refine: false,
  optimize: { samples: 6, starts: 1, maxIter: 12 },
};

const W2_THETA = [2000, 2000, 9000, 12000];
export function w2Points(count = 1) {
  return Float64Array.from(Array.from({ length: count }, (_, i) => [1e4, 2e4, W2_THETA[0] + 100 * i, ...W2_THETA.slice(1)]).flat());
}

/** Worker entry (Piscina): one W3 curve point on the wasm kernel given in workerData. */
export default async function w3Task({ leak }) {
  const { workerData } = await import('piscina');
  const { worstCase } = await import('../dist/models/amplified/model.js');
  const { WasmAmplifiedKernel } = await import('../dist/backends/wasm/amplified-rate.js');
  globalThis.__w3k ??= WasmAmplifiedKernel.fromModule(workerData.module);
  const r = await worstCase({ ...W3_OPTS, leak, evaluate: globalThis.__w3k.batchEvaluator() });
  return r.rate;
}

/**
 * Build the W2/W3 tasks. Returns { tasks: [name, fn][], check(): agreement summary, close() }.
 * Task names start with 'W2:', 'W2x8:' or 'W3:' (ratios are taken per prefix against 'reference').
 */
export async function amplifiedTasks({ workers = 2, w3 = true, leaks = W3_LEAKS } = {}) {
  const { line } = await import('../dist/models/amplified/channel.js');
  const { evaluateBatch } = await import('../dist/models/amplified/kernels.js');
  const { worstCase } = await import('../dist/models/amplified/model.js');
  const { WasmAmplifiedKernel } = await import('../dist/backends/wasm/amplified-rate.js');
  const { compileKernelModule, simdSupported } = await import('../dist/backends/wasm/load.js');
  const { createLeakagePool } = await import('../dist/pool/index.js');
  const L = line({ distance: 1000, eveAt: 500 });
  const fixed = { encoding: 'photon-number', G1: L.G1, G2: L.G2, leak: 1e-3, method: 'exact', tol: 1e-15 };
  const p1 = w2Points(1);
  const p8 = w2Points(8);
  const scalar = await compileKernelModule({ flavor: 'scalar' });
  const simd = simdSupported() ? await compileKernelModule({ flavor: 'simd' }) : undefined;
  const kS = WasmAmplifiedKernel.fromModule(scalar.module);
  const kV = simd ? WasmAmplifiedKernel.fromModule(simd.module) : undefined;
  const best = kV ?? kS;
  const bestLabel = kV ? 'simd' : 'scalar';
  const bestModule = (simd ?? scalar).module;
  const quiet = () => {};
  const pools = {};
  for (const w of [1, workers]) pools[w] ??= await createLeakagePool({ workers: w, module: bestModule, log: quiet });
  const w3Pool = w3 ? new Piscina({ filename: fileURLToPath(import.meta.url), minThreads: workers, maxThreads: workers, workerData: { module: bestModule } }) : undefined;
  const out1 = new Float64Array(1);
  const out8 = new Float64Array(8);
  const batch8 = { fixed, points: p8 };
  const tasks = [
    ['W2: reference, 1 thread', () => { evaluateBatch(fixed, p1, out1); }],
    ['W2: wasm scalar, 1 thread', () => { kS.evaluateBatch(fixed, p1, out1); }],
    ...(kV ? [['W2: wasm simd, 1 thread', () => { kV.evaluateBatch(fixed, p1, out1); }]] : []),
    ['W2x8: reference, 1 thread', () => { evaluateBatch(fixed, p8, out8); }],
    [`W2x8: wasm ${bestLabel}, 1 thread`, () => { best.evaluateBatch(fixed, p8, out8); }],
    [`W2x8: pool wasm ${bestLabel}, 1 worker`, () => pools[1].amplifiedRate(batch8, { chunkPoints: 1 })],
    [`W2x8: pool wasm ${bestLabel}, ${workers} workers`, () => pools[workers].amplifiedRate(batch8, { chunkPoints: 1 })],
  ];
  const w3Run = async (evaluate) => { for (const leak of leaks) await worstCase({ ...W3_OPTS, leak, ...(evaluate ? { evaluate } : {}) }); };
  if (w3) {
    tasks.push(
      [`W3: reference, 1 thread`, () => w3Run(undefined)],
      [`W3: wasm scalar, 1 thread`, () => w3Run(kS.batchEvaluator())],
      ...(kV ? [[`W3: wasm simd, 1 thread`, () => w3Run(kV.batchEvaluator())]] : []),
      [`W3: pool wasm ${bestLabel}, ${workers} workers (over rE)`, () => Promise.all([...leaks].reverse().map((leak) => w3Pool.run({ leak })))],
    );
  }
  // agreement on W2x8 (SPEC 4: 1e-12 relative) and warm-up of every engine
  const ref = new Float64Array(8);
  evaluateBatch(fixed, p8, ref);
  let worst = 0;
  for (const k of [kS, kV].filter(Boolean)) {
    const o = new Float64Array(8);
    k.evaluateBatch(fixed, p8, o);
    for (let i = 0; i < 8; i++) worst = Math.max(worst, Math.abs(o[i] - ref[i]) / Math.abs(ref[i]));
  }
  for (const w of Object.keys(pools)) await pools[w].amplifiedRate({ fixed, points: p1 });
  if (w3Pool) await w3Pool.run({ leak: 1e-3 });
  return {
    tasks,
    meta: {
      w2: 'W2: exact photon-number Lf/L, photons 1e4, 2e4, theta 2000, 2000, 9000, 12000, rE 1e-3, 1000 km, Eve at 500 km; W2x8: 8 such points in one batch',
      w3: w3 ? `W3 (reduced): worst case over Eve (0, 500, 1000 km, no refinement) of the optimised photon-number Lf/L (search samples 6, starts 1, maxIter 12), 1000 km, span 50, loss 0.02, rE = ${leaks.join(', ')}` : 'W3 skipped',
      worstRelDiffW2: worst,
    },
    async close() {
      for (const p of Object.values(pools)) await p.close();
      await w3Pool?.destroy();
    },
  };
}
