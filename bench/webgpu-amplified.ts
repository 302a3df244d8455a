/**
 * f32 error and speed of the WGSL 'amplified-screen' kernel (shaders/amplified-screen.wgsl)
 * against the f64 reference (src/models/amplified/photon-number.ts, 'exact'), on points of the
 * optimiser's unit-box map (pnFromUnit) with |gamma1|^2 in [1e2, 3e5].
 *
 *   npx tsx bench/webgpu-amplified.ts [--per-case P] [--distances 1000,40000] [--leaks 1e-7,1e-4,1e-2,0.5]
 *        [--eve 0,0.5,1] [--ref-tol 1e-11] [--time-points N] [--json]
 * Per case (distance, Eve's position as a fraction of it, rE): P points (default 4). Errors:
 * (chi and rate over the points the kernel reports resolved), max |d log p(b|a)| over p(b|a) >= 1e-4 (max_dlogp) and over 1e-12 < p(b|a) < 1e-4 (_tail), max |d chi|, max |d Lf/L|, and Eve's-route
 * p(check|a) vs Bob's (f32 internal consistency). Timing (--time-points N, default 64, on the
 * 1000 km mid-line case rE = 1e-2): one webgpu batch vs the reference evaluateBatch (tol 1e-9,
 * the optimiser's screening tolerance) on the same points, after a warm-up that compiles.
 */
import { createWebgpuBackend } from '../src/backends/webgpu/index.js';
import { line, photonNumberRate } from '../src/models/amplified/index.js';
import { fineChi, optimiserMapPoints } from '../test/amplified/fine-chi.js';
import { evaluateBatch } from '../src/models/amplified/kernels.js';
import { WasmAmplifiedKernel } from '../src/backends/wasm/amplified-rate.js';
import { compileKernelModule } from '../src/backends/wasm/load.js';
import { createLeakagePool } from '../src/pool/index.js';
import type { AmplifiedScreenInput, AmplifiedScreenOutput } from '../src/kernels/amplified-screen/spec.js';

const args = process.argv.slice(2);
const opt = (name: string, def: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1]! : def;
};
const list = (name: string, def: string) => opt(name, def).split(',').map(Number);
const perCase = Number(opt('--per-case', '4'));
const refTol = Number(opt('--ref-tol', '1e-11'));
const timePoints = Number(opt('--time-points', '64'));

const samplePoints = optimiserMapPoints;

const fineBudget = Number(opt('--fine-budget', '3000'));

const be = createWebgpuBackend();
await be.init();
console.error(`webgpu: ${be.detail}`);
const rows: Record<string, unknown>[] = [];
let seed = 1;
for (const distance of list('--distances', '1000,40000')) {
  for (const f of list('--eve', '0,0.5,1')) {
    const L = line({ distance, eveAt: f * distance });
    for (const leak of list('--leaks', '1e-7,1e-4,1e-2,0.5')) {
      const pts = samplePoints(L, leak, perCase, seed++);
      const t0 = performance.now();
      const g = await be.run<AmplifiedScreenInput, AmplifiedScreenOutput>('amplified-screen', { fixed: { G1: L.G1, G2: L.G2, leak }, points: pts });
      const gpuMs = performance.now() - t0;
      let dlp = 0;
      let dlpTail = 0;
      let dRefFine = 0;
      let dGpuFine = 0;
      let nFine = 0;
      let dchi = 0;
      let drate = 0;
      let dcons = 0;
      let maxRate = 0;
      let maxChi = 0;
      let refMs = 0;
      for (let i = 0; i < perCase; i++) {
        if (!g.valid[i]) continue;
        const o = i * 6;
        const t1 = performance.now();
        const ref = photonNumberRate({
          photons: [pts[o]!, pts[o + 1]!], windows: Array.from(pts.subarray(o + 2, o + 6)), G1: L.G1, G2: L.G2, leak, tol: refTol,
        });
        refMs += performance.now() - t1;
        const p = ref.pba.flat();
        for (let k = 0; k < 4; k++) {
          const d = Math.abs(Math.log(p[k]!) - g.logPba[4 * i + k]!);
          if (p[k]! >= 1e-4) dlp = Math.max(dlp, d);
          else if (p[k]! > 1e-12) dlpTail = Math.max(dlpTail, d);
        }
        for (let a = 0; a < 2; a++) {
          const lb = Math.log(Math.exp(g.logPba[4 * i + 2 * a]!) + Math.exp(g.logPba[4 * i + 2 * a + 1]!));
          if (leak > 0 && lb > Math.log(1e-12)) dcons = Math.max(dcons, Math.abs(g.logPCheckEve[2 * i + a]! - lb));
        }
        if (fineBudget > 0 && leak > 0) {
          const fc = fineChi({ photons: [pts[o]!, pts[o + 1]!], windows: Array.from(pts.subarray(o + 2, o + 6)), G1: L.G1, G2: L.G2, leak }, ref.pba, fineBudget);
          if (Number.isFinite(fc)) {
            dRefFine = Math.max(dRefFine, Math.abs(ref.chi - fc));
            if (g.resolved[i]) dGpuFine = Math.max(dGpuFine, Math.abs(g.chi[i]! - fc));
            nFine++;
          }
        }
        if (!g.resolved[i]) continue;
        dchi = Math.max(dchi, Math.abs(ref.chi - g.chi[i]!));
        drate = Math.max(drate, Math.abs(ref.rate - g.rate[i]!));
        maxRate = Math.max(maxRate, Math.abs(ref.rate));
        maxChi = Math.max(maxChi, ref.chi);
      }
      const row = {
        distance, eveAt: f * distance, G1: +L.G1.toFixed(1), G2: +L.G2.toFixed(1), leak, points: perCase,
        valid: g.valid.reduce((s, v) => s + v, 0), resolved: g.resolved.reduce((s, v) => s + v, 0),
        max_dlogp: +dlp.toPrecision(2), max_dlogp_tail: +dlpTail.toPrecision(2), max_dchi: +dchi.toPrecision(2), max_chi: +maxChi.toPrecision(3),
        max_drate: +drate.toPrecision(2), max_rate: +maxRate.toPrecision(3), max_eve_vs_bob_dlogpcheck: +dcons.toPrecision(2),
        fine_points: nFine, max_dchi_ref_vs_fine: +dRefFine.toPrecision(2), max_dchi_gpu_vs_fine: +dGpuFine.toPrecision(2),
        gpu_ms: Math.round(gpuMs), ref_ms: Math.round(refMs),
      };
      rows.push(row);
      console.error(JSON.stringify(row));
    }
  }
}
if (timePoints > 0) {
  const L = line({ distance: 1000, eveAt: 500 });
  const leak = 1e-2;
  const pts = samplePoints(L, leak, timePoints, 999);
  await be.run('amplified-screen', { fixed: { G1: L.G1, G2: L.G2, leak }, points: pts.subarray(0, 6) }); // warm-up
  const t0 = performance.now();
  await be.run<AmplifiedScreenInput, AmplifiedScreenOutput>('amplified-screen', { fixed: { G1: L.G1, G2: L.G2, leak }, points: pts });
  const gpuMs = performance.now() - t0;
  const out = new Float64Array(timePoints);
  const t1 = performance.now();
  evaluateBatch({ encoding: 'photon-number', G1: L.G1, G2: L.G2, leak, method: 'exact', tol: 1e-9 }, pts, out);
  const refMs = performance.now() - t1;
  // the f64 CPU paths on the same points: wasm kernel in this thread, and on a 2-worker pool
  const fixed = { encoding: 'photon-number' as const, G1: L.G1, G2: L.G2, leak, method: 'exact' as const, tol: 1e-9 };
  const compiled = await compileKernelModule();
  const kernel = WasmAmplifiedKernel.fromModule(compiled.module);
  const t2 = performance.now();
  kernel.evaluateBatch(fixed, pts, out);
  const wasmMs = performance.now() - t2;
  const pool = await createLeakagePool({ workers: 2, module: compiled.module });
  await pool.amplifiedRate({ fixed, points: pts.subarray(0, 12) }); // warm-up
  const t3 = performance.now();
  await pool.amplifiedRate({ fixed, points: pts });
  const poolMs = performance.now() - t3;
  await pool.close();
  const row = {
    timing: '1000 km, Eve at 500 km, rE = 1e-2', points: timePoints,
    webgpu_ms: Math.round(gpuMs), reference_ms: Math.round(refMs), wasm_ms: Math.round(wasmMs), wasm_pool2_ms: Math.round(poolMs),
    reference_over_webgpu: +(refMs / gpuMs).toFixed(2), wasm_pool2_over_webgpu: +(poolMs / gpuMs).toFixed(2),
  };
  rows.push(row);
  console.error(JSON.stringify(row));
}
if (args.includes('--json')) console.log(JSON.stringify(rows, null, 2));
else console.table(rows);
await be.dispose();
