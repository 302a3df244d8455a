/**
 * Piscina worker of the service's pool (./executor.ts): one compute request, one amplified rate()
 * of a worst case / curve scan, or one sweep segment. Each worker keeps its own warm evaluators.
 */
import type { MessagePort } from 'node:worker_threads';
import { compute, toOutcomeError, type Outcome } from './compute.js';
import type { ComputeMethod } from './schemas.js';
import { evaluateSegment, type SegmentTask } from '../sweep/segment.js';
import { evaluatorFor } from '../sweep/model-evaluators.js';

export interface ComputeTask {
  method: ComputeMethod;
  body: unknown;
  /** progress messages {done, total} go here when given */
  port?: MessagePort;
}

export default async function run(task: ComputeTask): Promise<Outcome> {
  try {
    const onProgress = task.port ? (done: number, total: number) => task.port!.postMessage({ done, total }) : undefined;
    return { ok: true, value: await compute(task.method, task.body, onProgress ? { onProgress } : {}) };
  } catch (e) {
    return toOutcomeError(e);
  } finally {
    task.port?.close();
  }
}

export async function amplifiedRate(task: { input: Record<string, unknown>; backend: string }): Promise<Outcome> {
  try {
    const { rate } = await import('../models/amplified/model.js');
    const input = { ...(task.input as unknown as Parameters<typeof rate>[0]), evaluator: await evaluatorFor('amplified', task.backend) };
    return { ok: true, value: await rate(input) };
  } catch (e) {
    return toOutcomeError(e);
  }
}

export function segment(task: SegmentTask) {
  return evaluateSegment(task);
}
