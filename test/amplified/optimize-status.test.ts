/**
 * Status semantics of the box optimiser (src/models/amplified/optimize.ts, docs/amplified.md
 * "Optimisation") on functions whose answer is known, and on the model: a flat zero basin is never
 * 'optimum', a maximum cut by a non-physical box edge is 'at-bound', the same edge declared
 * physical is a legitimate 'optimum', an interior maximum found by several starts is 'optimum',
 * a search stopped by its iteration cap is 'not-converged', and NaN points are counted.
 */
import { describe, expect, it } from 'vitest';
import { maximizeBox, searchFrom } from '../../src/models/amplified/optimize.js';
import { rate } from '../../src/models/amplified/index.js';
import { createEvaluator } from '../../src/runtime/evaluator.js';
import { AMPLIFIED_KERNELS } from '../../src/models/amplified/model.js';

let cached: ReturnType<typeof createEvaluator> | undefined;
/** One evaluator for the file's rate() calls (the CLI builds one per command the same way). */
const wasmEvaluator = () => (cached ??= createEvaluator(AMPLIFIED_KERNELS, { backend: 'wasm', log: () => {} }));

const batch = (f: (u: number[]) => number) => (us: number[][]) => us.map(f);
const bowl = (c: number[]) => (u: number[]) => 1 - u.reduce((s, x, i) => s + (x - c[i]!) ** 2, 0);

describe('maximizeBox status', () => {
  it('interior maximum: optimum, KKT, agreeing starts, converged', () => {
    const r = maximizeBox(3, batch(bowl([0.3, 0.6, 0.45])), { samples: 16, starts: 3 });
    expect(r.status).toBe('optimum');
    expect(r.converged).toBe(true);
    expect(r.agreeing).toBeGreaterThanOrEqual(2);
    expect(r.value).toBeCloseTo(1, 8);
    r.u.forEach((x, i) => expect(x).toBeCloseTo([0.3, 0.6, 0.45][i]!, 4));
  });
  it('a maximum beyond a search-box edge is at-bound, the same edge declared physical is an optimum', () => {
    const f = batch(bowl([1.4, 0.5])); // the unconstrained maximum lies outside u0 <= 1
    const cut = maximizeBox(2, f, { samples: 16, starts: 2 });
    expect(cut.status).toBe('at-bound');
    expect(cut.converged).toBe(false);
    expect(cut.u[0]).toBe(1);
    const phys = maximizeBox(2, f, { samples: 16, starts: 2 }, { physical: { lower: [false, false], upper: [true, false] } });
    expect(phys.status).toBe('optimum');
  });
  it('a flat zero basin (degenerate start, no key anywhere) is no-key, never optimum', () => {
    const r = maximizeBox(4, batch(() => 0), { samples: 8, starts: 2 });
    expect(r.status).toBe('no-key');
    expect(r.converged).toBe(false);
    const neg = maximizeBox(2, batch((u) => -1e-3 - u[0]!), { samples: 8, starts: 2 });
    expect(neg.status).toBe('no-key');
    expect(neg.value).toBeLessThan(0); // the best value found is still reported
  });
  it('an iteration cap that stops the search is not-converged', () => {
    const r = maximizeBox(3, batch(bowl([0.31, 0.62, 0.47])), { samples: 2, starts: 1, maxIter: 1 });
    expect(r.status).toBe('not-converged');
    expect(r.converged).toBe(false);
  });
  it('a search creeping along a curved valley stops as stall with the stall option, never as optimum', () => {
    // ascent 1e-3 per box unit along a narrow sine valley: the iterations gain ~1e-8 each
    const f = batch((u) => 1 + 1e-3 * u[0]! - 1e3 * (u[1]! - 0.5 - 0.3 * Math.sin(6 * u[0]!)) ** 2);
    const u0 = [0.05, 0.5 + 0.3 * Math.sin(0.3)];
    const crawl = searchFrom(f, { maxIter: 400, differences: 'forward' }, u0);
    expect(crawl.result.stopped).toBe('maxIter');
    const stopped = searchFrom(f, { maxIter: 400, differences: 'forward', stall: 3e-6 }, u0);
    expect(stopped.result.stopped).toBe('stall');
    expect(stopped.result.iterations).toBeLessThan(20);
    expect(stopped.points).toBeLessThan(crawl.points / 10);
    const r = maximizeBox(2, f, { samples: 0, warm: [u0], maxIter: 400, differences: 'forward', stall: 3e-6 });
    expect(r.status).toBe('not-converged');
  });
  it('above: the search stops at the first value above the bound (a lower bound, never an optimum)', () => {
    const f = batch(bowl([0.3, 0.6, 0.45]));
    const full = maximizeBox(3, f, { samples: 16, starts: 3 });
    const cut = maximizeBox(3, f, { samples: 16, starts: 3, above: 0.99 });
    expect(cut.status).toBe('above');
    expect(cut.converged).toBe(false);
    expect(cut.value).toBeGreaterThan(0.99);
    expect(cut.value).toBeLessThanOrEqual(full.value);
    expect(cut.points).toBeLessThan(full.points);
    // a bound the screen already exceeds: no local search
    const screen = maximizeBox(3, f, { samples: 16, starts: 3, above: 0 });
    expect(screen.status).toBe('above');
    expect(screen.starts).toEqual([]);
    expect(screen.points).toBe(16);
    // a bound above the maximum changes nothing
    const over = maximizeBox(3, f, { samples: 16, starts: 3, above: 2 });
    expect(over.status).toBe('optimum');
    expect(over.value).toBe(full.value);
    // the simplex (phase encoding) stops the same way
    const nm = maximizeBox(3, f, { samples: 4, starts: 1, local: 'nelder-mead', above: 0.999 });
    expect(nm.status).toBe('above');
    expect(nm.starts[0]!.stopped).toBe('above');
  });
  it('a repeated start is searched once: its copy is no second agreeing start', () => {
    const f = batch(bowl([0.3, 0.6]));
    const w = [0.5, 0.5];
    // a copy and a start within 2 % of the box in every coordinate (no independent evidence either)
    const r = maximizeBox(2, f, { samples: 0, warm: [w, [...w], [0.51, 0.49]], sameStart: 0.02 });
    // one search from the warm start, then the basin confirmation from a displaced point
    expect(r.starts.length).toBe(2);
    expect(r.starts[1]!.u0).not.toEqual(w);
    expect(r.starts[1]!.u0).not.toEqual([0.51, 0.49]);
    expect(r.status).toBe('optimum');
    for (const differences of ['forward', 'central'] as const) {
      const d = maximizeBox(2, f, { samples: 0, warm: [w], differences });
      expect(d.status).toBe('optimum');
      d.u.forEach((x, i) => expect(x).toBeCloseTo([0.3, 0.6][i]!, 6));
    }
  });
  it('NaN points are counted and never chosen', () => {
    const r = maximizeBox(2, batch((u) => (u[0]! > 0.8 ? NaN : bowl([0.5, 0.5])(u))), { samples: 32, starts: 2 });
    expect(r.nanEvents).toBeGreaterThan(0);
    expect(Number.isFinite(r.value)).toBe(true);
    expect(r.status).toBe('optimum');
  });
});

describe('model status', () => {
  it('40,000 km, Eve at Alice, rE 1e-3: no key anywhere in the box -> no-key with the best value reported', async () => {
    const r = await rate({ encoding: 'photon-number', distance: 40000, eveAt: 0, leak: 1e-3, evaluator: await wasmEvaluator() });
    expect(r.status).toBe('no-key');
    expect(r.converged).toBe(false);
    expect(Number.isFinite(r.rate)).toBe(true);
  }, 120_000);
  it('given photons/windows: status fixed, never converged', async () => {
    const r = await rate({ encoding: 'photon-number', distance: 1000, eveAt: 500, leak: 1e-3, photons: [0, 2e4], windows: [2000, 2000, 9000, 12000] });
    expect(r.status).toBe('fixed');
    expect(r.converged).toBe(false);
    expect(r.params.photons[0]).toBe(0); // on-off keying accepted
  });
});
