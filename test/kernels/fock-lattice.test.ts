/**
 * Eve's Fock sums on lattices (src/kernels/pn-separable/reference.ts eveLattice; docs/amplified.md
 * "Fock lattice"): at large photon numbers the kernel sums Eve's states on Fock lattices of step
 * m > 1 (Poisson summation) and checks each against the lattice twice as coarse. Held here to
 *  - the full sum over every Fock number (the same nodes, step 1: withState), within the full
 *    sum's own recurrence rounding (2 eps x band);
 *  - an independent sum where Eve's states are two Poissons (Eve next to Alice, G1 = 1): the
 *    Holevo sum over every n with each pmf from its own log (no recurrence, no lattice), 1e-14;
 *  - the AssemblyScript twin (scalar and SIMD builds), 1e-12 relative;
 * and the lattice must actually be coarse there (else these tests would test nothing).
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { pnSeparable } from '../../src/kernels/pn-separable/reference.js';
import { PN_ALPHA } from '../../src/kernels/pn-separable/spec.js';
import { holevoTerm, logPoissonPmf } from '../../src/special/index.js';
import { line } from '../../src/models/amplified/channel.js';
import { pnFromUnit } from '../../src/models/amplified/model.js';
import { WasmAmplifiedKernel, type AmplifiedDiagnostics } from '../../src/backends/wasm/amplified-rate.js';
import { wasmPath } from '../../src/backends/wasm/load.js';
import type { WasmModule } from '../../src/backends/wasm/wa.js';

// [distance, eveAt, rE, unit-box point]: symmetric pairs at 1e6-1e8 photons, on-off keying, Eve
// at Alice (two Poissons a gap apart: the case that must halve its step), mid-line and near Bob
const CASES: [number, number, number, number[]][] = [
  [1000, 500, 0.01, [0.85, 0.99, 0.8, 0.24, 0.64, 0.85]],
  [1000, 500, 0.1, [0.75, 0.98, 0.5, 0.3, 0.5, 0.5]],
  [1000, 0, 0.01, [0.95, 0.99, 0.5, 0.4, 0.6, 0.5]],
  [1000, 0, 0.5, [0.7, 0.9, 0.5, 0.4, 0.6, 0.5]],
  [1000, 950, 0.3, [0.6, 0, 0, 0.3, 0.05, 0.1]],
  [40000, 20000, 0.01, [0.8, 0.95, 0.3, 0.4, 0.5, 0.4]],
  [40000, 39950, 0.1, [0.7, 0.97, 0.5, 0.35, 0.6, 0.3]],
  [40000, 0, 0.001, [0.9, 0.99, 0.2, 0.45, 0.5, 0.2]],
];

const inputOf = (d: number, e: number, rE: number, u: number[], alpha = PN_ALPHA) => {
  const L = line({ distance: d, eveAt: e, span: 50, loss: 0.02 });
  const m = pnFromUnit(u, L, rE);
  const [t1, t2, t3, t4] = m.windows as [number, number, number, number];
  return { p0: m.photons[0], p1: m.photons[1], t1, t2, t3, t4, G1: L.G1, G2: L.G2, leak: rE, alpha };
};
const name = ([d, e, rE, u]: (typeof CASES)[number]): string => `${d} km, Eve at ${e}, rE ${rE}, u ${u.join(',')}`;

describe('Fock lattice == full Fock sum (same nodes)', () => {
  for (const c of CASES) {
    it(name(c), () => {
      const inp = inputOf(...c);
      const lat = pnSeparable(inp);
      const full = pnSeparable(inp, true); // every Fock number, by recurrence
      expect(lat.work.fock).toBeLessThan(full.work.fock / 4); // the lattice is coarse here
      const band = full.work.fock / full.work.rNodes;
      const tol = Math.max(1e-14, 4 * Number.EPSILON * band) * (1 + full.chi);
      expect(Math.abs(lat.chi - full.chi)).toBeLessThanOrEqual(tol);
      expect(lat.pCheck).toBe(full.pCheck);
      expect(lat.iAB).toBe(full.iAB);
      for (const t of lat.trace) expect(Math.abs(1 - t)).toBeLessThan(1e-12);
    });
  }
});

describe('Fock lattice, two Poisson states (Eve next to Alice) == an independent direct sum', () => {
  for (const c of CASES.filter(([, e]) => e === 0)) {
    it(name(c), () => {
      const inp = inputOf(...c);
      const r = pnSeparable(inp);
      const pA0 = r.pba[0] + r.pba[1];
      const pA1 = r.pba[2] + r.pba[3];
      const q0 = pA0 / (pA0 + pA1);
      const l0 = inp.leak * inp.p0;
      const l1 = inp.leak * inp.p1;
      let chi = 0;
      for (let n = Math.max(0, Math.floor(l0 - 15 * Math.sqrt(l0) - 20)); n <= l1 + 15 * Math.sqrt(l1) + 50; n++) {
        chi += holevoTerm(q0, 1 - q0, Math.exp(logPoissonPmf(n, l0)), Math.exp(logPoissonPmf(n, l1)));
      }
      expect(Math.abs(r.chi - chi)).toBeLessThanOrEqual(1e-14 * (1 + chi));
    });
  }
});

describe('Fock lattice: AssemblyScript twin == reference twin', () => {
  const builds = (['scalar', 'simd'] as const).map((f) => WasmAmplifiedKernel.fromModule(new WebAssembly.Module(readFileSync(wasmPath(f))) as unknown as WasmModule));
  for (const c of CASES) {
    it(name(c), () => {
      const inp = inputOf(...c);
      const ref = pnSeparable(inp);
      const pts = Float64Array.from([inp.p0, inp.p1, inp.t1, inp.t2, inp.t3, inp.t4]);
      const outs: number[] = [];
      for (const k of builds) {
        const out = new Float64Array(1);
        const diag: AmplifiedDiagnostics = { pCheck: new Float64Array(1), iAB: new Float64Array(1), chi: new Float64Array(1), evaluations: new Float64Array(1) };
        k.evaluateBatch({ encoding: 'photon-number', G1: inp.G1, G2: inp.G2, leak: inp.leak, method: 'exact' }, pts, out, diag);
        expect(Math.abs(diag.chi[0]! - ref.chi)).toBeLessThanOrEqual(1e-12 * Math.abs(ref.chi));
        expect(Math.abs(out[0]! - ref.rate)).toBeLessThanOrEqual(1e-12 * Math.max(Math.abs(ref.rate), ref.pCheck * (ref.iAB + ref.chi)));
        outs.push(out[0]!);
      }
      expect(outs[1]).toBe(outs[0]);
    });
  }
});
