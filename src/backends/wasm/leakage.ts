/**
 * Host side of the AssemblyScript leakage kernels 'leakage-objective' (assembly/leakage/objective.ts)
 * and 'leakage-grid-min' (assembly/leakage/gridmin.ts): one instance serves both (they share its
 * memory layout and logarithm tables), so they live in one file.
 * Pure: no file system, usable in the main thread and in pool workers. The host owns the module's
 * linear memory above heapBase(): it writes coef / gammas / problemOf there, calls the kernel and
 * copies the output out. Scratch is laid out once per instance and memory grows only when a larger
 * batch arrives; typed-array views are always re-created after a grow (a grow detaches them).
 */
import { WA, align16, ensureMemory, type WasmInstance, type WasmMemory, type WasmModule } from './wa.js';
import { checkBatchShape, type LeakageObjectiveBatch } from '../../kernels/leakage-objective/spec.js';
import { checkGridMinShape, type LeakageGridMinInput, type LeakageGridMinOutput } from '../../kernels/leakage-grid-min/spec.js';

/** Layout version the host expects from kernelAbiVersion(). */
export const KERNEL_ABI_VERSION = 2;

export interface KeyrateWasmExports {
  memory: WasmMemory;
  kernelAbiVersion(): number;
  heapBase(): number;
  simdEnabled(): number;
  leakageScratchBytes(dim: number, parties: number): number;
  leakageGridMinScratchBytes(dim: number, parties: number): number;
  leakageGridMin(
    dim: number, parties: number, coefPtr: number, problems: number, grid: number, conditional: number,
    minPtr: number, argPtr: number, scratchPtr: number,
  ): void;
  leakageObjective(
    dim: number, parties: number, coefPtr: number, gammasPtr: number, problemOfPtr: number,
    points: number, conditional: number, outPtr: number, scratchPtr: number,
  ): void;
}


/** One instantiated kernel module with its host-managed scratch. Not reentrant (synchronous use only). */
export class WasmLeakageKernel {
  readonly simd: boolean;
  private readonly ex: KeyrateWasmExports;
  private readonly base: number;

  private constructor(instance: WasmInstance) {
    this.ex = instance.exports as unknown as KeyrateWasmExports;
    const abi = this.ex.kernelAbiVersion();
    if (abi !== KERNEL_ABI_VERSION) {
      throw new Error(`keyrate wasm module has kernel ABI ${abi}, host expects ${KERNEL_ABI_VERSION}; rebuild with npm run build:wasm`);
    }
    this.simd = this.ex.simdEnabled() === 1;
    this.base = align16(this.ex.heapBase());
  }

  /** Instantiate a compiled module (no imports needed: the build uses runtime stub and noAssert). */
  static fromModule(module: WasmModule): WasmLeakageKernel {
    return new WasmLeakageKernel(new WA.Instance(module, {}));
  }

  /**
   * Evaluate one batch (spec.ts contract). Throws RangeError on a malformed batch.
   * The gamma points stream through the module in cache-sized blocks (blockPoints, default
   * ~128 KiB of gammas per block): copy-in, kernel and copy-out stay in L2 and linear memory
   * does not have to grow to the batch size.
   */
  evaluate(b: LeakageObjectiveBatch, out?: Float64Array, blockPoints?: number): Float64Array {
    const { n, points } = checkBatchShape(b);
    const res = out ?? new Float64Array(points);
    if (points === 0) return res;
    const block = Math.max(1, Math.min(points, blockPoints ?? Math.max(256, Math.floor(16384 / n))));
    const coefPtr = this.base;
    const gammasPtr = align16(coefPtr + b.coef.byteLength);
    const problemPtr = align16(gammasPtr + block * n * 8);
    const outPtr = align16(problemPtr + block * 4);
    const scratchPtr = align16(outPtr + block * 8);
    const end = scratchPtr + this.ex.leakageScratchBytes(b.dim, b.parties);
    ensureMemory(this.ex.memory, end);
    // views created after any grow (a grow detaches the old buffer)
    const buf = this.ex.memory.buffer;
    new Float64Array(buf, coefPtr, b.coef.length).set(b.coef);
    const gView = new Float64Array(buf, gammasPtr, block * n);
    const pView = new Uint32Array(buf, problemPtr, block);
    const oView = new Float64Array(buf, outPtr, block);
    const conditional = b.objective === 'conditional' ? 1 : 0;
    for (let s = 0; s < points; s += block) {
      const m = Math.min(block, points - s);
      gView.set(b.gammas.subarray(s * n, (s + m) * n));
      pView.set(b.problemOf.subarray(s, s + m));
      this.ex.leakageObjective(b.dim, b.parties, coefPtr, gammasPtr, problemPtr, m, conditional, outPtr, scratchPtr);
      res.set(m === block ? oView : oView.subarray(0, m), s);
    }
    return res;
  }

  /** 'leakage-grid-min' (src/kernels/leakage-grid-min/spec.ts): fused grid search, one call per batch. */
  gridMin(b: LeakageGridMinInput): LeakageGridMinOutput {
    const { n, problems } = checkGridMinShape(b);
    const min = new Float64Array(problems);
    const arg = new Float64Array(problems * n);
    if (problems === 0) return { min, arg };
    const coefPtr = this.base;
    const minPtr = align16(coefPtr + b.coef.byteLength);
    const argPtr = align16(minPtr + problems * 8);
    const scratchPtr = align16(argPtr + problems * n * 8);
    ensureMemory(this.ex.memory, scratchPtr + this.ex.leakageGridMinScratchBytes(b.dim, b.parties));
    const buf = this.ex.memory.buffer;
    new Float64Array(buf, coefPtr, b.coef.length).set(b.coef);
    this.ex.leakageGridMin(b.dim, b.parties, coefPtr, problems, b.grid, b.objective === 'conditional' ? 1 : 0,
      minPtr, argPtr, scratchPtr);
    const after = this.ex.memory.buffer;
    min.set(new Float64Array(after, minPtr, problems));
    arg.set(new Float64Array(after, argPtr, problems * n));
    return { min, arg };
  }

  /** Bytes of linear memory currently reserved (for diagnostics). */
  memoryBytes(): number {
    return this.ex.memory.buffer.byteLength;
  }

}
