/**
 * Test/bench helper: an independent f64 Holevo chi of the photon-number encoding ([A] Eqs. 100-104,
 * 113-116) with Eve's |alpha| quadrature forced fine enough to resolve her Fock mixture. Used to
 * tell the f32 kernel's error from the reference's own (docs/webgpu.md).
 */
import { displacedThermalWindow, holevoDiagonal, pnFromUnit, windowEdges, type PnPoint } from '../../src/models/amplified/index.js';
import { mulberry32 } from '../../src/util/prng.js';
import { integrate } from '../../src/models/amplified/quad.js';
import { i0e, lgamma } from '../../src/special/index.js';

/**
 * Independent f64 chi with Eve's |alpha| nodes forced fine (K15 panels of width
 * min(1.2/sqrt(rE), sd, 8), plus breaks at the window edges and +-1, +-3 around them): the Fock mixture
 * sum_i W_i Poisson(n; rE r_i^2) is then resolved (node gap <= Poisson width / 4). Same
 * separated integral as photon-number.ts eveStateExact (Eqs. 100-104), priors from Bob (Eq. 94).
 * Returns NaN when it would need more than `budget` inner window integrals.
 */
export function fineChi(pt: PnPoint, pba: number[][], budget: number): number {
  const w = windowEdges(pt.photons, pt.windows);
  const rE = pt.leak;
  const S1 = pt.G1 - 1;
  const S2 = pt.G2 - 1;
  if (!(S1 > 0)) return NaN;
  const pc = [pba[0]![0]! + pba[0]![1]!, pba[1]![0]! + pba[1]![1]!];
  const q: [number, number] = [pc[0]! / (pc[0]! + pc[1]!), pc[1]! / (pc[0]! + pc[1]!)];
  const sd = Math.sqrt(S1 / 2);
  const width = Math.min(1.2 / Math.sqrt(rE), sd, 8);
  const rho: Float64Array[] = [];
  const states: { nodes: Float64Array; W: Float64Array }[] = [];
  let nMax = 0;
  for (const a of [0, 1] as const) {
    const ga = Math.sqrt(pt.photons[a]);
    const lo = Math.max(0, ga - 9 * sd - 1);
    const hi = ga + 9 * sd + 1;
    const nb = Math.ceil((hi - lo) / width);
    if (nb * 15 * (S2 > 0 ? 1 : 0.05) > budget) return NaN;
    // window edges in |alpha| and +-1, +-3 around them (the Poisson-window step has width ~1/2 there)
    const edges = [w.lo0, w.hi0 + 1, w.lo1, w.hi1 + 1]
      .filter((e) => e > 0)
      .flatMap((e) => [-3, -1, 0, 1, 3].map((d) => Math.sqrt(e / (1 - rE)) + d));
    const breaks = [...Array.from({ length: nb - 1 }, (_, i) => lo + ((i + 1) * (hi - lo)) / nb), ga, ...edges];
    const qd = integrate(() => 0, lo, hi, { breaks });
    const W = qd.nodes.map((r, i) => {
      if (r <= 0) return 0;
      const wa = ((2 * r) / S1) * Math.exp(-((r - ga) ** 2) / S1) * i0e((2 * r * ga) / S1);
      if (wa === 0) return 0;
      const D = (1 - rE) * r * r;
      return qd.weights[i]! * wa * (displacedThermalWindow(w.lo0, w.hi0, D, S2, 1e-13).value + displacedThermalWindow(w.lo1, w.hi1, D, S2, 1e-13).value);
    });
    states.push({ nodes: qd.nodes, W });
    nMax = Math.max(nMax, Math.ceil(rE * hi * hi + 14 * Math.sqrt(rE * hi * hi) + 50));
  }
  for (const st of states) {
    const r = new Float64Array(nMax + 1);
    let Z = 0;
    st.W.forEach((Wi, i) => {
      if (!(Wi > 0)) return;
      Z += Wi;
      const lam = rE * st.nodes[i]! ** 2;
      const half = 14 * Math.sqrt(lam) + 40;
      for (let n = Math.max(0, Math.floor(lam - half)); n <= Math.min(nMax, lam + half); n++) r[n] += Wi * Math.exp(n * Math.log(lam) - lam - lgamma(n + 1));
    });
    for (let n = 0; n <= nMax; n++) r[n] /= Z;
    rho.push(r);
  }
  return holevoDiagonal(q, [rho[0]!, rho[1]!]);
}

/** Photon-number points of the optimiser's map (pnFromUnit) with |gamma1|^2 spread over
 *  [1e2, 3e5] (log10 |gamma1|^2 = 1 + 7 u0: u0 in [1/7, (log10(3e5) - 1)/7]), deterministic in
 *  `seed`; flat, stride 6. */
export function optimiserMapPoints(G: { G1: number; G2: number }, leak: number, count: number, seed: number): Float64Array {
  const r = mulberry32(seed);
  const pts = new Float64Array(count * 6);
  for (let i = 0; i < count; i++) {
    const u0lo = 1 / 7;
    const u0hi = (Math.log10(3e5) - 1) / 7;
    const u = [u0lo + (u0hi - u0lo) * ((i + r()) / count), 0.05 + 0.9 * r(), 0.2 + 0.7 * r(), 0.2 + 0.6 * r(), 0.05 + 0.9 * r(), 0.2 + 0.7 * r()];
    const m = pnFromUnit(u, G, leak);
    pts.set([...m.photons, ...m.windows], i * 6);
  }
  return pts;
}
