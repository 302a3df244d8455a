/**
 * Eve's pseudo-random screen at screening precision (src/models/leakage/optimize.ts ScreenPoints):
 * the screen values only rank, the best SCREEN_RECHECK_PER_START x starts points per problem are
 * re-evaluated in f64 and every reported value is an f64 value of its gamma. An f32-like screen
 * chooses the same starts as the f64 screen (same minima, bit for bit) at a fraction of the f64
 * evaluations; a wrong screen costs accuracy of the ranking only, never an f32 value in a result.
 */
import { describe, expect, it } from 'vitest';
import { eveMinMany, smallest, SCREEN_RECHECK_PER_START } from '../../src/models/leakage/optimize.js';
import { leakageObjectiveReference } from '../../src/kernels/leakage-objective/reference.js';
import { SCREEN_MAX_OUTCOMES, type LeakageObjectiveBatch } from '../../src/kernels/leakage-objective/spec.js';
import { mulberry32 } from '../../src/util/prng.js';

/** Random problems: A, B >= 0 (w = gamma A + B >= 0), like the attack's coefficients. */
function problems(n: number, count: number, seed: number) {
  const r = mulberry32(seed);
  return Array.from({ length: count }, () => {
    const coef = new Float64Array(2 * n);
    for (let i = 0; i < 2 * n; i++) coef[i] = r() * (i < n ? 0.5 : 1) / n;
    return { coef, extraStarts: [] as Float64Array[] };
  });
}
const f64 = (b: LeakageObjectiveBatch) => leakageObjectiveReference(b);
const EVE = { maxScreen: 4096, starts: 4 };

describe('leakage: pseudo-random screen on a screening backend', () => {
  it('smallest(v, k) = the first k indices of a stable sort by value, NaN last', () => {
    const r = mulberry32(11);
    for (const len of [1, 7, 1000]) {
      // few distinct values (ties) and NaNs
      const v = Float64Array.from({ length: len }, () => (r() < 0.1 ? NaN : Math.floor(r() * 20) / 4));
      const key = (x: number) => (Number.isNaN(x) ? Infinity : x);
      const ref = Array.from({ length: len }, (_, i) => i).sort((x, y) => key(v[x]!) - key(v[y]!));
      for (const k of [1, 3, 64, len + 5]) expect(smallest(v, k)).toEqual(ref.slice(0, k));
    }
    expect(smallest(new Float64Array([NaN, NaN]), 1)).toEqual([0]);
  });
  for (const [d, N] of [[2, 5], [3, 3]] as const) {
    it(`d=${d} N=${N}: an f32-like screen (relative error 1e-6) gives the f64 screen's minima with fewer f64 evaluations`, async () => {
      const n = d ** N;
      const ps = problems(n, 3, 7 * d + N);
      const plain = await eveMinMany(d, N, ps, 'joint', f64, EVE);
      const noise = mulberry32(99);
      let calls = 0;
      const screenPoints = async (b: LeakageObjectiveBatch) => {
        calls++;
        return f64(b).map((v) => Math.fround(v * (1 + 1e-6 * (2 * noise() - 1))));
      };
      const scr = await eveMinMany(d, N, ps, 'joint', f64, EVE, undefined, screenPoints);
      expect(calls).toBe(1);
      expect(scr.screenedPoints).toBe(3 * 4096);
      expect(plain.screenedPoints).toBeUndefined();
      expect(plain.evaluations - scr.evaluations).toBe(3 * (4096 - SCREEN_RECHECK_PER_START * 4));
      scr.mins.forEach((m, p) => {
        expect(m.value).toBe(plain.mins[p]!.value);
        expect(Array.from(m.gamma)).toEqual(Array.from(plain.mins[p]!.gamma));
        expect(m.status).toBe(plain.mins[p]!.status);
      });
    });
  }
  it('a screen that ranks wrongly still reports f64 values of the reported gamma; no screen = the f64 path', async () => {
    const ps = problems(32, 2, 5);
    const plain = await eveMinMany(2, 5, ps, 'joint', f64, EVE);
    const none = await eveMinMany(2, 5, ps, 'joint', f64, EVE, undefined, async () => undefined);
    expect(none.mins.map((m) => m.value)).toEqual(plain.mins.map((m) => m.value));
    expect(none.evaluations).toBe(plain.evaluations);
    const wrong = await eveMinMany(2, 5, ps, 'joint', f64, EVE, undefined, async (b) => f64(b).map((v) => -v));
    wrong.mins.forEach((m, p) => {
      const at = f64({ dim: 2, parties: 5, coef: ps[p]!.coef, gammas: m.gamma, problemOf: new Uint32Array(1), objective: 'joint' })[0]!;
      expect(m.value).toBe(at);
    });
  });
  it(`d^N above the screening limit (${SCREEN_MAX_OUTCOMES}) is screened in f64`, async () => {
    let calls = 0;
    const r = await eveMinMany(4, 3, problems(64, 1, 3), 'joint', f64, { maxScreen: 256, starts: 2, maxIter: 20 }, undefined, async () => {
      calls++;
      return undefined;
    });
    expect(calls).toBe(0);
    expect(r.screenedPoints).toBeUndefined();
  });
});
