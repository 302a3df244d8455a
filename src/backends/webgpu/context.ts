/** What createWebgpuBackend (./index.ts) lends each kernel's host code (./<kernel>.ts): device,
 *  cached pipelines, buffers, readback with loss/validation checks, the effective split limits. */
export const BU = { MAP_READ: 0x1, COPY_SRC: 0x4, COPY_DST: 0x8, UNIFORM: 0x40, STORAGE: 0x80 } as const;

/** What the backend lends the kernel (closures of createWebgpuBackend). */
export interface GpuContext {
  acquire(): Promise<GPUDevice>;
  pipeline(dev: GPUDevice, files: string[], entry: string, constants: Record<string, number>): Promise<GPUComputePipeline>;
  buffer(dev: GPUDevice, data: ArrayBufferView | number, usage: number): GPUBuffer;
  readBack(dev: GPUDevice, enc: GPUCommandEncoder, src: GPUBuffer, bytes: number): Promise<ArrayBuffer>;
  limits(): { maxStorageBufferBindingSize: number; maxComputeWorkgroupsPerDimension: number };
  beforeDispatch?: (device: GPUDevice, i: number) => void;
}


/** f64 inputs rounded to the shaders' f32. */
export function f32(a: Float64Array): Float32Array {
  return Float32Array.from(a);
}
