/**
 * Hard inputs through the library (issue #12, items 1, 2, 5, 7, 10, 11): every bad input is an
 * InputError naming the parameter; unknown keys are refused; the phase encoding handles leak 0 and
 * rounding of the Eq. 143 overlap.
 */
import { describe, expect, it } from 'vitest';
import { amplified, InputError, leakage } from '../../src/index.js';
import { createLeakagePool } from '../../src/pool/index.js';
import { createLeakageEvaluator } from '../backends/leakage-evaluator.js';
import { OVERLAP_ROUNDING } from '../../src/models/amplified/phase.js';

async function inputError(p: Promise<unknown> | (() => unknown), param: string | RegExp): Promise<InputError> {
  let err: unknown;
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    err = e;
  }
  expect(err, 'expected an InputError').toBeInstanceOf(InputError);
  const e = err as InputError;
  if (typeof param === 'string') expect(e.param).toBe(param);
  else expect(e.param).toMatch(param);
  expect(e.message).not.toMatch(/allowed: Too (big|small)/);
  return e;
}

const base = { dim: 2, parties: 2, leakage: 0.1, visibility: 0.6 };

describe('10: leakage library validation', () => {
  it('workers 0, -1, 1.5, 1000 are refused (the evaluator takes them; the model refuses the key)', async () => {
    for (const workers of [0, -1, 1.5, 1000]) {
      await inputError(createLeakageEvaluator({ workers }), 'workers');
      await inputError(leakage.rate({ ...base, workers } as never), 'workers');
    }
    await inputError(() => createLeakagePool({ workers: 1000 }), 'workers');
    await inputError(createLeakageEvaluator({ workers: 1e9 }), 'workers');
  });
  it('an unknown key is refused, naming it', async () => {
    const e = await inputError(leakage.rate({ ...base, colour: 1 } as never), 'colour');
    expect(e.message).toMatch(/unknown key/);
    await inputError(leakage.rate({ ...base, eve: { grids: 3 } } as never), 'eve.grids');
    await inputError(leakage.threshold({ dim: 2, parties: 2, leakage: 0.1, tolerance: 1 } as never), 'tolerance');
    await inputError(leakage.curve({ dim: 2, parties: 2, leakages: [0.1], visibilities: [0.5], colour: 1 } as never), 'colour');
  });
  it('parties 30 and a webgpu backend are InputErrors, not RangeError / Error', async () => {
    await inputError(leakage.rate({ ...base, parties: 30 }), 'parties');
    await inputError(leakage.rate({ ...base, dim: 1000 }), 'dim');
    const g = await inputError(leakage.rate({ ...base, backend: 'webgpu' }), 'backend');
    expect(g.allowed).toMatch(/createEvaluator\(MODELS\.leakage/);
    await inputError(leakage.curve({ dim: 2, parties: 30, leakages: [0.1], visibilities: [0.5] }), 'parties');
  });
  it('visibilities.N names the element range', async () => {
    const e = await inputError(leakage.curve({ dim: 2, parties: 2, leakages: [0.1], visibilities: [0.5, 2] }), 'visibilities.1');
    expect(e.allowed).toBe('[0, 1]');
  });
});

describe('2: size estimate', () => {
  it('d^N costs grow as estimated; the limits admit the paper cases and refuse 2^7', () => {
    expect(leakage.rateCost(2, 6).bytes).toBeLessThan(leakage.MAX_RATE_BYTES);
    expect(leakage.rateCost(3, 3).bytes).toBeLessThan(leakage.MAX_RATE_BYTES);
    expect(leakage.rateCost(2, 7).bytes).toBeGreaterThan(leakage.MAX_RATE_BYTES);
    expect(leakage.rateCost(2, 60).bytes).toBeGreaterThan(1e30);
    expect(leakage.rateCost(10, 400).bytes).toBe(Infinity);
  });
  it('threshold skips the bisection at large d^N, or on request, and keeps the closed form', async () => {
    const t0 = Date.now();
    const r = await leakage.threshold({ dim: 2, parties: 40, leakage: 0.2 });
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(r.threshold).toBe(leakage.thresholdClosedForm(2, 40, 0.2));
    expect(Number.isNaN(r.zeroCrossing)).toBe(true);
    expect(r.zeroCrossingDetail.skipped).toMatch(/too large/);
    const q = await leakage.threshold({ dim: 2, parties: 2, leakage: 0.2, zeroCrossing: false });
    expect(q.zeroCrossingDetail.skipped).toBe('not requested');
    await inputError(leakage.zeroCrossing({ dim: 2, parties: 12, leakage: 0.1 }), 'parties');
  });
});

describe('10/5: amplified library validation and leak 0', () => {
  const fixed = { encoding: 'phase' as const, distance: 1000, eveAt: 500, photons: [1e4], windows: [0.5, 1] };
  it('optimize: { bogus: 1 } and unknown keys are refused', async () => {
    await inputError(amplified.rate({ encoding: 'phase', distance: 1000, eveAt: 500, leak: 1e-3, optimize: { bogus: 1 } as never }), 'optimize.bogus');
    await inputError(amplified.rate({ ...fixed, leak: 1e-3, colour: 1 } as never), 'colour');
    await inputError(amplified.worstCase({ encoding: 'phase', distance: 1000, leak: 1e-3, eveAt: 5 } as never), 'eveAt');
    await inputError(amplified.rate({ encoding: 'phase', distance: 1000, eveAt: 500, leak: 1e-3, optimize: { samples: 0 } }), 'optimize.samples');
  });
  it('leak 0 gives a valid answer: overlap exactly 1, chi = 0', async () => {
    const r = await amplified.rate({ ...fixed, leak: 0 });
    expect(r.chi).toBe(0);
    expect(r.rate).toBe(r.pCheck * r.iAB);
    const L = amplified.line({ distance: 1000, eveAt: 500 });
    expect(amplified.phaseOverlap({ photons: 1e4, windows: [0.5, 1], G1: L.G1, G2: L.G2, leak: 0 }, r.pCheck)).toBe(1);
  });
  it('tiny leaks: the overlap never exceeds 1, chi >= 0 and vanishes with the leak', async () => {
    const L = amplified.line({ distance: 1000, eveAt: 500 });
    let prev = Infinity;
    for (const leak of [1e-6, 1e-10, 1e-14, 1e-17, 1e-20, 1e-300]) {
      for (const [photons, windows] of [[1e4, [0.5, 1]], [1, [90, 110]], [100, [0.5, 1]]] as [number, number[]][]) {
        const pt = { photons, windows, G1: L.G1, G2: L.G2, leak };
        const r = amplified.phaseRate(pt);
        expect(r.overlap).toBeLessThanOrEqual(1);
        expect(r.chi).toBeGreaterThanOrEqual(0);
        expect(Number.isFinite(r.rate)).toBe(true);
      }
      const c = amplified.phaseRate({ photons: 100, windows: [5, 60], G1: L.G1, G2: L.G2, leak }).chi;
      expect(c).toBeLessThanOrEqual(prev);
      prev = c;
    }
    expect(OVERLAP_ROUNDING).toBeLessThanOrEqual(1e-12);
  });
  it('photons, loss and spans beyond the model are InputErrors', async () => {
    await inputError(amplified.rate({ ...fixed, leak: 1e-3, photons: [1e12] }), 'photons.0');
    await inputError(amplified.rate({ ...fixed, leak: 1e-3, loss: 1e6 }), 'loss');
    await inputError(amplified.rate({ ...fixed, leak: 1e-3, photons: [1e9] }), 'windows');
    await inputError(() => amplified.precision({ distance: 1e300, span: 1e-300, photons: 1e14 }), 'distance');
    await inputError(() => amplified.plob({ distance: 1e300, loss: 1e10 }), 'distance');
    await inputError(() => amplified.naturalLosses({ lengths: [1e300] }), 'lengths');
  });
  it('photon-number windows that catch no detection (p_check = 0) are refused, not a null rate with exit 0', async () => {
    const pn = { encoding: 'photon-number' as const, distance: 1000, eveAt: 500, leak: 1e-4, windows: [2000, 2000, 9000, 12000] };
    const e = await inputError(amplified.rate({ ...pn, photons: [2.7e7, 3e7] }), 'windows');
    expect(e.allowed).toMatch(/p_check > 0/);
    // the same windows around Bob's counts: a finite rate
    const ok = await amplified.rate({ ...pn, photons: [1e4, 2e4] });
    expect(ok.pCheck).toBeGreaterThan(0);
    expect(Number.isFinite(ok.rate)).toBe(true);
  });
  it("method 'paper' is refused at once where it would run for minutes: above 1e7 photons, and in a search", async () => {
    const pn = { encoding: 'photon-number' as const, distance: 1000, eveAt: 500, leak: 1e-4, method: 'paper' as const };
    const t0 = Date.now();
    await inputError(amplified.rate({ ...pn, photons: [9e8, 1e9], windows: [2e7, 2e7, 6e7, 6e7] }), 'photons');
    await inputError(amplified.rate({ ...pn }), 'method');
    expect(Date.now() - t0).toBeLessThan(2000);
  });
});

describe('7: PLOB as T -> 1 and across the branches', () => {
  it('matches -log2(1 - T) computed from 1 - T = -expm1(ln T)', () => {
    for (const log10T of [-1e-17, -1e-16, -1e-9, -0.01, -0.29, -0.31, -1, -7.99, -8.01, -20, -800]) {
      const r = amplified.plob({ distance: 1, loss: -log10T });
      expect(Number.isFinite(r.log10Bits)).toBe(true);
      const lnT = log10T * Math.LN10;
      const T = Math.exp(lnT);
      // independent references: T > 1/2: 1 - T = -expm1(ln T) is exact to rounding; T <= 1/2: the
      // series -ln(1 - T) = sum T^k / k (all terms positive); T < 1e-300: log10 T - log10 ln 2
      let nats = 0;
      if (T <= 0.5) for (let k = 1, p = T; p / k > 1e-18 * nats || k === 1; k++, p *= T) nats += p / k;
      const want = log10T < -300 ? log10T - Math.log10(Math.LN2) : T > 0.5 ? Math.log10(-Math.log(-Math.expm1(lnT)) / Math.LN2) : Math.log10(nats / Math.LN2);
      expect(Math.abs(r.log10Bits - want)).toBeLessThan(1e-12 * Math.max(1, Math.abs(want)));
    }
  });
});
