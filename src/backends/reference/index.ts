/** Reference backend: the plain-TypeScript twins of every kernel (src/kernels/<name>/reference.ts),
 *  plus the ones a model supplies for kernels whose twin is the model's own code (amplified-rate). */
import type { Backend, RunOptions } from '../backend.js';
import { KERNELS, UnsupportedKernelError, throwIfAborted } from '../kernels.js';
import { leakageObjectiveReference } from '../../kernels/leakage-objective/reference.js';
import type { LeakageObjectiveBatch } from '../../kernels/leakage-objective/spec.js';
import { leakageGridMinReference } from '../../kernels/leakage-grid-min/reference.js';
import type { LeakageGridMinInput } from '../../kernels/leakage-grid-min/spec.js';
import { leakageGridScreenReference } from '../../kernels/leakage-grid-screen/reference.js';
import type { LeakageGridScreenInput } from '../../kernels/leakage-grid-screen/spec.js';
import { amplifiedScreenReference } from '../../kernels/amplified-screen/reference.js';
import type { AmplifiedScreenInput } from '../../kernels/amplified-screen/spec.js';

export type ReferenceKernels = Partial<Record<string, (input: unknown) => unknown>>;

const builtIn: ReferenceKernels = {
  [KERNELS.leakageObjective]: (input) => leakageObjectiveReference(input as LeakageObjectiveBatch),
  [KERNELS.leakageGridMin]: (input) => leakageGridMinReference(input as LeakageGridMinInput),
  [KERNELS.leakageGridScreen]: (input) => leakageGridScreenReference(input as LeakageGridScreenInput),
  [KERNELS.amplifiedScreen]: (input) => amplifiedScreenReference(input as AmplifiedScreenInput),
};

/** Always available; f64; synchronous work (also wrapped in a promise). */
export function createReferenceBackend(extra: ReferenceKernels = {}): Backend {
  const kernels: ReferenceKernels = { ...builtIn, ...extra };
  const runSync = <I, O>(kernel: string, input: I): O => {
    const k = kernels[kernel];
    if (!k) throw new UnsupportedKernelError('reference', kernel);
    return k(input) as O;
  };
  return {
    name: 'reference',
    precision: 'f64',
    detail: 'TypeScript, main thread',
    async init() {},
    has: (kernel: string) => kernels[kernel] !== undefined,
    async run<I, O>(kernel: string, input: I, opts?: RunOptions): Promise<O> {
      throwIfAborted(opts?.signal);
      return runSync<I, O>(kernel, input);
    },
    runSync,
    async dispose() {},
  };
}
