/** Sweeps: spec -> grid -> shards -> checkpointed results; see docs/sweep.md. */
export { loadSpec, parseSpecText, validateSpec, specHash, canonicalJson, type SweepSpec, type AxisInput } from './spec.js';
export { Grid, parseShard, shardRange, type Shard } from './grid.js';
export { getEvaluator, listEvaluators, engines, quantities, type Evaluator, type EvalContext, type EvalResult, type Point, type Outputs, type Scalar } from './evaluators.js';
export { runSweep, columnsFor, shardDirName, BACKENDS, GRID_ORDER, type SweepOptions, type SweepSummary, type Manifest } from './runner.js';
export { mergeShards, expandShardDirs, type MergeSummary } from './merge.js';
export { readRows, rowsChecksum, withoutTiming, TIMING_COLUMNS, FILES } from './output.js';
