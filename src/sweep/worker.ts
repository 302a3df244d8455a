/** Piscina worker: evaluates one segment of a sweep (see ./segment.ts). */
import { evaluateSegment, type SegmentTask } from './segment.js';

export default function run(task: SegmentTask) {
  return evaluateSegment(task);
}
