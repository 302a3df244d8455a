/**
 * Piscina worker for keyrate batch kernels. Runs from the compiled dist/pool/worker.js (also when
 * the pool is created from the TypeScript sources under vitest/tsx). The compiled WebAssembly
 * module arrives once in workerData and is instantiated once per worker; the reference twin is
 * used when no module is given (backend 'reference').
 */
import { workerData } from 'piscina';
import { WasmLeakageKernel } from '../backends/wasm/leakage.js';
import { leakageObjectiveReference } from '../kernels/leakage-objective/reference.js';
import { leakageGridMinReference } from '../kernels/leakage-grid-min/reference.js';
import { WasmAmplifiedKernel } from '../backends/wasm/amplified-rate.js';
import type { PoolAmplifiedTask, PoolGridMinTask, PoolTask, PoolWorkerData } from './types.js';

const data = (workerData ?? {}) as PoolWorkerData;
const kernel = data.module ? WasmLeakageKernel.fromModule(data.module) : undefined;
// amplified-rate on the wasm backend: instantiated on the first such task (its own instance)
let amplified: WasmAmplifiedKernel | undefined;

export default function run(task: PoolTask | PoolGridMinTask | PoolAmplifiedTask): number | Promise<number> {
  // Test hook: simulate a worker crash on a marked chunk (first attempt only).
  if (data.testExitOnChunk !== undefined && data.testExitOnChunk === task.chunk && (task.attempt === 0 || data.testExitAlways)) {
    process.exit(17);
  }
  if (data.testChunkDelayMs) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, data.testChunkDelayMs);
  if (task.kind === 'amplified-rate') {
    // the AssemblyScript port (assembly/amplified); returns the inner evaluation count
    // (its TS twin is the amplified model's code, which a worker of this layer does not load)
    if (!data.module) throw new Error('amplified-rate runs in pool workers on the wasm backend only');
    amplified ??= WasmAmplifiedKernel.fromModule(data.module);
    return amplified.run(task.input, task.out).evaluations;
  }
  if (task.kind === 'leakage-grid-min') {
    const r = kernel ? kernel.gridMin(task.input) : leakageGridMinReference(task.input);
    task.min.set(r.min);
    task.arg.set(r.arg);
    return r.min.length;
  }
  const batch = {
    dim: task.dim,
    parties: task.parties,
    coef: task.coef,
    gammas: task.gammas,
    problemOf: task.problemOf,
    objective: task.objective,
  };
  // results go straight into the pool's shared output buffer
  if (kernel) kernel.evaluate(batch, task.out);
  else leakageObjectiveReference(batch, task.out);
  return task.out.length;
}
