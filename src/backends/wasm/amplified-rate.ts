/**
 * Host side of the AssemblyScript amplified-rate kernel (assembly/amplified/rate.ts): Lf/L of [A]
 * for a batch of points, same contract and layout as the model's reference evaluator
 * (src/models/amplified/kernels.ts `evaluateBatch(fixed, points, out) -> inner evaluations`).
 * Pure (no file system): usable in the main thread and in pool workers.
 *
 * Memory: the host writes the points at heapBase() (16-byte aligned), then reserves out / diag; the
 * kernel runs its quadrature panels and Fock components on a bump stack above them and grows
 * memory itself when needed, so every view is re-created after the call.
 */
import { WA, WASM_PAGE, align16, ensureMemory, type WasmInstance, type WasmMemory, type WasmModule } from './wa.js';
import { InputError } from '../../errors.js';
import { PN_MAX_WORK } from '../../kernels/pn-separable/spec.js';
import { AMPLIFIED_STRIDE, checkAmplifiedShape, type AmplifiedBatchFixed, type AmplifiedRateInput, type AmplifiedRateOutput } from '../../kernels/amplified-rate/spec.js';

interface AmplifiedExports {
  memory: WasmMemory;
  heapBase(): number;
  simdEnabled(): number;
  amplifiedLastError(): number;
  amplifiedRateBatch?(
    encoding: number, method: number, G1: number, G2: number, leak: number, tol: number,
    pointsPtr: number, n: number, outPtr: number, diagPtr: number, scratchPtr: number,
  ): number;
}


/** Per-point intermediate values (debugging): p_check, I(A:B), chi (Eve's bound), inner evaluations. */
export interface AmplifiedDiagnostics {
  pCheck: Float64Array;
  iAB: Float64Array;
  chi: Float64Array;
  evaluations: Float64Array;
}

/** One instance of the keyrate module running 'amplified-rate'. Not reentrant (synchronous use only). */
export class WasmAmplifiedKernel {
  readonly simd: boolean;
  private readonly ex: AmplifiedExports;
  private readonly base: number;

  private constructor(instance: WasmInstance) {
    this.ex = instance.exports as unknown as AmplifiedExports;
    if (typeof this.ex.amplifiedRateBatch !== 'function') {
      throw new Error('keyrate wasm module has no amplifiedRateBatch export; rebuild with npm run build:wasm');
    }
    this.simd = this.ex.simdEnabled() === 1;
    this.base = align16(this.ex.heapBase());
  }

  static fromModule(module: WasmModule): WasmAmplifiedKernel {
    return new WasmAmplifiedKernel(new WA.Instance(module, {}));
  }

  /**
   * evaluateBatch contract: fills out[i] with Lf/L of point i (NaN for an invalid point) and returns
   * the inner evaluations; `diag` (optional) receives the per-point intermediates.
   */
  evaluateBatch(fixed: AmplifiedBatchFixed, points: Float64Array, out: Float64Array, diag?: AmplifiedDiagnostics): number {
    const stride = AMPLIFIED_STRIDE[fixed.encoding];
    const n = Math.floor(points.length / stride);
    if (n === 0) return 0;
    const pointsPtr = this.base;
    const outPtr = align16(pointsPtr + n * stride * 8);
    const diagPtr = diag ? align16(outPtr + n * 8) : 0;
    const scratchPtr = align16((diag ? diagPtr + n * 32 : outPtr + n * 8) + 16);
    ensureMemory(this.ex.memory, scratchPtr + WASM_PAGE);
    new Float64Array(this.ex.memory.buffer, pointsPtr, n * stride).set(points.subarray(0, n * stride));
    const evaluations = this.ex.amplifiedRateBatch!(
      fixed.encoding === 'phase' ? 1 : 0, fixed.method === 'paper' ? 1 : 0,
      fixed.G1, fixed.G2, fixed.leak, fixed.tol ?? 1e-15,
      pointsPtr, n, outPtr, diagPtr, scratchPtr,
    );
    if (evaluations < 0) {
      // the same errors as the reference (photon-number.ts eveStatePaper, pn-separable/reference.ts)
      if (this.ex.amplifiedLastError() === 2) {
        throw new RangeError(`pn-separable: point ${-evaluations - 1} needs more than ${PN_MAX_WORK.toExponential(0)} kernel entries`);
      }
      throw new InputError('method', "'exact' here: the paper's asymptotic route (Eqs. 105-112) needs gamma_a > 0, G1 > 1 and G2 > 1", 'paper');
    }
    const buf = this.ex.memory.buffer; // may have grown during the call
    out.set(new Float64Array(buf, outPtr, n));
    if (diag) {
      const d = new Float64Array(buf, diagPtr, n * 4);
      for (let i = 0; i < n; i++) {
        diag.pCheck[i] = d[4 * i]!;
        diag.iAB[i] = d[4 * i + 1]!;
        diag.chi[i] = d[4 * i + 2]!;
        diag.evaluations[i] = d[4 * i + 3]!;
      }
    }
    return evaluations;
  }

  /** The kernel as the model's injectable BatchEvaluator (RateInput.evaluate, optimizeAt). */
  batchEvaluator(): (fixed: AmplifiedBatchFixed, points: Float64Array, out: Float64Array) => number {
    return (fixed, points, out) => this.evaluateBatch(fixed, points, out);
  }

  /** Backend form ('amplified-rate' kernel input/output). */
  run(input: AmplifiedRateInput, out?: Float64Array): AmplifiedRateOutput {
    const n = checkAmplifiedShape(input);
    const values = out ?? new Float64Array(n);
    const evaluations = this.evaluateBatch(input.fixed, input.points, values);
    return { values, evaluations };
  }

  /** Bytes of linear memory currently reserved (diagnostics). */
  memoryBytes(): number {
    return this.ex.memory.buffer.byteLength;
  }

}
