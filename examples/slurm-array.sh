#!/bin/bash
# keyrate sweep as a SLURM job array: one shard per array task, then one merge job.
#
#   sbatch examples/slurm-array.sh examples/amplified-worst-case-40000km.yaml results/fig1f
#
# `--shard 8` (count only) takes the shard index from SLURM_ARRAY_TASK_ID minus
# SLURM_ARRAY_TASK_MIN, so --array=0-7 and --array=1-8 both give shards 0..7.
# Each task writes results/fig1f/shard-<i>-of-8/ (results.csv, results.jsonl, manifest.json).
# A requeued or preempted task continues where it stopped thanks to --resume (which starts
# fresh when the shard directory is empty).
#SBATCH --job-name=keyrate-sweep
#SBATCH --array=0-7
#SBATCH --cpus-per-task=4
#SBATCH --time=04:00:00
#SBATCH --requeue
#SBATCH --output=logs/keyrate-%A_%a.out
set -euo pipefail
SPEC=${1:?spec file}
OUT=${2:?output directory}
SHARDS=8   # keep equal to the size of --array

keyrate sweep "$SPEC" --out "$OUT" --shard "$SHARDS" --resume --workers "${SLURM_CPUS_PER_TASK:-1}"

# Merge once every task has finished (submit separately, or from the last task):
#   sbatch --dependency=afterok:$SLURM_ARRAY_JOB_ID --wrap "keyrate merge $OUT --out $OUT/merged"
# `keyrate merge` refuses missing or incomplete shards, mismatched spec hashes and overlaps.
