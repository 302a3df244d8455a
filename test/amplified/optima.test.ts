/**
 * The default photon-number optimiser against the table of best-known optima
 * (test/fixtures/amplified/optima.json, made by a long multi-start search with its script
 * test/fixtures/gen/amplified_optima.mjs): 1000 km and 40,000 km, small and large rE, Eve at
 * Alice, mid-line and next to Bob. Each default optimum must reach the best known within 1e-4
 * relative (never exceed it by more than that either: the table would then be stale), and its
 * status must mean what it says: 'optimum' only with two agreeing starts, 'no-key' exactly where
 * no positive rate was found.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { rate } from '../../src/models/amplified/index.js';
import { createEvaluator } from '../../src/runtime/evaluator.js';
import { AMPLIFIED_KERNELS } from '../../src/models/amplified/model.js';

let cached: ReturnType<typeof createEvaluator> | undefined;
/** One evaluator for the file's rate() calls (the CLI builds one per command the same way). */
const wasmEvaluator = () => (cached ??= createEvaluator(AMPLIFIED_KERNELS, { backend: 'wasm', log: () => {} }));

interface Optimum { distance: number; eveAt: number; leak: number; rate: number; status: string }
const table = JSON.parse(readFileSync(new URL('../fixtures/amplified/optima.json', import.meta.url), 'utf8')) as { optima: Optimum[] };

describe('default photon-number optimiser reaches the best-known optima', () => {
  it('the table covers both lines, small and large rE, Eve at 0, mid-line and next to Bob', () => {
    for (const d of [1000, 40000]) {
      const at = table.optima.filter((o) => o.distance === d);
      expect(new Set(at.map((o) => o.leak)).size).toBeGreaterThanOrEqual(2);
      expect(at.some((o) => o.eveAt === 0) && at.some((o) => o.eveAt === d / 2) && at.some((o) => o.eveAt === d - 50)).toBe(true);
    }
  });
  for (const o of table.optima) {
    it(`${o.distance} km, Eve at ${o.eveAt} km, rE ${o.leak}: best known ${o.rate.toPrecision(8)} (${o.status})`, async () => {
      const r = await rate({ encoding: 'photon-number', distance: o.distance, eveAt: o.eveAt, leak: o.leak, evaluator: await wasmEvaluator() });
      if (o.status !== 'no-key') {
        expect(r.rate).toBeGreaterThanOrEqual(o.rate * (1 - 1e-4));
        expect(r.rate).toBeLessThanOrEqual(o.rate * (1 + 1e-4));
      } else {
        expect(r.status).toBe('no-key');
      }
      if (r.status === 'optimum') expect(r.search!.agreeing).toBeGreaterThanOrEqual(2);
      if (r.status === 'no-key') expect(r.rate > 0 && r.rate > 1e-12 * r.pCheck * (r.iAB + r.chi)).toBe(false);
      expect(r.converged).toBe(r.status === 'optimum');
    }, 120_000);
  }
});
