import { readFileSync } from 'node:fs';
import { createEvaluator } from '../../src/runtime/evaluator.js';
import { describe, expect, it } from 'vitest';
import * as lk from '../../src/models/leakage/index.js';
import { InputError } from '../../src/errors.js';
import { leakageObjectiveReference } from '../../src/kernels/leakage-objective/reference.js';

// mpmath reference values: test/fixtures/gen/leakage_aligned.py
const fx = JSON.parse(readFileSync(new URL('../fixtures/leakage/aligned.json', import.meta.url), 'utf8')) as {
  aligned: { model: lk.LeakageModel; leakage: number; visibility: number; joint: number; conditional: number }[];
  thresholds: { dim: number; parties: number; leakage: number; uniform: number; junk: number }[];
  repeaters: { visibility: number; leakage: number; paper: number; swap: number }[];
};
const Z2: lk.Settings = [{ theta: 0 }, { theta: 0 }];

describe('thresholds (corrected Thm. 1/2, SPEC.md 2)', () => {
  it('d=2, N=2 uniform: 0.357143, 0.384615, 0.416667', () => {
    expect(lk.thresholdClosedForm(2, 2, 0.1)).toBeCloseTo(0.357143, 6);
    expect(lk.thresholdClosedForm(2, 2, 0.2)).toBeCloseTo(0.384615, 6);
    expect(lk.thresholdClosedForm(2, 2, 0.3)).toBeCloseTo(0.416667, 6);
    expect(lk.thresholdPrinted(2, 2, 0.1)).toBeCloseTo(0.4048, 4); // the printed (erroneous) value
  });
  it('closed forms match the mpmath table and the junk form equals the printed Eq. 22', () => {
    for (const t of fx.thresholds) {
      expect(lk.thresholdClosedForm(t.dim, t.parties, t.leakage, 'uniform')).toBeCloseTo(t.uniform, 14);
      expect(lk.thresholdClosedForm(t.dim, t.parties, t.leakage, 'junk')).toBeCloseTo(t.junk, 14);
      const D = t.dim ** (t.parties - 1);
      expect(t.junk).toBeCloseTo(1 / (1 + D) + (D * t.leakage) / ((1 + D) * (t.leakage + 1 + D)), 14);
    }
  });
  it('threshold(): numerical zero crossing within 1e-5 of the closed form (d=2 N=2 both models, d=3 N=2)', async () => {
    for (const [d, N, L, model] of [[2, 2, 0.2, 'uniform'], [2, 2, 0.3, 'junk'], [3, 2, 0.1, 'uniform']] as const) {
      const r = await lk.threshold({ dim: d, parties: N, leakage: L, model, tol: 1e-6 });
      expect(r.separableBound).toBeCloseTo(1 / (1 + d ** (N - 1)), 15);
      expect(Math.abs(r.zeroCrossing - r.threshold)).toBeLessThan(1e-5);
    }
  });
});

describe('rate (App. B Eqs. 24-29)', () => {
  it('optimiser = SPEC closed form for aligned d=2 N=2 (mpmath table, both models, both objectives)', async () => {
    const pts = fx.aligned.filter((_, k) => k % 3 === 0);
    for (const p of pts) {
      for (const objective of ['joint', 'conditional'] as const) {
        const r = await lk.rate({ dim: 2, parties: 2, leakage: p.leakage, visibility: p.visibility, model: p.model, objective, settings: Z2 });
        expect(r.rate, `${p.model} L=${p.leakage} v=${p.visibility} ${objective}`).toBeCloseTo(p[objective], 9);
      }
    }
  });
  it('R(v=0.37, L=0.1) ~ 2.9e-3 with the settings search, at aligned settings', async () => {
    const r = await lk.rate({ dim: 2, parties: 2, leakage: 0.1, visibility: 0.37 });
    expect(r.rate).toBeCloseTo(2.9096e-3, 6);
    // aligned or anti-aligned (theta = pi is a relabelling of Bob's outcomes)
    const th = (r.settings[1] as { theta: number }).theta;
    expect(Math.min(th, Math.PI - th)).toBeLessThan(1e-5);
  });
  it('R = 0 up to the threshold (d=2 N=2, d=2 N=3, d=3 N=2; both models)', async () => {
    for (const [d, N] of [[2, 2], [2, 3], [3, 2]] as const) {
      for (const model of ['uniform', 'junk'] as const) {
        const vs = lk.thresholdClosedForm(d, N, 0.2, model);
        const sep = lk.separableBound(d, N);
        for (const v of [sep, (sep + vs) / 2, vs - 1e-9]) {
          const r = await lk.rate({ dim: d, parties: N, leakage: 0.2, visibility: v, model });
          expect(r.rate, `d=${d} N=${N} ${model} v=${v}`).toBeLessThan(1e-12);
        }
        const above = await lk.rate({ dim: d, parties: N, leakage: 0.2, visibility: vs + 0.02, model });
        expect(above.rate).toBeGreaterThan(1e-6);
      }
    }
  });
  it('R(v=1) = (1-L) log2 d for aligned computational bases (uniform)', async () => {
    for (const [d, N] of [[2, 2], [2, 3], [3, 2]] as const) {
      for (const L of [0, 0.25]) {
        const r = await lk.rate({ dim: d, parties: N, leakage: L, visibility: 1, settings: Array.from({ length: N }, () => ({ basis: 'computational' as const })) });
        expect(r.rate).toBeCloseTo((1 - L) * Math.log2(d), 12);
      }
    }
  });
  it('d=3 N=3 (n = 27: pseudo-random screen instead of the full grid): R(1), R = 0 below v*, R > 0 above', async () => {
    const comp = Array.from({ length: 3 }, () => ({ basis: 'computational' as const }));
    const vs = lk.thresholdClosedForm(3, 3, 0.1);
    const top = await lk.rate({ dim: 3, parties: 3, leakage: 0.1, visibility: 1, settings: comp });
    expect(top.rate).toBeCloseTo(0.9 * Math.log2(3), 12);
    expect((await lk.rate({ dim: 3, parties: 3, leakage: 0.1, visibility: vs - 0.005, settings: comp })).rate).toBeLessThan(1e-12);
    expect((await lk.rate({ dim: 3, parties: 3, leakage: 0.1, visibility: vs + 0.02, settings: comp })).rate).toBeGreaterThan(1e-4);
  });
  it('monotone: non-decreasing in v, non-increasing in L (d=2 N=2 grid)', async () => {
    const Ls = [0, 0.1, 0.2, 0.3];
    const vs = [0.34, 0.36, 0.4, 0.5, 0.7, 0.9, 1];
    const R = await Promise.all(Ls.map((L) => Promise.all(vs.map((v) => lk.rate({ dim: 2, parties: 2, leakage: L, visibility: v }).then((r) => r.rate)))));
    for (let i = 0; i < Ls.length; i++) for (let j = 1; j < vs.length; j++) expect(R[i]![j]!).toBeGreaterThanOrEqual(R[i]![j - 1]! - 1e-12);
    for (let j = 0; j < vs.length; j++) for (let i = 1; i < Ls.length; i++) expect(R[i]![j]!).toBeLessThanOrEqual(R[i - 1]![j]! + 1e-12);
  });
  it("invariant under relabelling Bob's outcomes (theta -> theta + pi) and under a common XZ rotation", async () => {
    const base = await lk.rate({ dim: 2, parties: 2, leakage: 0.1, visibility: 0.6, settings: [{ theta: 0 }, { theta: 0.3 }] });
    const flipped = await lk.rate({ dim: 2, parties: 2, leakage: 0.1, visibility: 0.6, settings: [{ theta: 0 }, { theta: 0.3 + Math.PI }] });
    const rotated = await lk.rate({ dim: 2, parties: 2, leakage: 0.1, visibility: 0.6, settings: [{ theta: 1.1 }, { theta: 1.4 }] });
    expect(flipped.rate).toBeCloseTo(base.rate, 10);
    expect(rotated.rate).toBeCloseTo(base.rate, 10);
    expect(base.rate).toBeGreaterThan(0.01);
  });
  it('paper families are not beaten by an independent general search (d=2 N=2, d=2 N=3 Bloch angles; d=3 N=2 unitaries)', async () => {
    // the general search starts from its own random candidates, not from the family optimum
    // (searches.general), so it can beat the family; that it reaches the family value shows it
    // is able to find the optimum at all
    for (const [d, N, samples] of [[2, 2, 8], [3, 2, 12], [2, 3, 24]] as const) {
      const fam = await lk.rate({ dim: d, parties: N, leakage: 0.1, visibility: 0.6 });
      const gen = await lk.rate({ dim: d, parties: N, leakage: 0.1, visibility: 0.6, settingsSearch: 'general', samples });
      const s = gen.searches!;
      expect(s.family, `d=${d} N=${N}`).toBe(fam.objectiveValue);
      expect(s.general - s.family, `d=${d} N=${N}`).toBeLessThan(1e-9);
      expect(Math.abs(s.general - s.family), `d=${d} N=${N} general reaches the family value`).toBeLessThan(1e-9);
      expect([s.family, s.general]).toContain(gen.objectiveValue); // the better of the two (ties within 1e-12: the family)
      expect(gen.objectiveValue).toBeGreaterThanOrEqual(Math.max(s.family, s.general) * (1 - 1e-12));
    }
  });
  it('the independent general search does beat suboptimal settings (the check above can fail)', async () => {
    const bad = await lk.rate({ dim: 2, parties: 2, leakage: 0.1, visibility: 0.6, settings: [{ theta: 0 }, { theta: 0.8 }] });
    const gen = await lk.rate({ dim: 2, parties: 2, leakage: 0.1, visibility: 0.6, settingsSearch: 'general', samples: 8 });
    expect(gen.searches!.general - bad.objectiveValue).toBeGreaterThan(0.1);
  });
  it("Eve's minimum is stable under a denser screen and more starts (non-convexity check)", async () => {
    for (const [d, N, v, settings] of [
      [2, 3, 0.55, [{ theta: 0 }, { theta: 0 }, { theta: 0.4 }]],
      [3, 2, 0.5, [{ basis: 'fourier' }, { basis: 'computational' }]],
      [2, 2, 0.45, [{ theta: 0 }, { theta: 0.9 }]],
    ] as [number, number, number, lk.Settings][]) {
      for (const objective of ['joint', 'conditional'] as const) {
        const a = await lk.rate({ dim: d, parties: N, leakage: 0.15, visibility: v, settings, objective });
        const b = await lk.rate({ dim: d, parties: N, leakage: 0.15, visibility: v, settings, objective, eve: { grid: d === 2 && N === 2 ? 11 : 4, starts: 12 } });
        expect(Math.abs(a.rate - b.rate), `d=${d} N=${N} ${objective}`).toBeLessThan(1e-9);
      }
    }
  });
  it('result re-evaluates: F(gamma*) at the reported settings equals (N-1) rate', async () => {
    const r = await lk.rate({ dim: 2, parties: 3, leakage: 0.1, visibility: 0.7 });
    const { pEnt, pSep } = lk.entSepCorrelations(2, r.settings);
    const { A, B } = lk.attackCoefficients(pEnt, pSep, r.q, 0.1, 'uniform');
    const F = leakageObjectiveReference(lk.singleBatch(2, 3, A, B, [r.gamma], 'joint'))[0]!;
    expect(F / 2).toBeCloseTo(r.rate, 14);
    expect(r.gamma.every((g) => g >= 0 && g <= 1)).toBe(true);
  });
  it('all objective evaluations go through the injected (async) evaluate, batched', async () => {
    let points = 0;
    let batches = 0;
    const evaluate = async (b: lk.LeakageObjectiveBatch) => {
      batches++;
      points += b.problemOf.length;
      return leakageObjectiveReference(b);
    };
    const r = await lk.rate({ dim: 2, parties: 2, leakage: 0.1, visibility: 0.5, evaluate, backend: 'spy' });
    const ref = await lk.rate({ dim: 2, parties: 2, leakage: 0.1, visibility: 0.5 });
    expect(r.evaluations).toBe(points);
    expect(r.rate).toBe(ref.rate);
    expect(r.backend).toBe('spy');
    expect(points / batches).toBeGreaterThan(20); // batched, not one point per call
  });
  it("status: 'optimum' at ordinary points (best start stopped on its tolerance, >= 2 distinct starts agree)", async () => {
    for (const [d, N, v, objective] of [[2, 2, 0.6, 'joint'], [2, 3, 0.7, 'conditional'], [3, 2, 0.5, 'joint']] as const) {
      const r = await lk.rate({ dim: d, parties: N, leakage: 0.1, visibility: v, objective });
      expect(r.status, `d=${d} N=${N}`).toBe('optimum');
      expect(r.convergence.stopped).toBe(true);
      expect(r.convergence.agreeing).toBeGreaterThanOrEqual(2);
      expect(r.convergence.agreeing).toBeLessThanOrEqual(r.convergence.starts);
      expect(r.nanEvents).toBe(0);
    }
    const sep = await lk.rate({ dim: 2, parties: 2, leakage: 0.1, visibility: 0.3 }); // closed form, no optimisation
    expect(sep.status).toBe('optimum');
  });
  it("status: 'not-converged' when refinement hits maxIter or only one start runs", async () => {
    const capped = await lk.rate({ dim: 2, parties: 2, leakage: 0.1, visibility: 0.6, eve: { maxIter: 0 } });
    expect(capped.status).toBe('not-converged');
    expect(capped.convergence.stopped).toBe(false);
    const one = await lk.rate({ dim: 2, parties: 2, leakage: 0.1, visibility: 0.6, settings: Z2, eve: { starts: 1 } });
    expect(one.convergence.starts).toBe(1); // L = 0 would drop the Eq. 16 start; here it equals the grid best
    expect(one.status).toBe('not-converged');
    const full = await lk.rate({ dim: 2, parties: 2, leakage: 0.1, visibility: 0.6, settings: Z2 });
    expect(full.status).toBe('optimum');
    expect(one.rate).toBeCloseTo(full.rate, 12); // same value, only the evidence differs
  });
  it('NaN objective values are counted (nanEvents), never win, and an all-NaN problem throws', async () => {
    let injected = 0;
    const evaluate = (b: lk.LeakageObjectiveBatch) => {
      const out = leakageObjectiveReference(b);
      for (let i = 0; i < out.length; i += 7) {
        out[i] = Number.NaN;
        injected++;
      }
      return out;
    };
    const r = await lk.rate({ dim: 2, parties: 2, leakage: 0.1, visibility: 0.6, settings: Z2, evaluate });
    const ref = await lk.rate({ dim: 2, parties: 2, leakage: 0.1, visibility: 0.6, settings: Z2 });
    expect(r.nanEvents).toBe(injected);
    expect(r.convergence.nanEvents).toBe(injected); // one problem: all of them are its own
    expect(r.status).toBe('not-converged');
    expect(Number.isFinite(r.rate)).toBe(true);
    expect(Math.abs(r.rate - ref.rate)).toBeLessThan(1e-9); // NaN points lose every comparison; the refinement still converges
    expect(ref.nanEvents).toBe(0);
    const allNaN = (b: lk.LeakageObjectiveBatch) => new Float64Array(b.problemOf.length).fill(Number.NaN);
    await expect(lk.rate({ dim: 2, parties: 2, leakage: 0.1, visibility: 0.6, settings: Z2, evaluate: allNaN })).rejects.toThrow(/every value of problem 0 is NaN/);
  });
  it('curve rows carry status and nanEvents', async () => {
    const rows = await lk.curve({ dim: 2, parties: 2, leakages: [0.1], visibilities: [0.5, 0.7] });
    for (const row of rows) {
      expect(row.status).toBe('optimum');
      expect(row.nanEvents).toBe(0);
    }
  });
  it('InputError names the parameter', async () => {
    const bad = async (x: Record<string, unknown>, param: string) => {
      const e = await lk.rate({ dim: 2, parties: 2, leakage: 0.1, visibility: 0.5, ...x } as lk.RateInput).catch((err: unknown) => err);
      expect(e).toBeInstanceOf(InputError);
      expect((e as InputError).param).toBe(param);
    };
    await bad({ leakage: 1 }, 'leakage');
    await bad({ visibility: -0.1 }, 'visibility');
    await bad({ dim: 1 }, 'dim');
    await bad({ parties: 2.5 }, 'parties');
    await bad({ model: 'both' }, 'model');
    await bad({ objective: 'x' }, 'objective');
    await bad({ settings: [{ theta: 0 }] }, 'settings');
    await bad({ dim: 3, settings: [{ theta: 0 }, { theta: 0 }] }, 'settings');
    await bad({ dim: 2, settings: [{ unitary: { re: [[1, 1], [0, 1]], im: [[0, 0], [0, 0]] } }, { theta: 0 }] }, 'settings');
    expect(() => lk.nMax({ visibility: 1, leakage: 0.1 })).toThrow(/visibility/);
  });
});

describe('repeaters (Fig. 2, Eq. 5 corrected)', () => {
  it('n_max: v=0.95 L=0.1 -> 10.04 (paper), 19 (swap); matches mpmath', () => {
    for (const t of fx.repeaters) {
      expect(lk.nMax({ visibility: t.visibility, leakage: t.leakage }).bound).toBeCloseTo(t.paper, 12);
      expect(lk.nMax({ visibility: t.visibility, leakage: t.leakage, rule: 'swap' }).bound).toBeCloseTo(t.swap, 12);
    }
    expect(lk.nMax({ visibility: 0.95, leakage: 0.1 }).maxRepeaters).toBe(10);
    expect(lk.nMax({ visibility: 0.95, leakage: 0.1, rule: 'swap' }).maxRepeaters).toBe(19);
  });
  it('first n with computed rate 0 is maxRepeaters + 1 (both rules)', async () => {
    for (const rule of ['paper', 'swap'] as const) {
      const r = await lk.repeaters({ visibilities: [0.9], leakage: 0.1, maxRepeaters: rule === 'paper' ? 6 : 11, rule });
      const s = r.series[0]!;
      expect(s.firstZero).toBe(s.nMax.maxRepeaters + 1);
      for (let k = 1; k < s.points.length; k++) expect(s.points[k]!.rate).toBeLessThanOrEqual(s.points[k - 1]!.rate);
    }
  });
});

describe('named backend (src/backends evaluator)', () => {
  const built = (() => {
    try {
      readFileSync(new URL('../../build/wasm/keyrate.simd.wasm', import.meta.url));
      return true;
    } catch {
      return false;
    }
  })();
  it.skipIf(!built)('backend wasm agrees with the reference to 1e-12', async () => {
    const ref = await lk.rate({ dim: 2, parties: 2, leakage: 0.2, visibility: 0.55 });
    const ev = await createEvaluator(lk.LEAKAGE_KERNELS, { backend: 'wasm', log: () => {} });
    const w = await lk.rate({ dim: 2, parties: 2, leakage: 0.2, visibility: 0.55, evaluator: ev }).finally(() => ev.close());
    expect(w.backend).toMatch(/wasm/);
    expect(Math.abs(w.rate - ref.rate)).toBeLessThan(1e-12);
  });
  it('a backend name without an evaluator, or an unknown backend name -> InputError(backend)', async () => {
    await expect(lk.rate({ dim: 2, parties: 2, leakage: 0.2, visibility: 0.55, backend: 'nope' })).rejects.toThrow(/invalid backend/);
    await expect(lk.rate({ dim: 2, parties: 2, leakage: 0.2, visibility: 0.55, backend: 'wasm' })).rejects.toThrow(/invalid backend: "wasm".*createEvaluator/);
    await expect(createEvaluator(lk.LEAKAGE_KERNELS, { backend: 'nope' })).rejects.toThrow(/invalid backend: "nope" \(allowed: auto \| reference \| wasm \| webgpu\)/);
  });
});
