/**
 * gpu.js comparison backend for the leakage gamma-grid screen ('leakage-grid-screen').
 * gpu.js 2.24 emits one output per thread (no workgroup memory), so a kernel evaluates F
 * ([L] Eqs. 25-29, formula in src/kernels/leakage-objective/spec.ts) for a chunk of grid points
 * and the best K are kept on the host. In Node without the optional `gl` package only mode
 * 'cpu' works (a JS loop writing a Float32Array); in browsers it uses WebGL. Verdict in
 * docs/webgpu.md: kept as a comparison only (slower than the reference in Node).
 */
import { createRequire } from 'node:module';
import type { Backend, RunOptions } from '../backend.js';
import { UnsupportedKernelError, throwIfAborted } from '../kernels.js';
import {
  LEAKAGE_GRID_SCREEN,
  cellModulus,
  checkGridScreenShape,
  type LeakageGridScreenInput,
  type LeakageGridScreenOutput,
} from '../../kernels/leakage-grid-screen/spec.js';
import { topKInsert } from '../../kernels/leakage-grid-screen/reference.js';

interface GpuLike {
  mode: string;
  createKernel(fn: unknown): KernelLike;
  destroy(): void;
}
interface KernelLike {
  setOutput(o: number[]): KernelLike;
  setLoopMaxIterations(n: number): KernelLike;
  setConstants(c: Record<string, number>): KernelLike;
  (...args: unknown[]): Float32Array;
}

export interface GpujsBackendOptions {
  /** gpu.js mode ('gpu' | 'cpu' | 'webgl' | 'webgl2' | 'headlessgl'); default 'gpu' (best available). */
  mode?: string;
  /** Grid points per kernel call (default 1 << 20). */
  chunk?: number;
}

/** gpu.js kernel body: F at grid point base + thread.x; plain-JS subset gpu.js can translate. */
function screenKernel(this: { thread: { x: number }; constants: Record<string, number> }, A: number[], B: number[], digits0: number[]): number {
  const n = this.constants.n;
  const d = this.constants.d;
  const N = this.constants.N;
  const G = this.constants.G;
  const step = this.constants.step;
  const invLn2 = 1.4426950408889634;
  // digits of (base + x): add x's base-G digits to the base digits with carry
  let rest = this.thread.x;
  let carry = 0;
  let P = 0;
  let sj = 0;
  // joint sum and P; marginals re-derived below (no local arrays in gpu.js)
  let packed = 0; // index of the point in base G, reused for marginal digits
  let mult = 1;
  for (let a = 0; a < n; a++) {
    const t = digits0[a] + (rest % G) + carry;
    rest = Math.floor(rest / G);
    carry = Math.floor(t / G);
    const k = t % G;
    packed += k * mult;
    mult *= G;
    const w = k * step * A[a] + B[a];
    P += w;
    if (w > 0) sj += w * Math.log(w) * invLn2;
  }
  if (P <= 0) return 0;
  let sm = 0;
  for (let i = 0; i < N; i++) {
    for (let k = 0; k < d; k++) {
      let m = 0;
      let pw = 1;
      for (let j = 0; j < N - 1 - i; j++) pw *= d;
      let rem = packed;
      for (let a = 0; a < n; a++) {
        const g = rem % G;
        rem = Math.floor(rem / G);
        if (Math.floor(a / pw) % d === k) m += g * step * A[a] + B[a];
      }
      if (m > 0) sm += m * Math.log(m) * invLn2;
    }
  }
  const joint = sj - sm + (N - 1) * P * Math.log(P) * invLn2;
  if (this.constants.joint > 0) return joint;
  return joint / P;
}

export function createGpujsBackend(opts: GpujsBackendOptions = {}): Backend & { readonly mode: string | undefined } {
  let gpu: GpuLike | undefined;
  let kernelImpl: string | undefined;
  const chunkSize = opts.chunk ?? 1 << 20;

  async function runScreen(b: LeakageGridScreenInput, o?: RunOptions): Promise<LeakageGridScreenOutput> {
    const { n, problems, total } = checkGridScreenShape(b);
    if (!gpu) throw new Error('gpujs: not initialised');
    const K = b.topK;
    const step = 1 / (b.grid - 1);
    const values = new Float64Array(problems * K).fill(Infinity);
    const index = new Float64Array(problems * K).fill(Infinity);
    const chunk = Math.min(total, chunkSize);
    const kernel = gpu
      .createKernel(screenKernel)
      .setOutput([chunk])
      .setLoopMaxIterations(16)
      .setConstants({ n, d: b.dim, N: b.parties, G: b.grid, step, joint: b.objective === 'joint' ? 1 : 0 });
    for (let p = 0; p < problems; p++) {
      const A = Array.from(b.coef.subarray(p * 2 * n, p * 2 * n + n));
      const B = Array.from(b.coef.subarray(p * 2 * n + n, p * 2 * n + 2 * n));
      for (let base = 0; base < total; base += chunk) {
        throwIfAborted(o?.signal);
        const digits: number[] = [];
        let r = base;
        for (let a = 0; a < n; a++) {
          digits.push(r % b.grid);
          r = Math.floor(r / b.grid);
        }
        const out = kernel(A, B, digits);
        const cnt = Math.min(chunk, total - base);
        for (let i = 0; i < cnt; i++) topKInsert(values, index, p * K, K, out[i]!, base + i);
      }
    }
    const modulus = new Float64Array(problems);
    for (let q = 0; q < problems; q++) modulus[q] = b.objective === 'joint' ? cellModulus(b.dim, b.parties, b.coef, q, step / 2) : NaN;
    return { values, index, step, modulus, precision: 'f32', evaluations: total };
  }

  return {
    name: 'gpujs',
    precision: 'f32',
    get mode() {
      return gpu?.mode;
    },
    get detail() {
      return gpu ? `gpu.js mode ${gpu.mode} (${kernelImpl})` : 'not initialised';
    },
    async init() {
      let mod: { GPU: new (o: { mode?: string }) => GpuLike };
      try {
        mod = createRequire(import.meta.url)('gpu.js') as typeof mod;
      } catch (e) {
        throw new Error(`gpujs: package gpu.js not loadable (${(e as Error).message.split('\n')[0]})`);
      }
      gpu = new mod.GPU({ mode: opts.mode ?? 'gpu' });
      // mode 'gpu' silently runs on the CPU when no GL context exists: record what really runs
      const probe = gpu.createKernel(function (this: { thread: { x: number } }) {
        return this.thread.x;
      }).setOutput([1]) as unknown as { (): Float32Array; kernel?: { constructor: { name: string } } };
      probe();
      const impl = probe.kernel?.constructor.name;
      kernelImpl = impl ?? 'unknown';
    },
    has: (k) => k === LEAKAGE_GRID_SCREEN,
    async run<I, O>(kernel: string, input: I, o?: RunOptions): Promise<O> {
      throwIfAborted(o?.signal);
      if (kernel !== LEAKAGE_GRID_SCREEN) throw new UnsupportedKernelError('gpujs', kernel);
      return (await runScreen(input as LeakageGridScreenInput, o)) as O;
    },
    async dispose() {
      gpu?.destroy();
      gpu = undefined;
    },
  };
}
