/** The package entry as a consumer imports it (`import … from 'keyrate'` resolves to dist/ via
 *  package.json exports, so this runs against the build that `npm test` makes first). */
import { describe, expect, it } from 'vitest';

describe("import from 'keyrate'", () => {
  it('exposes the models, special functions, errors and the lower layers', async () => {
    const k = (await import('keyrate')) as Record<string, unknown> & { leakage: Record<string, unknown>; amplified: Record<string, unknown>; backends: Record<string, unknown>; sweep: Record<string, unknown> };
    for (const f of ['threshold', 'zeroCrossing', 'rate', 'curve', 'repeaters', 'nMax']) expect(typeof k.leakage[f], `leakage.${f}`).toBe('function');
    for (const f of ['rate', 'worstCase', 'curve', 'correlation', 'precision', 'plob', 'naturalLosses']) expect(typeof k.amplified[f], `amplified.${f}`).toBe('function');
    for (const f of ['resolveBackend', 'createWasmBackend', 'createReferenceBackend']) expect(typeof k.backends[f], `backends.${f}`).toBe('function');
    for (const f of ['runSweep', 'mergeShards', 'loadSpec']) expect(typeof k.sweep[f], `sweep.${f}`).toBe('function');
    for (const f of ['InputError', 'createEvaluator', 'createLeakagePool', 'generateFigures', 'getModel']) expect(typeof k[f], f).toBe('function');
    expect(Object.keys(k['MODELS'] as object)).toEqual(['leakage', 'amplified']);
  });

  it('a bad input throws InputError naming the parameter and its range', async () => {
    const { leakage, InputError } = await import('keyrate');
    const err = await leakage.rate({ dim: 2, parties: 2, leakage: 1.2, visibility: 0.6 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect(err).toMatchObject({ param: 'leakage', allowed: '[0, 1)', value: 1.2 });
  });
});
