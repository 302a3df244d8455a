/**
 * Evaluate one segment of consecutive grid points (same warm-start chain or single points), in
 * the main thread or in a pool worker. Warm-start seeds are derived from the previous point's
 * outputs after a JSON round trip, i.e. exactly as a resumed run reads them from results.jsonl.
 */
import { getEvaluator, type Outputs, type Point } from './evaluators.js';
import { isModelName } from '../models/registry.js';
import { evaluatorFor } from './model-evaluators.js';
import { toJsonSafe } from './output.js';

export interface SegmentTask {
  engine: string;
  quantity: string;
  backend: string;
  optimize: Record<string, unknown>;
  points: Point[];
  /** chains[k]: point k continues the chain of point k-1 (for k = 0: of `previous`). */
  chains: boolean[];
  previous?: { point: Point; outputs: Outputs } | null;
}

export interface PointResult {
  outputs: Outputs;
  backend: string | null;
  error: string | null;
  ms: number;
}

export async function evaluateSegment(task: SegmentTask): Promise<PointResult[]> {
  const ev = getEvaluator(task.engine, task.quantity);
  const engine = ev.engine;
  const evaluator = isModelName(engine) ? await evaluatorFor(engine, task.backend) : undefined;
  const results: PointResult[] = [];
  let previous = task.previous ?? null;
  for (let k = 0; k < task.points.length; k++) {
    const point = task.points[k]!;
    const seed = task.chains[k] && previous && ev.warmStart ? ev.warmStart(previous, point) : undefined;
    const t0 = performance.now();
    let outputs: Outputs = {};
    let backend: string | null = null;
    let error: string | null = null;
    try {
      const r = await ev.evaluate(point, { backend: task.backend, optimize: task.optimize, seed, ...(evaluator ? { evaluator } : {}) });
      outputs = declaredOutputs(ev.outputs, JSON.parse(JSON.stringify(toJsonSafe(r.outputs))) as Outputs);
      backend = r.backend ?? null;
    } catch (e) {
      error = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    }
    const ms = Math.round((performance.now() - t0) * 1000) / 1000;
    results.push({ outputs, backend, error, ms });
    previous = error === null ? { point, outputs } : null;
  }
  return results;
}

/** Exactly the declared output columns, missing ones as null (the shape a row read back has). */
export function declaredOutputs(columns: readonly string[], values: Outputs): Outputs {
  const out: Outputs = {};
  for (const c of columns) out[c] = values[c] ?? null;
  return out;
}
