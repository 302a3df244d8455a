/**
 * One KernelEvaluator per (engine, backend) per thread for sweep points and figure curves
 * (createEvaluator, src/runtime/evaluator.ts; workers 1: sweeps parallelise over points). The
 * backend was checked by the runner before the first point; closeModelEvaluators() releases them.
 */
import type { KernelEvaluator } from '../kernels/evaluator.js';
import { MODELS, type ModelName } from '../models/registry.js';
import { createEvaluator } from '../runtime/evaluator.js';

const cache = new Map<string, Promise<KernelEvaluator>>();

export function evaluatorFor(engine: ModelName, backend: string): Promise<KernelEvaluator> {
  const key = `${engine} ${backend}`;
  let p = cache.get(key);
  if (!p) {
    p = (async () => createEvaluator((await MODELS[engine].load()).modelKernels, { backend }))();
    cache.set(key, p);
    p.catch(() => cache.delete(key));
  }
  return p;
}

export async function closeModelEvaluators(): Promise<void> {
  const all = [...cache.values()];
  cache.clear();
  await Promise.all(all.map(async (p) => (await p.catch(() => undefined))?.close()));
}
