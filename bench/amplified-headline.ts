/**
 * Headline numbers of [A] (SPEC 3.4): worst case over Eve's position near rE_min for both encodings
 * at 1000 and 40,000 km. Slow (~13 min on one core). Run: npx tsx bench/amplified-headline.ts
 */
import { worstCase } from '../src/models/amplified/model.js';
const cases = [
  { encoding: 'phase', distance: 1000, leak: 1e-6 },
  { encoding: 'phase', distance: 40000, leak: 1e-5 },
  { encoding: 'photon-number', distance: 1000, leak: 1e-6 },
  { encoding: 'photon-number', distance: 40000, leak: 1e-5 },
] as const;
async function main(): Promise<void> {
for (const c of cases) {
  const t0 = performance.now();
  const r = await worstCase({ ...c, gridPoints: c.encoding === 'phase' ? 41 : 11 });
  console.log(JSON.stringify({ ...c, rate: r.rate, eveAt: r.eveAt, photons: r.params.photons, windows: r.params.windows, pCheck: r.pCheck, iAB: r.iAB, chi: r.chi, evaluations: r.evaluations, converged: r.converged, scan: r.scan, seconds: (performance.now() - t0) / 1000 }));
}
}
void main();
