/**
 * Eve's diagonal state (Eq. 104) must resolve her Fock mixture sum_i W_i Poisson(n; rE r_i^2), not
 * only p(check|a): at large rE (G1 - 1) the kernels are narrower (~1/(2 sqrt rE) in r) than the
 * panels the adaptive rule needs for p(check|a). Regression for a bug found by the f32 WebGPU
 * kernel (docs/webgpu.md): chi was off by 1e-2 (1000 km, Eve at Bob, rE 0.5) and 9e-2 (40,000 km,
 * Eve mid-line, rE 0.1). Independent check: fineChi forces uniform fine panels.
 */
import { describe, expect, it } from 'vitest';
import { line, photonNumberRate, pnFromUnit } from '../../src/models/amplified/index.js';
import { mulberry32 } from '../../src/util/prng.js';
import { fineChi } from './fine-chi.js';

describe('eveStateExact resolves the Fock mixture', () => {
  const cases: [number, number, number][] = [
    // distance (km), Eve's position / distance, rE
    [1000, 1, 0.5],
    [40000, 0.5, 1e-2],
    [1000, 0.5, 0.1],
  ];
  for (const [distance, f, leak] of cases) {
    it(`${distance} km, Eve at ${f * distance} km, rE = ${leak}: chi equals the finely resolved chi to 1e-6`, () => {
      const L = line({ distance, eveAt: f * distance });
      const r = mulberry32(distance + 1000 * leak + f);
      for (let i = 0; i < 2; i++) {
        const u = [0.2 + 0.35 * (i + r()), 0.05 + 0.9 * r(), 0.2 + 0.7 * r(), 0.2 + 0.6 * r(), 0.05 + 0.9 * r(), 0.2 + 0.7 * r()];
        const m = pnFromUnit(u, L, leak);
        const pt = { photons: m.photons as [number, number], windows: m.windows, G1: L.G1, G2: L.G2, leak };
        const ref = photonNumberRate({ ...pt, tol: 1e-12 });
        const fine = fineChi(pt, ref.pba, Infinity);
        expect(Number.isFinite(fine)).toBe(true);
        expect(Math.abs(ref.chi - fine)).toBeLessThan(1e-6);
      }
    }, 120_000);
  }
});
