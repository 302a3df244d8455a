/**
 * The grid of a sweep: the Cartesian product of the axes in row-major order — the FIRST axis
 * listed in the spec is the outermost loop, the LAST the innermost (it varies fastest). Grid
 * index i (0-based) decodes as mixed-radix digits, last axis least significant.
 *
 * Warm-start chains and shards are built from blocks: a block is a run of consecutive indices
 * along the innermost axis (one "line" of the grid, cut into pieces of at most `chain` points).
 * Point i is seeded by point i-1 exactly when both lie in the same block, so results do not
 * depend on batching, workers, resume or the number of shards.
 */
import { InputError } from '../errors.js';
import type { Point, Scalar } from './evaluators.js';
import type { SweepSpec } from './spec.js';

export class Grid {
  readonly names: string[];
  readonly values: Scalar[][];
  readonly size: number;
  /** Block length (points): min(innermost axis length, chain); 1 without warm starts. */
  readonly blockLength: number;
  private readonly lineLength: number;

  constructor(readonly spec: SweepSpec, warm: boolean) {
    this.names = spec.axes.map((a) => a.name);
    this.values = spec.axes.map((a) => a.values);
    this.size = this.values.reduce((n, v) => n * v.length, 1);
    this.lineLength = this.values.length ? this.values[this.values.length - 1]!.length : 1;
    this.blockLength = warm ? Math.min(this.lineLength, spec.chain ?? this.lineLength) : 1;
  }

  /** Axis values of grid point `index` (axes only, in axis order). */
  axisValues(index: number): Scalar[] {
    const out = new Array<Scalar>(this.values.length);
    let rest = index;
    for (let j = this.values.length - 1; j >= 0; j--) {
      const n = this.values[j]!.length;
      out[j] = this.values[j]![rest % n]!;
      rest = Math.floor(rest / n);
    }
    return out;
  }

  /** The full parameter set of point `index`: axes then fixed parameters. */
  point(index: number): Point {
    if (!(Number.isInteger(index) && index >= 0 && index < this.size)) throw new RangeError(`grid index ${index} outside [0, ${this.size})`);
    const p: Point = {};
    const a = this.axisValues(index);
    this.names.forEach((n, j) => (p[n] = a[j]!));
    for (const [k, v] of Object.entries(this.spec.fixed)) p[k] = v;
    return p;
  }

  /** Whether point `index` continues the warm-start chain of point `index - 1`. */
  continuesChain(index: number): boolean {
    if (index <= 0 || this.blockLength <= 1) return false;
    const posInLine = index % this.lineLength;
    return posInLine % this.blockLength !== 0;
  }

  /** Number of blocks (units of sharding). */
  get blockCount(): number {
    const lines = this.size / this.lineLength;
    return lines * Math.ceil(this.lineLength / this.blockLength);
  }

  /** First grid index of block b (b may equal blockCount: returns size). */
  blockStart(b: number): number {
    const perLine = Math.ceil(this.lineLength / this.blockLength);
    const line = Math.floor(b / perLine);
    const k = b % perLine;
    return Math.min(line * this.lineLength + k * this.blockLength, this.size);
  }
}

export interface Shard {
  index: number;
  count: number;
}

/**
 * Parse `--shard`: `i/N` (0-based i) or `N` alone, in which case i comes from the scheduler:
 * JOB_COMPLETION_INDEX (Kubernetes Indexed Job, 0-based) or SLURM_ARRAY_TASK_ID minus
 * SLURM_ARRAY_TASK_MIN (so `--array=0-9` and `--array=1-10` both map to 0..9).
 */
export function parseShard(text: string, env: NodeJS.ProcessEnv = process.env): Shard {
  const allowed = "'i/N' with 0 <= i < N, or 'N' with the index taken from JOB_COMPLETION_INDEX or SLURM_ARRAY_TASK_ID";
  const m = /^\s*(?:(\d+)\s*\/\s*)?(\d+)\s*$/.exec(text);
  if (!m) throw new InputError('shard', allowed, text);
  const count = Number(m[2]);
  if (!(count >= 1)) throw new InputError('shard', allowed + ' (N >= 1)', text);
  let index: number;
  if (m[1] !== undefined) index = Number(m[1]);
  else if (env['JOB_COMPLETION_INDEX'] !== undefined && env['JOB_COMPLETION_INDEX'] !== '') {
    index = Number(env['JOB_COMPLETION_INDEX']);
  } else if (env['SLURM_ARRAY_TASK_ID'] !== undefined && env['SLURM_ARRAY_TASK_ID'] !== '') {
    const min = env['SLURM_ARRAY_TASK_MIN'] !== undefined && env['SLURM_ARRAY_TASK_MIN'] !== '' ? Number(env['SLURM_ARRAY_TASK_MIN']) : 0;
    index = Number(env['SLURM_ARRAY_TASK_ID']) - min;
  } else {
    throw new InputError('shard', allowed, text, 'no shard index given and neither JOB_COMPLETION_INDEX nor SLURM_ARRAY_TASK_ID is set');
  }
  if (!(Number.isInteger(index) && index >= 0 && index < count)) throw new InputError('shard', allowed, `${index}/${count}`, 'index out of range');
  return { index, count };
}

/** Grid index range [start, end) of a shard: blocks split as evenly as possible, contiguously. */
export function shardRange(grid: Grid, shard: Shard): { start: number; end: number } {
  const B = grid.blockCount;
  const b0 = Math.floor((shard.index * B) / shard.count);
  const b1 = Math.floor(((shard.index + 1) * B) / shard.count);
  return { start: grid.blockStart(b0), end: grid.blockStart(b1) };
}
