import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { amplifierThenLoss, combineLeaks, composePairs, composeSpans, line, spanPair, transmission } from '../../src/models/amplified/index.js';

/** Independent propagation: mean amplitude factor and P-function noise through explicit pairs. */
function propagate(T: number, G: number, M: number): { gain2: number; noise: number } {
  let gain2 = 1;
  let noise = 0; // P-function thermal photons
  for (let i = 0; i < M; i++) {
    // loss: amplitude *sqrt(T), P-noise *T; amplifier: amplitude *sqrt(G), noise *G + (G-1)
    gain2 *= T * G;
    noise = noise * T * G + (G - 1);
  }
  return { gain2, noise };
}

describe('channel (Note 3)', () => {
  it('M spans compose to Eq. 74 for G T = 1 and G T != 1', () => {
    for (const [T, G, M] of [
      [0.1, 10, 20],
      [0.1, 8, 7],
      [0.3, 4, 13],
      [0.5, 1.5, 40],
    ] as const) {
      const c = composeSpans({ T, G }, M);
      const ref = propagate(T, G, M);
      expect(c.G * c.T).toBeCloseTo(ref.gain2, 12);
      expect((c.G - 1) / ref.noise).toBeCloseTo(1, 12);
      // iterated pairwise composition agrees as well
      let p = { T: 1, G: 1 };
      for (let i = 0; i < M; i++) p = composePairs(p, { T, G });
      expect(p.G / c.G).toBeCloseTo(1, 12);
      expect(p.T / c.T).toBeCloseTo(1, 12);
    }
    // Eq. 75 limit
    const c = composeSpans({ T: 0.1, G: 10 }, 20);
    expect(c.G).toBeCloseTo(20 * 9 + 1, 9);
  });

  it('amplifier-then-loss equals loss-then-amplifier with the Statement 2 parameters', () => {
    const { T, G } = amplifierThenLoss(5, 0.3);
    const ref = propagate(1, 5, 1); // amplifier first (T=1)
    const after = { gain2: ref.gain2 * 0.3, noise: ref.noise * 0.3 };
    expect(G * T).toBeCloseTo(after.gain2, 14);
    expect(G - 1).toBeCloseTo(after.noise, 14);
  });

  it('corrected Eqs. 78-79: G1 = M1 (G-1)+1, G1 = 1 at eveAt = 0, sqrt(G_i T_i) = 1', () => {
    const L = line({ distance: 1000, eveAt: 0 });
    expect(L.G1).toBe(1);
    expect(L.G2).toBeCloseTo(20 * 9 + 1, 9);
    const L2 = line({ distance: 1000, eveAt: 300 });
    expect(L2.G1).toBeCloseTo(6 * 9 + 1, 9);
    expect(L2.G2).toBeCloseTo(14 * 9 + 1, 9);
    expect(L2.G1 * L2.T1).toBeCloseTo(1, 14);
    // both pieces composed reproduce the whole line (Eq. 74)
    const whole = composeSpans(spanPair(50, 0.02), 20);
    const pieces = composePairs({ T: L2.T1, G: L2.G1 }, { T: L2.T2, G: L2.G2 });
    expect(pieces.G / whole.G).toBeCloseTo(1, 12);
  });

  it('leaks combine by Eq. 1 and transmission stays in log domain at 40,000 km', () => {
    expect(combineLeaks([0.1, 0.2])).toBeCloseTo(1 - 0.9 * 0.8, 15);
    expect(combineLeaks([1e-12, 1e-12]) / (2e-12 - 1e-24)).toBeCloseTo(1, 12);
    const t = transmission(40000);
    expect(t.log10T).toBe(-800);
    expect(t.lnT).toBeCloseTo(-800 * Math.LN10, 9);
  });

  it('rejects bad input with InputError', () => {
    expect(() => line({ distance: 1000, eveAt: 1050 })).toThrow(InputError);
    expect(() => line({ distance: 1000, eveAt: -50 })).toThrow(InputError);
    expect(() => line({ distance: 1020, eveAt: 0 })).toThrow(/multiple of span/);
    expect(() => line({ distance: 1000, eveAt: 125 })).toThrow(InputError);
    expect(() => combineLeaks([1])).toThrow(InputError);
  });
});
