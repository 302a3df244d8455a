#!/usr/bin/env bash
# One-command WebGPU screen bench on a real GPU: >= 1e8 grid points per batch
# (d=2,N=3: 11^8 = 2.1e8 per problem; d=3,N=2: 8^9 = 1.3e8 per problem).
# Usage: scripts/gpu-bench.sh [PEAK_F32_TFLOPS]   e.g. 67 for H100 SXM, 51 for H100 PCIe
# Also times wasm leakage-grid-min (1 thread) and the wasm pool (--pool-workers, default 2) on
# the same batch. Reference (TS f64) is skipped at this size (hours); run bench/webgpu-screen.ts with small
# grids for the ratio. Prints JSON rows incl. the fraction of f32 peak when PEAK is given.
set -euo pipefail
cd "$(dirname "$0")/.."
PEAK="${1:-nan}"
exec npx tsx bench/webgpu-screen.ts --grid-23 11 --grid-32 8 --problems 2 --topk 8 --skip-reference --peak-tflops "$PEAK" --json
