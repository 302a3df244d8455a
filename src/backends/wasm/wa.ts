/**
 * Minimal typings for the global WebAssembly API (the project's tsconfig has no DOM lib and
 * @types/node 20 does not declare it). Only what keyrate uses.
 */
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
/** Opaque compiled module (structured-cloneable to worker threads). */
export interface WasmModule {
  readonly __wasmModule?: never;
}
export interface WasmInstance {
  readonly exports: Record<string, unknown>;
}
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  compile(bytes: Uint8Array): Promise<WasmModule>;
  Module: { new (bytes: Uint8Array): WasmModule };
  Instance: { new (module: WasmModule, imports: Record<string, unknown>): WasmInstance };
}
export const WA: WasmApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

/** Wasm page size (bytes). */
export const WASM_PAGE = 65536;
/** Round a byte offset up to 16 (v128 alignment). */
export const align16 = (x: number): number => (x + 15) & ~15;

/** Grow `memory` to hold at least `bytes`, geometrically (x1.5) so a stream of slightly larger
 *  batches does not grow it on every call. Views on the old buffer are detached afterwards. */
export function ensureMemory(memory: WasmMemory, bytes: number): void {
  const have = memory.buffer.byteLength;
  if (bytes <= have) return;
  memory.grow(Math.ceil((Math.max(bytes, have * 1.5) - have) / WASM_PAGE));
}
