/**
 * WASM backend: AssemblyScript kernels (assembly/) compiled to build/wasm/keyrate.simd.wasm
 * (f64x2) or build/wasm/keyrate.wasm (scalar), chosen by a SIMD validation probe. f64 throughout.
 */
import type { Backend, RunOptions } from '../backend.js';
import { KERNELS, UnsupportedKernelError, throwIfAborted } from '../kernels.js';
import type { LeakageObjectiveBatch } from '../../kernels/leakage-objective/spec.js';
import type { LeakageGridMinInput } from '../../kernels/leakage-grid-min/spec.js';
import { WasmLeakageKernel } from './leakage.js';
import { WasmAmplifiedKernel } from './amplified-rate.js';
import type { AmplifiedRateInput } from '../../kernels/amplified-rate/spec.js';
import { InputError } from '../../errors.js';
import { compileKernelModule, type CompiledKernelModule, type WasmFlavor } from './load.js';
import type { WasmModule } from './wa.js';

export { WasmLeakageKernel, KERNEL_ABI_VERSION } from './leakage.js';
export { WasmAmplifiedKernel, type AmplifiedDiagnostics } from './amplified-rate.js';
export { compileKernelModule, simdSupported, wasmPath, type WasmFlavor, type CompiledKernelModule } from './load.js';
export type { WasmModule } from './wa.js';

export interface WasmBackendOptions {
  /** 'auto' (default): SIMD when supported, else scalar. */
  flavor?: WasmFlavor | 'auto';
  /** Directory holding keyrate.wasm / keyrate.simd.wasm (default: <package>/build/wasm). */
  dir?: string;
  /** Use this compiled module instead of loading one (tests, pools sharing one compile). */
  module?: WasmModule;
}

export interface WasmBackend extends Backend {
  /** Flavor actually loaded; undefined before init(). */
  readonly flavor: WasmFlavor | undefined;
  /** The compiled module (for handing to pool workers); undefined before init(). */
  readonly module: WasmModule | undefined;
}

export function createWasmBackend(opts: WasmBackendOptions = {}): WasmBackend {
  let compiled: CompiledKernelModule | undefined;
  let kernel: WasmLeakageKernel | undefined;
  // 'amplified-rate' (assembly/amplified): its own instance; absent from a module built before it
  let amplified: WasmAmplifiedKernel | undefined;
  let amplifiedMissing: string | undefined;
  const initAmplified = (module: WasmModule): void => {
    try {
      amplified = WasmAmplifiedKernel.fromModule(module);
    } catch (e) {
      amplified = undefined;
      amplifiedMissing = (e as Error).message;
    }
  };
  let flavor: WasmFlavor | undefined;
  const backend: WasmBackend = {
    name: 'wasm',
    precision: 'f64',
    get flavor() {
      return flavor;
    },
    get module() {
      return compiled?.module;
    },
    get label() {
      return flavor ? `wasm-${flavor}` : 'wasm';
    },
    get detail() {
      if (!compiled) return 'not initialised';
      return `${compiled.flavor}, ${compiled.file}` + (compiled.simdSkipped ? ` (simd skipped: ${compiled.simdSkipped})` : '') +
        (amplifiedMissing ? ` (no amplified-rate: ${amplifiedMissing})` : '');
    },
    async init() {
      if (opts.module) {
        kernel = WasmLeakageKernel.fromModule(opts.module);
        flavor = kernel.simd ? 'simd' : 'scalar';
        compiled = { module: opts.module, flavor, file: '(injected module)' };
        initAmplified(opts.module);
        return;
      }
      compiled = await compileKernelModule({ flavor: opts.flavor, dir: opts.dir });
      kernel = WasmLeakageKernel.fromModule(compiled.module);
      flavor = compiled.flavor;
      initAmplified(compiled.module);
    },
    has: (k: string) => k === KERNELS.leakageObjective || k === KERNELS.leakageGridMin ||
      (k === KERNELS.amplifiedRate && amplified !== undefined),
    async run<I, O>(k: string, input: I, ro?: RunOptions): Promise<O> {
      throwIfAborted(ro?.signal);
      return backend.runSync!<I, O>(k, input);
    },
    runSync<I, O>(k: string, input: I): O {
      if (!kernel) throw new Error('wasm backend used before init()');
      if (k === KERNELS.leakageObjective) return kernel.evaluate(input as LeakageObjectiveBatch) as O;
      if (k === KERNELS.leakageGridMin) return kernel.gridMin(input as LeakageGridMinInput) as O;
      if (k === KERNELS.amplifiedRate && amplified) {
        try {
          return amplified.run(input as AmplifiedRateInput) as O;
        } catch (e) {
          // a trapped instance is not reused: the next batch gets a fresh one
          if (!(e instanceof InputError) && compiled) initAmplified(compiled.module);
          throw e;
        }
      }
      throw new UnsupportedKernelError('wasm', k);
    },
    async dispose() {
      kernel = undefined;
      amplified = undefined;
    },
  };
  return backend;
}
