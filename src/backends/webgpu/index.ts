/**
 * WebGPU backend: WGSL f32 compute shaders (shaders/*.wgsl). In Node the GPU comes from the
 * `webgpu` package (Dawn, e.g. on Mesa lavapipe); in browsers from navigator.gpu, unchanged.
 * Kernels: 'leakage-objective' (f32 screen precision), 'leakage-grid-screen' (best-K
 * reduction in the shader) and 'amplified-screen' (amplified-line photon-number encoding,
 * ./amplified.ts). f32 only (SPEC 4): callers refine / re-evaluate in f64.
 * Every failure (no adapter, device lost, shader error) throws, so the registry / caller can
 * fall back for that batch; a lost device is re-acquired on the next run.
 */
import type { Backend, RunOptions } from '../backend.js';
import { UnsupportedKernelError, throwIfAborted } from '../kernels.js';
import { checkBatchShape, type LeakageObjectiveBatch } from '../../kernels/leakage-objective/spec.js';
import {
  LEAKAGE_GRID_SCREEN,
  cellModulus,
  checkGridScreenShape,
  gridDigits,
  type LeakageGridScreenInput,
  type LeakageGridScreenOutput,
} from '../../kernels/leakage-grid-screen/spec.js';
import { topKInsert } from '../../kernels/leakage-grid-screen/reference.js';
import { AMPLIFIED_SCREEN, type AmplifiedScreenInput } from '../../kernels/amplified-screen/spec.js';
import { runAmplifiedScreen, type AmplifiedScreenSettings } from './amplified.js';

// WebGPU enum values (spec constants), so no globals are needed.
const BU = { MAP_READ: 0x1, COPY_SRC: 0x4, COPY_DST: 0x8, UNIFORM: 0x40, STORAGE: 0x80 } as const;
const MAP_READ = 0x1;

export interface WebgpuBackendOptions {
  /** Use this GPU object (default: navigator.gpu in browsers, else `webgpu` create([])). */
  gpu?: GPU;
  /** Lower the adapter limits used for batch splitting (tests). */
  limits?: { maxStorageBufferBindingSize?: number; maxComputeWorkgroupsPerDimension?: number };
  /** Replace a shader's source by file name (tests: inject bad WGSL). */
  shaderOverride?: Record<string, string>;
  /** Points each invocation scans in the grid screen (default 64). */
  pointsPerThread?: number;
  /** Quadrature settings / dispatch cap of 'amplified-screen' (src/backends/webgpu/amplified.ts). */
  amplified?: AmplifiedScreenSettings;
  /** Test hook: called before each dispatch (i counts dispatches of this run). */
  beforeDispatch?: (device: GPUDevice, i: number) => void;
}

export interface WebgpuBackend extends Backend {
  /** Adapter description after init() (vendor/architecture/device/description as reported). */
  readonly adapterInfo: Record<string, string> | undefined;
  /** Device in use (tests: destroy() it to simulate device loss). */
  readonly device: GPUDevice | undefined;
  /** Effective split limits. */
  readonly limits: { maxStorageBufferBindingSize: number; maxComputeWorkgroupsPerDimension: number } | undefined;
  /** Reason the device was lost, if it was. */
  readonly lostReason: string | undefined;
}

/**
 * A CPU implementation of WebGPU/Vulkan rather than a GPU: Mesa lavapipe/llvmpipe, SwiftShader,
 * Microsoft WARP, or an adapter that says it is a fallback one. 'auto' never picks such an
 * adapter (it is slower than the wasm pool); `--backend webgpu` still uses it.
 */
export function isSoftwareAdapter(info: Readonly<Record<string, string>>, isFallback = false): boolean {
  if (isFallback) return true;
  if ((info['architecture'] ?? '').toLowerCase() === 'software') return true;
  return /llvmpipe|lavapipe|swiftshader|softpipe|\bwarp\b|basic render driver|software/i.test(
    [info['vendor'], info['device'], info['description']].filter(Boolean).join(' '),
  );
}

let nodeGpu: GPU | undefined;
/** navigator.gpu in browsers; the Dawn node binding otherwise (created once per process). */
export async function getGpu(): Promise<GPU> {
  // test hook: KEYRATE_WEBGPU_ADAPTER=none behaves like a machine without a GPU adapter
  if (typeof process !== 'undefined' && process.env?.['KEYRATE_WEBGPU_ADAPTER'] === 'none') {
    return { requestAdapter: async () => null } as unknown as GPU;
  }
  const nav = (globalThis as { navigator?: { gpu?: GPU } }).navigator;
  if (nav?.gpu) return nav.gpu;
  if (nodeGpu) return nodeGpu;
  let mod: { create: (flags: string[]) => GPU };
  try {
    mod = (await import('webgpu')) as unknown as { create: (flags: string[]) => GPU };
  } catch (e) {
    throw new Error(`no navigator.gpu and the 'webgpu' (Dawn) package is not loadable: ${(e as Error).message.split('\n')[0]}`);
  }
  nodeGpu = mod.create([]);
  return nodeGpu;
}

const shaderCache = new Map<string, string>();
/** Source of shaders/<file> (Node: read from disk; browsers: fetched beside the module tree). */
export async function loadShader(file: string): Promise<string> {
  const hit = shaderCache.get(file);
  if (hit !== undefined) return hit;
  const url = new URL(`../../../shaders/${file}`, import.meta.url);
  let text: string;
  if (url.protocol === 'file:') {
    const fs = await import('node:fs/promises');
    text = await fs.readFile(url, 'utf8');
  } else {
    const r = await fetch(url);
    if (!r.ok) throw new Error(`cannot fetch shader ${url.href}: ${r.status}`);
    text = await r.text();
  }
  shaderCache.set(file, text);
  return text;
}

function f32(a: Float64Array): Float32Array {
  return Float32Array.from(a);
}

export function createWebgpuBackend(opts: WebgpuBackendOptions = {}): WebgpuBackend {
  let adapter: GPUAdapter | undefined;
  let device: GPUDevice | undefined;
  let info: Record<string, string> | undefined;
  let fallbackAdapter = false;
  let lim: { maxStorageBufferBindingSize: number; maxComputeWorkgroupsPerDimension: number } | undefined;
  let lostReason: string | undefined;
  let disposed = false;
  const modules = new Map<string, GPUShaderModule>();
  const pipelines = new Map<string, GPUComputePipeline>();

  async function acquire(): Promise<GPUDevice> {
    if (device && !lostReason) return device;
    const gpu = opts.gpu ?? (await getGpu());
    adapter = (await gpu.requestAdapter({ powerPreference: 'high-performance' })) ?? undefined;
    if (!adapter) throw new Error('webgpu: no GPU adapter (navigator.gpu.requestAdapter() returned null)');
    const ai = adapter.info;
    fallbackAdapter = (ai as { isFallbackAdapter?: boolean } | undefined)?.isFallbackAdapter === true;
    info = {};
    for (const k of ['vendor', 'architecture', 'device', 'description'] as const) {
      const v = ai?.[k];
      if (typeof v === 'string' && v) info[k] = v;
    }
    const L = adapter.limits;
    lim = {
      maxStorageBufferBindingSize: Math.min(L.maxStorageBufferBindingSize, opts.limits?.maxStorageBufferBindingSize ?? Infinity),
      maxComputeWorkgroupsPerDimension: Math.min(L.maxComputeWorkgroupsPerDimension, opts.limits?.maxComputeWorkgroupsPerDimension ?? Infinity),
    };
    const dev = await adapter.requestDevice({
      requiredLimits: {
        maxStorageBufferBindingSize: L.maxStorageBufferBindingSize,
        maxBufferSize: L.maxBufferSize,
        maxComputeWorkgroupsPerDimension: L.maxComputeWorkgroupsPerDimension,
      },
    });
    lostReason = undefined;
    modules.clear();
    pipelines.clear();
    device = dev;
    void dev.lost.then((l) => {
      if (device === dev) lostReason = `device lost (${l.reason}${l.message ? ': ' + l.message : ''})`;
    });
    return dev;
  }

  async function pipeline(dev: GPUDevice, files: string[], entry: string, constants: Record<string, number>): Promise<GPUComputePipeline> {
    const key = `${files.join('+')}#${entry}#${JSON.stringify(constants)}`;
    const hit = pipelines.get(key);
    if (hit) return hit;
    const mkey = files.join('+');
    let mod = modules.get(mkey);
    if (!mod) {
      const parts = await Promise.all(files.map(async (f) => opts.shaderOverride?.[f] ?? (await loadShader(f))));
      dev.pushErrorScope('validation');
      mod = dev.createShaderModule({ code: parts.join('\n') });
      const ci = await mod.getCompilationInfo();
      const err = await dev.popErrorScope();
      const errs = ci.messages.filter((m) => m.type === 'error');
      if (errs.length || err) {
        const msg = errs.map((m) => `${m.lineNum}:${m.linePos} ${m.message}`).join('; ') || err?.message || 'unknown';
        throw new Error(`webgpu: shader ${mkey} failed to compile: ${msg.split('\n')[0]}`);
      }
      modules.set(mkey, mod);
    }
    dev.pushErrorScope('validation');
    const p = dev.createComputePipeline({ layout: 'auto', compute: { module: mod, entryPoint: entry, constants } });
    const err = await dev.popErrorScope();
    if (err) throw new Error(`webgpu: pipeline ${entry} invalid: ${err.message.split('\n')[0]}`);
    pipelines.set(key, p);
    return p;
  }

  function buffer(dev: GPUDevice, data: ArrayBufferView | number, usage: number): GPUBuffer {
    const size = Math.max(16, Math.ceil((typeof data === 'number' ? data : data.byteLength) / 4) * 4);
    const b = dev.createBuffer({ size, usage, mappedAtCreation: typeof data !== 'number' });
    if (typeof data !== 'number') {
      new Uint8Array(b.getMappedRange()).set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
      b.unmap();
    }
    return b;
  }

  /** Submit, copy `src` back, and check for lost device / validation errors. */
  async function readBack(dev: GPUDevice, enc: GPUCommandEncoder, src: GPUBuffer, bytes: number): Promise<ArrayBuffer> {
    const rb = dev.createBuffer({ size: Math.max(16, bytes), usage: BU.MAP_READ | BU.COPY_DST });
    enc.copyBufferToBuffer(src, 0, rb, 0, Math.max(16, bytes));
    dev.pushErrorScope('validation');
    dev.queue.submit([enc.finish()]);
    const verr = await dev.popErrorScope();
    if (verr) throw new Error(`webgpu: validation error: ${verr.message.split('\n')[0]}`);
    try {
      await rb.mapAsync(MAP_READ);
    } catch (e) {
      throw new Error(`webgpu: ${lostReason ?? 'readback failed'} (${(e as Error).message.split('\n')[0]})`);
    }
    if (lostReason) throw new Error(`webgpu: ${lostReason}`);
    const out = rb.getMappedRange().slice(0, bytes);
    rb.unmap();
    rb.destroy();
    return out;
  }

  async function runObjective(b: LeakageObjectiveBatch, opts2?: RunOptions): Promise<Float64Array> {
    const { n, points } = checkBatchShape(b);
    if (n > 9) throw new UnsupportedKernelError('webgpu', `leakage-objective with d^N = ${n} > 9`);
    const dev = await acquire();
    const p = await pipeline(dev, ['leakage-common.wgsl', 'leakage-objective.wgsl'], 'main', {
      D: b.dim, NP: b.parties, NN: n, JOINT: b.objective === 'joint' ? 1 : 0,
    });
    const L = lim!;
    const perDispatch = Math.max(1, Math.min(L.maxComputeWorkgroupsPerDimension * 64, Math.floor(L.maxStorageBufferBindingSize / (4 * n))));
    const coefBuf = buffer(dev, f32(b.coef), BU.STORAGE);
    const res = new Float64Array(points);
    let dispatches = 0;
    try {
      for (let off = 0; off < points; off += perDispatch) {
        throwIfAborted(opts2?.signal);
        const cnt = Math.min(perDispatch, points - off);
        opts.beforeDispatch?.(dev, dispatches++);
        const gBuf = buffer(dev, f32(b.gammas.subarray(off * n, (off + cnt) * n)), BU.STORAGE);
        const pBuf = buffer(dev, b.problemOf.slice(off, off + cnt), BU.STORAGE);
        const oBuf = buffer(dev, cnt * 4, BU.STORAGE | BU.COPY_SRC);
        const uBuf = buffer(dev, new Uint32Array([0, cnt, 0, 0]), BU.UNIFORM);
        const bg = dev.createBindGroup({
          layout: p.getBindGroupLayout(0),
          entries: [uBuf, coefBuf, gBuf, pBuf, oBuf].map((buf, i) => ({ binding: i, resource: { buffer: buf } })),
        });
        const enc = dev.createCommandEncoder();
        const pass = enc.beginComputePass();
        pass.setPipeline(p);
        pass.setBindGroup(0, bg);
        pass.dispatchWorkgroups(Math.ceil(cnt / 64));
        pass.end();
        const out = new Float32Array(await readBack(dev, enc, oBuf, cnt * 4));
        res.set(out, off);
        for (const x of [gBuf, pBuf, oBuf, uBuf]) x.destroy();
      }
    } finally {
      coefBuf.destroy();
    }
    return res;
  }

  async function runScreen(b: LeakageGridScreenInput, opts2?: RunOptions): Promise<LeakageGridScreenOutput> {
    const { n, problems, total } = checkGridScreenShape(b);
    const dev = await acquire();
    const K = b.topK;
    const ppt = opts.pointsPerThread ?? 64;
    const consts = { D: b.dim, NP: b.parties, NN: n, JOINT: b.objective === 'joint' ? 1 : 0, K, PPT: ppt };
    const files = ['leakage-common.wgsl', 'leakage-grid-screen.wgsl'];
    const p1 = await pipeline(dev, files, 'pass1', consts);
    const p2 = await pipeline(dev, files, 'pass2', consts);
    const L = lim!;
    const step = 1 / (b.grid - 1);
    // Split: problems per dispatch (y dimension, coef + final buffers) and chunk of grid points
    // (x dimension: workgroups <= maxWG; candidate buffer problems*wg*K*8 <= maxStorage).
    const maxWG = L.maxComputeWorkgroupsPerDimension;
    const maxBytes = L.maxStorageBufferBindingSize;
    const probPer = Math.max(1, Math.min(problems, maxWG, Math.floor(maxBytes / (K * 8)), Math.floor(maxBytes / (2 * n * 4))));
    const values = new Float64Array(problems * K).fill(Infinity);
    const index = new Float64Array(problems * K).fill(Infinity);
    let dispatches = 0;
    for (let p0 = 0; p0 < problems; p0 += probPer) {
      const np = Math.min(probPer, problems - p0);
      const wgMax = Math.max(1, Math.min(maxWG, Math.floor(maxBytes / (np * K * 8)), Math.floor(0xffffffff / (64 * ppt))));
      const chunk = Math.min(total, wgMax * 64 * ppt);
      const coefBuf = buffer(dev, f32(b.coef.subarray(p0 * 2 * n, (p0 + np) * 2 * n)), BU.STORAGE);
      try {
        for (let base = 0; base < total; base += chunk) {
          throwIfAborted(opts2?.signal);
          const cnt = Math.min(chunk, total - base);
          opts.beforeDispatch?.(dev, dispatches++);
          const wg = Math.ceil(cnt / (64 * ppt));
          const prm = new ArrayBuffer(16 + 48);
          const u = new Uint32Array(prm);
          u[0] = b.grid;
          u[1] = cnt;
          u[2] = wg;
          new Float32Array(prm, 12, 1)[0] = step;
          u.set(Array.from(gridDigits(base, b.grid, n)), 4);
          const uBuf = buffer(dev, u, BU.UNIFORM);
          const cBuf = buffer(dev, np * wg * K * 8, BU.STORAGE);
          const fBuf = buffer(dev, np * K * 8, BU.STORAGE | BU.COPY_SRC);
          const entries = [uBuf, coefBuf, cBuf, fBuf].map((buf, i) => ({ binding: i, resource: { buffer: buf } }));
          const enc = dev.createCommandEncoder();
          const pass = enc.beginComputePass();
          pass.setPipeline(p1);
          pass.setBindGroup(0, dev.createBindGroup({ layout: p1.getBindGroupLayout(0), entries: entries.filter((e) => e.binding !== 3) }));
          pass.dispatchWorkgroups(wg, np);
          pass.setPipeline(p2);
          pass.setBindGroup(0, dev.createBindGroup({ layout: p2.getBindGroupLayout(0), entries: entries.filter((e) => e.binding !== 1) }));
          pass.dispatchWorkgroups(np);
          pass.end();
          const raw = await readBack(dev, enc, fBuf, np * K * 8);
          const fv = new Float32Array(raw);
          const iv = new Uint32Array(raw);
          for (let q = 0; q < np; q++) {
            for (let k = 0; k < K; k++) {
              const li = iv[(q * K + k) * 2 + 1]!;
              if (li === 0xffffffff) continue;
              topKInsert(values, index, (p0 + q) * K, K, fv[(q * K + k) * 2]!, base + li);
            }
          }
          for (const x of [uBuf, cBuf, fBuf]) x.destroy();
        }
      } finally {
        coefBuf.destroy();
      }
    }
    const modulus = new Float64Array(problems);
    for (let q = 0; q < problems; q++) modulus[q] = b.objective === 'joint' ? cellModulus(b.dim, b.parties, b.coef, q, step / 2) : NaN;
    return { values, index, step, modulus, precision: 'f32', evaluations: total };
  }

  const kernels: Record<string, (input: unknown, o?: RunOptions) => Promise<unknown>> = {
    'leakage-objective': (i, o) => runObjective(i as LeakageObjectiveBatch, o),
    [LEAKAGE_GRID_SCREEN]: (i, o) => runScreen(i as LeakageGridScreenInput, o),
    [AMPLIFIED_SCREEN]: (i, o) =>
      runAmplifiedScreen(
        { acquire, pipeline, buffer, readBack, limits: () => lim!, beforeDispatch: opts.beforeDispatch },
        i as AmplifiedScreenInput,
        opts.amplified ?? {},
        o,
      ),
  };

  return {
    name: 'webgpu',
    precision: 'f32',
    get detail() {
      if (!info) return 'not initialised';
      return `WGSL f32, ${Object.values(info).join(' / ') || 'adapter (no info)'}`;
    },
    get adapterInfo() {
      return info;
    },
    get software() {
      return info ? isSoftwareAdapter(info, fallbackAdapter) : undefined;
    },
    get device() {
      return device;
    },
    get limits() {
      return lim;
    },
    get lostReason() {
      return lostReason;
    },
    async init() {
      disposed = false;
      await acquire();
    },
    has: (k) => k in kernels,
    async run<I, O>(kernel: string, input: I, o?: RunOptions): Promise<O> {
      throwIfAborted(o?.signal);
      if (disposed) throw new Error('webgpu: backend disposed');
      const k = kernels[kernel];
      if (!k) throw new UnsupportedKernelError('webgpu', kernel);
      return (await k(input, o)) as O;
    },
    async dispose() {
      disposed = true;
      const d = device;
      device = undefined;
      lostReason = 'disposed';
      modules.clear();
      pipelines.clear();
      d?.destroy();
    },
  };
}
