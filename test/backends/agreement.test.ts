/**
 * Conformance: the same table of leakage-objective cases (test/backends/cases.ts) on every
 * available f64 backend vs the reference twin (SPEC 4: relative 1e-12 where well conditioned,
 * with the floor 4e-15 * S explained in cases.ts termScale()).
 */
import { describe, expect, it } from 'vitest';
import { leakageObjectiveReference } from '../../src/kernels/leakage-objective/reference.js';
import { createWasmBackend, simdSupported } from '../../src/backends/wasm/index.js';
import { resolveBackend } from '../../src/backends/registry.js';
import { KERNELS } from '../../src/backends/kernels.js';
import type { Backend } from '../../src/backends/backend.js';
import type { LeakageObjectiveBatch } from '../../src/kernels/leakage-objective/spec.js';
import { agreementCases, coefficients, termScale, worstAgreement } from './cases.js';

const cases = agreementCases();
const refs = cases.map((c) => leakageObjectiveReference(c.batch));

const flavors = simdSupported() ? (['scalar', 'simd'] as const) : (['scalar'] as const);

describe.each(flavors)('wasm %s vs reference', (flavor) => {
  let backend: Backend;
  it('initialises with the requested flavor', async () => {
    const b = createWasmBackend({ flavor });
    await b.init();
    expect(b.flavor).toBe(flavor);
    backend = b;
  });
  it.each(cases.map((c, i) => [c.label, i] as const))('%s', async (_label, i) => {
    const c = cases[i]!;
    const got = await backend.run<unknown, Float64Array>(KERNELS.leakageObjective, c.batch);
    expect(got.length).toBe(refs[i]!.length);
    const w = worstAgreement(c.batch, got, refs[i]!);
    expect(w.ratio, `worst point ${w.index}: got ${got[w.index]} ref ${refs[i]![w.index]}`).toBeLessThanOrEqual(1);
  });
});

describe('every f64 backend the registry finds', () => {
  it('agrees with reference on the whole table', async () => {
    const lines: string[] = [];
    const sel = await resolveBackend('auto', { log: (l) => lines.push(l), kernels: [KERNELS.leakageObjective], requireF64: true });
    expect(sel.backends.at(-1)!.name).toBe('reference');
    for (const b of sel.backends) {
      for (let i = 0; i < cases.length; i++) {
        const got = await b.run<unknown, Float64Array>(KERNELS.leakageObjective, cases[i]!.batch);
        expect(worstAgreement(cases[i]!.batch, got, refs[i]!).ratio, `${b.name} ${cases[i]!.label}`).toBeLessThanOrEqual(1);
      }
    }
    await sel.dispose();
  });
});

describe('the table itself', () => {
  it('is well conditioned at most points, so the relative 1e-12 part is what is tested there', () => {
    // share of points where 4e-15 S <= 1e-12 |F| (floor irrelevant): must be the large majority
    let wellCond = 0;
    let total = 0;
    for (let i = 0; i < cases.length; i++) {
      const b = cases[i]!.batch;
      for (let p = 0; p < refs[i]!.length; p++) {
        total++;
        if (4e-15 * termScale(b, p) <= 1e-12 * Math.abs(refs[i]![p]!)) wellCond++;
      }
    }
    expect(wellCond / total).toBeGreaterThan(0.9); // measured 0.965 (78102 of 80938)
  });

  it('reproduces the d=2 N=2 aligned closed form R = P(1 - h2(e)) at the re-flagging gamma', () => {
    // SPEC 2: K = (1-q)(1-L), w = qL/3... here checked via the kernel contract: gamma = 1 on
    // discordant outcomes (01, 10), 0 on concordant ones gives F = P(1 - h2(e)), e = w/P.
    const L = 0.1;
    const v = 0.6;
    const p = { dim: 2, parties: 2, leakage: L, visibility: v, model: 'uniform' as const, theta: 0 };
    const coef = Float64Array.from(coefficients(p));
    const F = leakageObjectiveReference({ dim: 2, parties: 2, coef, gammas: Float64Array.from([0, 1, 1, 0]), problemOf: Uint32Array.from([0]), objective: 'joint' })[0]!;
    const D = 2;
    const q = ((1 + D) * (1 - v)) / D;
    const K = (1 - q) * (1 - L);
    const w = (q * L) / 3;
    const P = K + w;
    const e = w / P;
    const h2 = -e * Math.log2(e) - (1 - e) * Math.log2(1 - e);
    expect(Math.abs(F - P * (1 - h2))).toBeLessThan(1e-14);
  });
});

describe('scalar and SIMD builds', () => {
  it.runIf(simdSupported())('are bit-identical on the whole table (same log algorithm, same tables, same order)', async () => {
    const s = createWasmBackend({ flavor: 'scalar' });
    const v = createWasmBackend({ flavor: 'simd' });
    await s.init();
    await v.init();
    for (const c of cases) {
      const a = await s.run<unknown, Float64Array>(KERNELS.leakageObjective, c.batch);
      const b = await v.run<unknown, Float64Array>(KERNELS.leakageObjective, c.batch);
      let differing = 0;
      for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) differing++;
      expect(differing, c.label).toBe(0);
    }
  });
});

describe('NaN and negative weights (a bug upstream) give NaN, never a silent 0', () => {
  // d=2 N=2: problem 0 valid, 1 a NaN coefficient, 2 a negative B, 3 all zero (P = 0: F = 0),
  // 4 a negative A that cancels to P = 0; points also carry a NaN gamma. Odd count, and the order
  // pairs every kind with every other in the SIMD lanes.
  const n = 4;
  const good = coefficients({ dim: 2, parties: 2, leakage: 0.2, visibility: 0.6, model: 'uniform', theta: 0 });
  const nanCoef = good.slice();
  nanCoef[1] = Number.NaN;
  const negB = good.slice();
  negB[n + 2] = -1e-3;
  const cancel = [0, 0, 0, -0.25, 0.25, 0, 0, 0]; // gamma_3 = 1: w = (0.25, 0, 0, -0.25), P = 0
  const coef = Float64Array.from([...good, ...nanCoef, ...negB, ...Array(2 * n).fill(0), ...cancel]);
  const kinds: [number, number[]][] = [[0, [0.5, 0.5, 0.5, 0.5]], [0, [0.1, Number.NaN, 0.2, 0]], [1, [0.3, 0.7, 0, 1]], [2, [0, 0, 0, 0]], [3, [0.4, 0.2, 0.9, 1]], [4, [0, 0, 0, 1]], [1, [0, 0, 0, 0]]];
  const seq: [number, number[]][] = [];
  for (const x of kinds) for (const y of kinds) seq.push(x, y);
  seq.push(kinds[0]!);
  const batchOf = (objective: 'joint' | 'conditional'): LeakageObjectiveBatch => ({
    dim: 2,
    parties: 2,
    coef,
    gammas: Float64Array.from(seq.flatMap(([, g]) => g)),
    problemOf: Uint32Array.from(seq.map(([p]) => p)),
    objective,
  });
  const bad = (p: number, g: number[]) => p === 1 || p === 2 || p === 4 || g.some(Number.isNaN);

  it.each(['joint', 'conditional'] as const)('reference and both wasm builds: NaN exactly at the bad points (%s)', async (objective) => {
    const b = batchOf(objective);
    const ref = leakageObjectiveReference(b);
    seq.forEach(([p, g], i) => {
      if (bad(p, g)) expect(ref[i], `point ${i} (problem ${p})`).toBeNaN();
      else expect(Number.isFinite(ref[i]!), `point ${i} (problem ${p})`).toBe(true);
      if (p === 3) expect(ref[i]).toBe(0);
    });
    expect(ref.filter((x) => x > 0).length).toBeGreaterThan(0);
    for (const flavor of flavors) {
      const be = createWasmBackend({ flavor });
      await be.init();
      const got = await be.run<unknown, Float64Array>(KERNELS.leakageObjective, b);
      const good = Array.from(ref.keys()).filter((i) => !Number.isNaN(ref[i]!));
      expect(Array.from(got, Number.isNaN), flavor).toEqual(Array.from(ref, Number.isNaN));
      for (const i of good) expect(Math.abs(got[i]! - ref[i]!), `${flavor} point ${i}`).toBeLessThanOrEqual(1e-12 * Math.abs(ref[i]!) + 4e-15 * termScale(b, i));
    }
  });
});
