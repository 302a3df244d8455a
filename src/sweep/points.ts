/**
 * Evaluate one axis of points through the sweep evaluators, either as one warm-started chain or
 * as independent points (each its own task, no warm start): independent points spread over a
 * worker pool and give the same numbers for any number of workers. Used by the figures and by
 * the CLI's `--workers` on curves.
 */
import { evaluateSegment, type PointResult, type SegmentTask } from './segment.js';
import type { Point } from './evaluators.js';
import type { SegmentPool } from './runner.js';

export interface PointsOptions {
  backend?: string;
  optimize?: Record<string, unknown>;
  /** every point its own task, no warm start */
  independent?: boolean;
  pool?: SegmentPool;
}

export async function evaluatePoints(engine: string, quantity: string, points: Point[], opts: PointsOptions): Promise<PointResult[]> {
  const task = (pts: Point[], chained: boolean): SegmentTask => ({
    engine, quantity, backend: opts.backend ?? 'auto', optimize: opts.optimize ?? {},
    points: pts, chains: pts.map((_, i) => chained && i > 0), previous: null,
  });
  const run = (t: SegmentTask): Promise<PointResult[]> => (opts.pool ? opts.pool.run(t) : evaluateSegment(t));
  return opts.independent ? (await Promise.all(points.map((p) => run(task([p], false))))).flat() : run(task(points, true));
}
