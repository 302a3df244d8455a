/**
 * Bench: one exact photon-number Lf/L at |gamma|^2 ~ 1e4, rE = 1e-3, 1000 km (Eve mid-line), and one
 * full optimisation at that point (reference f64 engine, single thread).
 * Run: npx tsx bench/amplified-w2.ts
 */
import { line, photonNumberRate, rate } from '../src/models/amplified/index.js';

async function main(): Promise<void> {
  const L = line({ distance: 1000, eveAt: 500 });
  const pt = { photons: [1e4, 2e4] as [number, number], windows: [2000, 2000, 9000, 12000], G1: L.G1, G2: L.G2, leak: 1e-3, tol: 1e-15 };
  photonNumberRate(pt); // warm-up (JIT)
  const reps = 5;
  const t0 = performance.now();
  let r = photonNumberRate(pt);
  for (let i = 1; i < reps; i++) r = photonNumberRate(pt);
  const single = (performance.now() - t0) / reps;
  console.log(`exact Lf/L (photons 1e4,2e4; rE 1e-3; 1000 km; eveAt 500): ${r.rate} in ${single.toFixed(1)} ms/eval (${r.evaluations} inner integrand evaluations, quadError ${r.quadError.toExponential(2)})`);
  const t1 = performance.now();
  const o = await rate({ encoding: 'photon-number', distance: 1000, eveAt: 500, leak: 1e-3, optimize: true });
  const opt = (performance.now() - t1) / 1000;
  console.log(`full optimisation: Lf/L ${o.rate} at photons ${o.params.photons.map((x) => x.toPrecision(5)).join(',')} windows ${o.params.windows.map((x) => x.toPrecision(5)).join(',')}; ${o.evaluations} objective points, converged ${o.converged}, ${opt.toFixed(1)} s`);
  const t2 = performance.now();
  const ph = await rate({ encoding: 'phase', distance: 1000, eveAt: 500, leak: 1e-3, optimize: true });
  console.log(`phase optimisation: Lf/L ${ph.rate}; ${ph.evaluations} points, ${((performance.now() - t2) / 1000).toFixed(2)} s`);
}
void main();
