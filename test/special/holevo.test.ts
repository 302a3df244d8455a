/**
 * holevoTerm (src/special/entropy.ts, and its AssemblyScript twin) and the model's holevoDiagonal
 * against closed forms of two-state diagonal ensembles ([A] Eqs. 114-116):
 *  - orthogonal states: chi = h2(q0);
 *  - rho_{0,1} = (1/2 +- d, 1/2 -+ d), q = 1/2: chi = 1 - h2(1/2 + d)
 *    = sum_k (2d)^(2k) / (2k (2k - 1) ln 2), to 1e-14 relative even at d = 2^-20 (chi ~ 3e-12),
 *    where the textbook sum q r log2(r/m) loses ~eps/d relative (> 1e-12 at d = 2^-20: shown below).
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { binaryEntropy, holevoTerm } from '../../src/special/index.js';
import { holevoDiagonal } from '../../src/models/amplified/photon-number.js';
import { wasmPath } from '../../src/backends/wasm/load.js';

const wasm = new WebAssembly.Instance(new WebAssembly.Module(readFileSync(wasmPath('scalar'))), {}).exports as unknown as { holevoTerm(a: number, b: number, c: number, d: number): number };
const series = (d: number): number => {
  let s = 0;
  for (let k = 1; k < 40; k++) s += (2 * d) ** (2 * k) / (2 * k * (2 * k - 1) * Math.LN2);
  return s;
};
const naive = (q: number[], r0: number[], r1: number[]): number => r0.reduce((s, _, n) => {
  const m = q[0]! * r0[n]! + q[1]! * r1[n]!;
  return s + q[0]! * r0[n]! * Math.log2(r0[n]! / m) + q[1]! * r1[n]! * Math.log2(r1[n]! / m);
}, 0);

describe('Holevo chi of diagonal two-state ensembles', () => {
  it('orthogonal states give h2(q0)', () => {
    for (const q0 of [0.5, 0.3, 1e-3]) {
      expect(holevoDiagonal([q0, 1 - q0], [[1, 0], [0, 1]])).toBeCloseTo(binaryEntropy(q0), 15);
      expect(wasm.holevoTerm(q0, 1 - q0, 1, 0) + wasm.holevoTerm(q0, 1 - q0, 0, 1)).toBeCloseTo(binaryEntropy(q0), 15);
    }
  });
  it('nearly equal states keep full relative accuracy (chi = 1 - h2(1/2 + d))', () => {
    for (const d of [2 ** -3, 2 ** -7, 2 ** -13, 2 ** -20]) { // dyadic: 1/2 +- d exact
      const r0 = [0.5 + d, 0.5 - d];
      const r1 = [0.5 - d, 0.5 + d];
      const want = series(d);
      const got = holevoDiagonal([0.5, 0.5], [r0, r1]);
      expect(Math.abs(got - want) / want).toBeLessThan(1e-14);
      const w = wasm.holevoTerm(0.5, 0.5, r0[0]!, r1[0]!) + wasm.holevoTerm(0.5, 0.5, r0[1]!, r1[1]!);
      expect(Math.abs(w - want) / want).toBeLessThan(1e-14);
      expect(holevoTerm(0.5, 0.5, r0[0]!, r1[0]!)).toBeGreaterThanOrEqual(0);
    }
    // the textbook form fails at d = 2^-20 (the test above can tell them apart)
    const d = 2 ** -20;
    expect(Math.abs(naive([0.5, 0.5], [0.5 + d, 0.5 - d], [0.5 - d, 0.5 + d]) - series(d)) / series(d)).toBeGreaterThan(1e-12);
  });
});
