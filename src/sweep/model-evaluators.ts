/**
 * One KernelEvaluator per (engine, backend) per thread for sweep points, figure curves and the
 * service's requests
 * (createEvaluator, src/runtime/evaluator.ts; workers 1: sweeps parallelise over points). The
 * backend was checked by the runner before the first point; closeModelEvaluators() releases them.
 */
import type { KernelEvaluator } from '../kernels/evaluator.js';
import { MODELS, type ModelName } from '../models/registry.js';
import { createEvaluator } from '../runtime/evaluator.js';

const cache = new Map<string, Promise<KernelEvaluator>>();

/** `screening: false`: the f64 kernels only (e.g. amplified batch, which reports kernel values). */
export function evaluatorFor(engine: ModelName, backend: string, opts: { screening?: boolean } = {}): Promise<KernelEvaluator> {
  const screening = opts.screening ?? true;
  const key = `${engine} ${backend}${screening ? '' : ' f64'}`;
  let p = cache.get(key);
  if (!p) {
    p = (async () => {
      const kernels = (await MODELS[engine].load()).modelKernels;
      return createEvaluator(screening ? kernels : { ...kernels, screens: [] }, { backend });
    })();
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
