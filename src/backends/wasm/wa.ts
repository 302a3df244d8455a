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
