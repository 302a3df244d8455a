/** Kernel names (src/kernels/names.ts) and the errors backends throw. */
export { KERNELS, type KernelName } from '../kernels/names.js';

/** Error a backend throws for a kernel it does not implement. */
export class UnsupportedKernelError extends Error {
  override readonly name = 'UnsupportedKernelError';
  constructor(backend: string, kernel: string) {
    super(`backend ${backend} has no kernel ${kernel}`);
  }
}

/** Throw the signal's reason (or an AbortError) when it is aborted. */
export function throwIfAborted(signal?: AbortSignal): void {
  if (signal?.aborted) {
    const r: unknown = signal.reason;
    throw r instanceof Error ? r : Object.assign(new Error('operation aborted'), { name: 'AbortError' });
  }
}
