/**
 * WebGPU backend: WGSL f32 compute shaders (shaders/*.wgsl). In Node the GPU comes from the
 * `webgpu` package (Dawn, e.g. on Mesa lavapipe); in browsers from navigator.gpu, unchanged.
 * Kernels, one file each: 'leakage-objective' (f32 screen precision, ./leakage-objective.ts), 'leakage-grid-screen' (best-K
 * reduction in the shader) and 'amplified-screen' (amplified-line photon-number encoding,
 * ./amplified-screen.ts); ./leakage-grid-screen.ts. f32 only (SPEC 4): callers refine / re-evaluate in f64.
 * Every failure (no adapter, device lost, shader error) throws, so the registry / caller can
 * fall back for that batch; a lost device is re-acquired on the next run.
 */
import type { Backend, RunOptions } from '../backend.js';
import { KERNELS, UnsupportedKernelError, throwIfAborted } from '../kernels.js';
import type { LeakageObjectiveBatch } from '../../kernels/leakage-objective/spec.js';
import type { LeakageGridScreenInput } from '../../kernels/leakage-grid-screen/spec.js';
import type { AmplifiedScreenInput } from '../../kernels/amplified-screen/spec.js';
import { runAmplifiedScreen, type AmplifiedScreenSettings } from './amplified-screen.js';
import { runLeakageObjective } from './leakage-objective.js';
import { runLeakageGridScreen } from './leakage-grid-screen.js';
import { BU, type GpuContext } from './context.js';

const MAP_READ = 0x1; // WebGPU enum values (spec constants), so no globals are needed

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

  const ctx: GpuContext = { acquire, pipeline, buffer, readBack, limits: () => lim!, beforeDispatch: opts.beforeDispatch };
  // one file per kernel: ./leakage-objective.ts, ./leakage-grid-screen.ts, ./amplified-screen.ts
  const kernels: Record<string, (input: unknown, o?: RunOptions) => Promise<unknown>> = {
    [KERNELS.leakageObjective]: (i, o) => runLeakageObjective(ctx, i as LeakageObjectiveBatch, o),
    [KERNELS.leakageGridScreen]: (i, o) => runLeakageGridScreen(ctx, i as LeakageGridScreenInput, opts.pointsPerThread ?? 64, o),
    [KERNELS.amplifiedScreen]: (i, o) => runAmplifiedScreen(ctx, i as AmplifiedScreenInput, opts.amplified ?? {}, o),
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
