import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { amplified } from '../../src/index.js';
import type { BatchEvaluator } from '../../src/models/amplified/index.js';
import { ABOVE_MARGIN } from '../../src/models/amplified/model.js';

describe('amplified public API', () => {
  it('rate at fixed parameters reports inputs, method, tolerance and diagnostics', async () => {
    const r = await amplified.rate({ encoding: 'photon-number', distance: 1000, eveAt: 500, leak: 1e-4, photons: [1e4, 2e4], windows: [2000, 2000, 9000, 12000] });
    expect(r.rate).toBeCloseTo(r.pCheck * (r.iAB - r.chi), 15);
    expect(r.params).toMatchObject({ encoding: 'photon-number', distance: 1000, eveAt: 500, leak: 1e-4, span: 50, loss: 0.02 });
    expect(r.method).toBe('exact');
    expect(r.tolerance.method).toMatch(/pn-separable/);
    expect(r.tolerance.estimated).toBeGreaterThan(0); // |fine - coarse| of a real comparison
    expect(r.tolerance.estimated).toBeLessThan(1e-12);
    expect(r.tolerance.converged).toBe(true);
    expect(r.optimized).toBe(false);
    expect(r.status).toBe('fixed');
    expect(r.converged).toBe(false);
  });

  it('phase optimisation finds Lf/L ~ 0.98 at 1000 km near rE_min, via the injectable batch evaluator', async () => {
    let calls = 0;
    const evaluate: BatchEvaluator = (fixed, pts, out) => {
      calls++;
      return amplified.evaluateBatch(fixed, pts, out);
    };
    const r = await amplified.rate({ encoding: 'phase', distance: 1000, eveAt: 1000, leak: 1e-6, optimize: true, evaluate });
    expect(calls).toBeGreaterThan(0);
    expect(r.optimized).toBe(true);
    expect(r.converged).toBe(true);
    expect(r.rate).toBeGreaterThan(0.98);
    expect(r.rate).toBeLessThan(1);
    expect(r.evaluations).toBeGreaterThan(100);
  });

  it('photon-number optimisation (Eve next to Alice: cheap) beats a hand-placed point and is re-derivable', async () => {
    const base = { encoding: 'photon-number' as const, distance: 1000, eveAt: 0, leak: 1e-4 };
    const hand = await amplified.rate({ ...base, photons: [1e4, 3e4], windows: [5000, 2000, 16000, 20000] });
    const opt = await amplified.rate({ ...base, optimize: { samples: 24, starts: 1, maxIter: 40 } });
    expect(opt.optimized).toBe(true);
    expect(opt.evaluations).toBeGreaterThan(24);
    expect(opt.rate).toBeGreaterThan(hand.rate);
    const again = await amplified.rate({ ...base, photons: opt.params.photons, windows: opt.params.windows });
    expect(again.rate).toBe(opt.rate);
  });

  it('phase worst case: Eve next to Bob (monotone in eveAt, SPEC 3.4 / paper Fig. 1)', async () => {
    const w = await amplified.worstCase({ encoding: 'phase', distance: 500, leak: 1e-3, gridPoints: 6 });
    expect(w.eveAt).toBe(500);
    // the positions optimised in full decrease; a search stopped above the running minimum
    // ('above') reports a lower bound of its optimum, above the minimum
    const full = w.scan.filter((s) => s.status !== 'above');
    for (let i = 1; i < full.length; i++) expect(full[i]!.rate).toBeLessThan(full[i - 1]!.rate);
    for (const s of w.scan.filter((x) => x.status === 'above')) expect(s.rate).toBeGreaterThan(w.rate * (1 + ABOVE_MARGIN));
    const flat = await amplified.worstCase({ encoding: 'phase', distance: 500, leak: 1e-3, gridPoints: 6, refine: false });
    expect(flat.scan.every((s) => s.status !== 'above')).toBe(true);
    // a bound is where a search of the full run stopped early: at most that run's optimum there
    for (const s of w.scan.filter((x) => x.status === 'above')) expect(s.rate).toBeLessThanOrEqual(flat.scan.find((x) => x.eveAt === s.eveAt)?.rate ?? Infinity);
  });

  it('worst case without key at the coarse minimum: no refinement, status no-key', async () => {
    // phase, 1000 km, rE 0.1: no key from 200 km on (SPEC 3.4); the scan stops at its coarse grid
    const w = await amplified.worstCase({ encoding: 'phase', distance: 1000, leak: 0.1, gridPoints: 6 });
    expect(w.status).toBe('no-key');
    expect(w.rate > 0).toBe(false);
    expect(w.scan.map((s) => s.eveAt)).toEqual([0, 200, 400, 600, 800, 1000]);
    expect(w.scan.find((s) => s.eveAt === w.eveAt)!.status).toBe('no-key');
    // the evaluations of every optimisation count, the warm re-optimisation's too
    const single = await amplified.rate({ encoding: 'phase', distance: 1000, eveAt: 0, leak: 0.1 });
    expect(w.evaluations).toBeGreaterThan(6 * single.evaluations * 0.5);
  });

  it('worst case without key at the first and middle positions: the scan stops there', async () => {
    // phase, 1000 km, rE 0.3: no key anywhere; the coarse grid's first (0) and middle (400 km)
    // positions say no-key, so no other position is optimised
    const w = await amplified.worstCase({ encoding: 'phase', distance: 1000, leak: 0.3, gridPoints: 6 });
    expect(w.status).toBe('no-key');
    expect(w.rate > 0).toBe(false);
    expect(w.scan.map((s) => [s.eveAt, s.status])).toEqual([[0, 'no-key'], [400, 'no-key']]);
    const at = await Promise.all([0, 400].map((eveAt) => amplified.rate({ encoding: 'phase', distance: 1000, eveAt, leak: 0.3 })));
    expect(w.evaluations).toBe(at[0]!.evaluations + at[1]!.evaluations);
    expect(w.rate).toBe(Math.min(at[0]!.rate, at[1]!.rate));
    // without refinement the whole coarse grid is scanned
    const flat = await amplified.worstCase({ encoding: 'phase', distance: 1000, leak: 0.3, gridPoints: 6, refine: false });
    expect(flat.scan.map((s) => s.eveAt)).toEqual([0, 200, 400, 600, 800, 1000]);
  });

  it('worst case: positions above the running minimum stop early, and a raised minimum re-opens them', async () => {
    // synthetic optimiser (rateMany): true Lf/L 0.5 + 0.01 |k - 6| at position k (span 50 km), the
    // minimum's cold optimisation falls short (0.3, not-converged) and a warm one finds 0.5; a search
    // with a bound `above` below the true value stops at a lower bound half-way between them
    const truth = (k: number): number => 0.5 + 0.01 * Math.abs(k - 6);
    const calls: { k: number; above?: number; warm: boolean }[] = [];
    const rateMany = async (inputs: { eveAt: number; optimize?: unknown }[]) => inputs.map((i) => {
      const k = i.eveAt / 50;
      const o = (i.optimize ?? {}) as { above?: number; warm?: number[][] };
      calls.push({ k, above: o.above, warm: !!o.warm });
      const t = k === 6 && !o.warm ? 0.3 : truth(k);
      const above = o.above !== undefined && t > o.above;
      return { rate: above ? (o.above! + t) / 2 : t, status: above ? 'above' : k === 6 && !o.warm ? 'not-converged' : 'optimum', evaluations: above ? 10 : 100, u: [k / 10], params: { eveAt: i.eveAt } };
    }) as never;
    const w = await amplified.worstCase({ encoding: 'photon-number', distance: 500, leak: 1e-3, gridPoints: 6, rateMany });
    expect(w.eveAt).toBe(300);
    expect(w.rate).toBe(0.5);
    expect(w.status).toBe('optimum');
    // the first and middle positions are optimised in full; the others with the bound
    expect(calls.filter((c) => c.k === 0 || c.k === 4).every((c) => c.above === undefined)).toBe(true);
    expect(calls.find((c) => c.k === 2)!.above).toBeCloseTo(0.52 * (1 + ABOVE_MARGIN), 12);
    // 250 and 350 km stopped above the cold 0.3 (as ~0.405), below the re-optimised 0.5: optimised again in full
    expect(calls.filter((c) => c.k === 5).map((c) => c.above === undefined)).toEqual([false, true]);
    for (const s of w.scan) {
      if (s.status === 'above') {
        expect(s.rate).toBeGreaterThan(w.rate); // a lower bound above the minimum
        expect(s.rate).toBeLessThan(truth(s.eveAt / 50)); // ... of a larger optimum
      } else expect(s.rate).toBe(truth(s.eveAt / 50));
    }
    expect(w.scan.filter((s) => s.status === 'above').map((s) => s.eveAt)).toEqual([100, 500]);
  });

  it('rejects bad input with InputError', async () => {
    const ok = { encoding: 'phase' as const, distance: 1000, eveAt: 500, leak: 1e-3, photons: [900], windows: [5, 60] };
    await expect(amplified.rate({ ...ok, eveAt: 1100 })).rejects.toThrow(InputError);
    await expect(amplified.rate({ ...ok, leak: 1 })).rejects.toThrow(InputError);
    await expect(amplified.rate({ ...ok, leak: -0.1 })).rejects.toThrow(InputError);
    await expect(amplified.rate({ ...ok, distance: 1010 })).rejects.toThrow(/multiple of span/);
    await expect(amplified.rate({ ...ok, eveAt: 510 })).rejects.toThrow(InputError);
    await expect(amplified.rate({ ...ok, windows: [60, 5] })).rejects.toThrow(InputError);
    await expect(amplified.rate({ ...ok, encoding: 'photon-number', photons: [1e4, 2e4], windows: [10, 10, 5, 20] })).rejects.toThrow(/theta3/);
    await expect(amplified.rate({ ...ok, encoding: 'bogus' as never })).rejects.toThrow(InputError);
    await expect(amplified.curve({ encoding: 'phase', distance: 1000, leaks: [] })).rejects.toThrow(InputError);
  });
});
