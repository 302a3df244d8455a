/** Reference backend: the plain-TypeScript twins of every kernel (src/kernels/<name>/reference.ts). */
import type { Backend, RunOptions } from '../backend.js';
import { KERNELS, UnsupportedKernelError, throwIfAborted } from '../kernels.js';
import { leakageObjectiveReference } from '../../kernels/leakage-objective/reference.js';
import type { LeakageObjectiveBatch } from '../../kernels/leakage-objective/spec.js';
import { leakageGridMinReference } from '../grid-min/reference.js';
import type { LeakageGridMinInput } from '../grid-min/spec.js';
import { amplifiedRateReference, type AmplifiedRateInput } from '../amplified.js';

const kernels: Record<string, (input: unknown) => unknown> = {
  [KERNELS.amplifiedRate]: (input) => amplifiedRateReference(input as AmplifiedRateInput),
  [KERNELS.leakageObjective]: (input) => leakageObjectiveReference(input as LeakageObjectiveBatch),
  [KERNELS.leakageGridMin]: (input) => leakageGridMinReference(input as LeakageGridMinInput),
};

/** Always available; f64; synchronous work wrapped in a promise. */
export function createReferenceBackend(): Backend {
  return {
    name: 'reference',
    precision: 'f64',
    detail: 'TypeScript, main thread',
    async init() {},
    has: (kernel: string) => kernel in kernels,
    async run<I, O>(kernel: string, input: I, opts?: RunOptions): Promise<O> {
      throwIfAborted(opts?.signal);
      const k = kernels[kernel];
      if (!k) throw new UnsupportedKernelError('reference', kernel);
      return (await k(input)) as O;
    },
    async dispose() {},
  };
}
