/**
 * The amplified evaluators wired to src/models/amplified (phase encoding: milliseconds per point).
 * Independent checks: a sweep row equals a direct call of the model with the same inputs, warm
 * starts pass the previous optimum (u) on, and the optimize block is validated by name.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { getEvaluator } from '../../src/sweep/evaluators.js';
import { runSweep } from '../../src/sweep/runner.js';
import { validateSpec } from '../../src/sweep/spec.js';
import { read, tmp } from './helpers.js';
import { createEvaluator } from '../../src/runtime/evaluator.js';
import { AMPLIFIED_KERNELS } from '../../src/models/amplified/model.js';

let cached: ReturnType<typeof createEvaluator> | undefined;
/** One evaluator for the file's rate() calls (the CLI builds one per command the same way). */
const autoEvaluator = () => (cached ??= createEvaluator(AMPLIFIED_KERNELS, { backend: 'auto', log: () => {} }));

const model = (await import('../../src/models/amplified/index.js')) as unknown as Record<string, unknown>;

describe('amplified evaluators', () => {
  it('rows equal direct model calls (no warm start); columns flatten photons/windows', async () => {
    const out = tmp();
    const spec = validateSpec({
      engine: 'amplified', quantity: 'rate', warmStart: false,
      fixed: { encoding: 'phase', distance: 1000 }, axes: { eveAt: [500], leak: [1e-6, 1e-4] },
      optimize: { samples: 200, starts: 2, seed: 7 },
    });
    await runSweep(spec, { out });
    const rows = read(join(out, 'results.jsonl')).trim().split('\n').map((l) => JSON.parse(l));
    expect(rows).toHaveLength(2);
    const rate = model['rate'] as (i: Record<string, unknown>) => Promise<{ rate: number; params: { photons: number[]; windows: number[] }; u: number[] }>;
    for (const r of rows) {
      // the sweep's default backend (auto: wasm search): the optimiser's finite-difference gradients
      // carry the kernels' last-ulp differences into the optimum, so compare on the same backend
      const direct = await rate({ encoding: 'phase', distance: 1000, eveAt: 500, leak: r.leak, span: 50, loss: 0.02, optimize: { samples: 200, starts: 2, seed: 7 }, evaluator: await autoEvaluator() });
      expect(r.rate).toBe(direct.rate);
      expect(r.photons).toEqual(direct.params.photons);
      expect(r.windows).toEqual(direct.params.windows);
      expect(r.u).toEqual(direct.u);
      expect(r.span).toBe(50);
      expect(r.loss).toBe(0.02);
      expect(r.error).toBeNull();
    }
  });

  it('warm start hands the previous optimum u to the optimiser', () => {
    const ev = getEvaluator('amplified', 'rate');
    const u = [0.1, 0.2, 0.3];
    expect(ev.warmStart!({ point: {}, outputs: { u } }, {})).toEqual(u);
    expect(ev.warmStart!({ point: {}, outputs: { u: null } }, {})).toBeUndefined();
  });

  it('validates the optimize block by name', () => {
    const base = { engine: 'amplified', quantity: 'rate', fixed: { encoding: 'phase', distance: 1000, eveAt: 500, leak: 1e-3 } };
    for (const [opt, field] of [[{ samples: 0 }, 'optimize.samples'], [{ method: 'fast' }, 'optimize.method'], [{ gridPoints: 3 }, 'optimize.gridPoints']] as const) {
      try {
        validateSpec({ ...base, optimize: opt });
        throw new Error('accepted');
      } catch (e) {
        expect(e).toBeInstanceOf(InputError);
        expect((e as InputError).param).toBe(field);
      }
    }
    expect(validateSpec({ ...base, quantity: 'worst-case', fixed: { encoding: 'phase', distance: 1000, leak: 1e-3 }, optimize: { gridPoints: 3, refine: false } }).optimize).toEqual({ gridPoints: 3, refine: false });
  });
});
