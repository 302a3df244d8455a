/**
 * The leakage evaluators wired to src/models/leakage, against closed forms (SPEC.md 2):
 * d = 2, N = 2 aligned-measurement rate R = P(1 - h2(e)) and the corrected threshold
 * v* = 1/(1 + D(1 - L)) (uniform), (1 + L)/(1 + D + L) (junk).
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runSweep } from '../../src/sweep/runner.js';
import { validateSpec } from '../../src/sweep/spec.js';
import { read, tmp } from './helpers.js';

const h2 = (p: number) => (p <= 0 || p >= 1 ? 0 : -p * Math.log2(p) - (1 - p) * Math.log2(1 - p));

describe('leakage evaluators', () => {
  it('rate sweep (warm-started along visibility) matches the d = 2, N = 2 closed form', async () => {
    const out = tmp();
    await runSweep(validateSpec({
      engine: 'leakage', quantity: 'rate', fixed: { dim: 2, parties: 2 },
      axes: { leakage: [0.1, 0.3], visibility: { from: 0.35, to: 1, count: 6 } },
    }), { out });
    const rows = read(join(out, 'results.jsonl')).trim().split('\n').map((l) => JSON.parse(l));
    expect(rows).toHaveLength(12);
    for (const r of rows) {
      const q = (3 * (1 - r.visibility)) / 2;
      const P = (1 - q) * (1 - r.leakage) + (q * r.leakage) / 3;
      const e = (q * r.leakage) / 3 / P;
      const R = e < 0.5 ? P * (1 - h2(e)) : 0;
      expect(Math.abs(r.rate - R)).toBeLessThan(1e-6);
      expect(r.model).toBe('uniform');
      expect(r.objective).toBe('joint');
      expect(r.error).toBeNull();
      expect(r.settings).toHaveLength(2);
    }
  });

  it('threshold sweep: corrected closed form for both leakage models, zero crossing just above', async () => {
    const out = tmp();
    await runSweep(validateSpec({ engine: 'leakage', quantity: 'threshold', fixed: { dim: 2, parties: 2, leakage: 0.2 }, axes: { model: ['uniform', 'junk'] } }), { out });
    const [u, j] = read(join(out, 'results.jsonl')).trim().split('\n').map((l) => JSON.parse(l));
    expect(u.threshold).toBeCloseTo(1 / (1 + 2 * 0.8), 15); // 0.384615..., not the printed 0.4872
    expect(j.threshold).toBeCloseTo(1.2 / 3.2, 15);
    expect(u.separableBound).toBeCloseTo(1 / 3, 15);
    expect(Math.abs(u.zeroCrossing - u.threshold)).toBeLessThan(1e-4);
  });

  it('the optimize block reaches the model (settingsSearch general reproduces the family optimum)', async () => {
    const out = tmp();
    await runSweep(validateSpec({
      engine: 'leakage', quantity: 'rate', fixed: { dim: 2, parties: 2, leakage: 0.1, visibility: 0.8 },
      optimize: { settingsSearch: 'general', samples: 4, seed: 1 },
    }), { out });
    const [r] = read(join(out, 'results.jsonl')).trim().split('\n').map((l) => JSON.parse(l));
    expect(r.settingsSearch).toBe('general');
    expect(r.rate).toBeCloseTo(0.5656863518, 8);
  });
});
