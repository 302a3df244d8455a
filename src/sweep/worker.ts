/** Piscina worker: evaluates one segment of a sweep (see ./segment.ts), or (name 'amplifiedRate')
 *  one amplified rate() input for the model's injectable RateMany (CLI --workers) on this
 *  thread's evaluator for `backend`. */
import { evaluateSegment, type SegmentTask } from './segment.js';
import { evaluatorFor } from './model-evaluators.js';
import type { RateInput, StartTask } from '../models/amplified/model.js';

export default function run(task: SegmentTask) {
  return evaluateSegment(task);
}

export async function amplifiedRate(task: { input: Omit<RateInput, 'evaluator'>; backend: string }) {
  const m = await import('../models/amplified/model.js');
  return m.rate({ ...task.input, evaluator: await evaluatorFor('amplified', task.backend) });
}

/** One local search of the amplified optimiser (the CLI's `rate --optimize --workers N`). */
export async function amplifiedStart(task: { task: StartTask; backend: string }) {
  const m = await import('../models/amplified/model.js');
  return m.searchStart(task.task, await evaluatorFor('amplified', task.backend));
}
