/** Piscina worker: evaluates one segment of a sweep (see ./segment.ts), or (name 'amplifiedRate')
 *  one amplified rate() input for the model's injectable RateMany (CLI --workers). */
import { evaluateSegment, type SegmentTask } from './segment.js';

export default function run(task: SegmentTask) {
  return evaluateSegment(task);
}

export async function amplifiedRate(input: Record<string, unknown>) {
  const { rate } = await import('../models/amplified/model.js');
  return rate(input as unknown as Parameters<typeof rate>[0]);
}
