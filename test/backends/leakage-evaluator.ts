/** Tests' view of a leakage-model evaluator (createEvaluator with the leakage model's kernels). */
import { createEvaluator, type EvaluatorOptions } from '../../src/runtime/evaluator.js';
import { LEAKAGE_KERNELS } from '../../src/models/leakage/index.js';
import { KERNELS } from '../../src/kernels/names.js';
import type { LeakageObjectiveBatch } from '../../src/kernels/leakage-objective/spec.js';
import type { LeakageGridMinInput, LeakageGridMinOutput } from '../../src/kernels/leakage-grid-min/spec.js';

export async function createLeakageEvaluator(opts: EvaluatorOptions = {}) {
  const ev = await createEvaluator(LEAKAGE_KERNELS, opts);
  return {
    kernel: ev,
    evaluate: (b: LeakageObjectiveBatch, o?: { signal?: AbortSignal }) => ev.run<Float64Array>(KERNELS.leakageObjective, b, o),
    gridMin: (i: LeakageGridMinInput, o?: { signal?: AbortSignal }) => ev.run<LeakageGridMinOutput>(KERNELS.leakageGridMin, i, o),
    /** the backend of the last batch (before the first: the primary) */
    backendUsed: () => (ev.batches() === 0 ? ev.primary : ev.backendsSince(ev.batches() - 1)),
    batches: () => ev.batches(),
    backendsSince: (m: number) => ev.backendsSince(m),
    close: () => ev.close(),
  };
}
