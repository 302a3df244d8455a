/**
 * Locating, compiling and feature-detecting the keyrate WASM modules (build/wasm/, produced by
 * `npm run build:wasm`). Works from the TypeScript sources (src/) and the compiled output (dist/):
 * both sit three directories below the package root.
 */
import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { WA, type WasmModule } from './wa.js';

export type WasmFlavor = 'simd' | 'scalar';

/** Package root (…/keyrate), from src/backends/wasm or dist/backends/wasm. */
export function packageRoot(): string {
  return path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
}

/** Default path of a flavor's module. */
export function wasmPath(flavor: WasmFlavor): string {
  return path.join(packageRoot(), 'build', 'wasm', flavor === 'simd' ? 'keyrate.simd.wasm' : 'keyrate.wasm');
}

// (module (func (result v128) v128.const i64x2 0 0)): validates only where Wasm SIMD is supported.
const SIMD_PROBE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7b, 0x03,
  0x02, 0x01, 0x00, 0x0a, 0x16, 0x01, 0x14, 0x00, 0xfd, 0x0c, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
  0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0b,
]);

/** True when this engine validates a module using Wasm fixed-width SIMD (v128). */
export function simdSupported(): boolean {
  try {
    return WA.validate(SIMD_PROBE);
  } catch {
    return false;
  }
}

export interface CompiledKernelModule {
  module: WasmModule;
  flavor: WasmFlavor;
  file: string;
  /** Why the SIMD flavor was not taken (undefined when it was). */
  simdSkipped?: string;
}

export interface CompileOptions {
  /** 'auto' (default): SIMD when the engine supports it and the file exists, else scalar. */
  flavor?: WasmFlavor | 'auto';
  /** Override the directory holding keyrate.wasm / keyrate.simd.wasm (tests; default: the
   *  KEYRATE_WASM_DIR environment variable, else <package>/build/wasm). */
  dir?: string;
}

/** Compile the best available module flavor. Throws (with the path) when no module can be loaded. */
export async function compileKernelModule(opts: CompileOptions = {}): Promise<CompiledKernelModule> {
  const want = opts.flavor ?? 'auto';
  const dir = opts.dir ?? process.env['KEYRATE_WASM_DIR'];
  const file = (f: WasmFlavor): string =>
    dir ? path.join(dir, f === 'simd' ? 'keyrate.simd.wasm' : 'keyrate.wasm') : wasmPath(f);
  let simdSkipped: string | undefined;
  if (want !== 'scalar') {
    if (!simdSupported()) simdSkipped = 'this engine does not validate Wasm SIMD';
    else if (!existsSync(file('simd'))) simdSkipped = `${file('simd')} not found`;
    else {
      try {
        const module = await WA.compile(await readFile(file('simd')));
        return { module, flavor: 'simd', file: file('simd') };
      } catch (e) {
        simdSkipped = `SIMD module failed to compile: ${(e as Error).message}`;
      }
    }
    if (want === 'simd') throw new Error(`wasm SIMD flavor unavailable: ${simdSkipped}`);
  }
  const f = file('scalar');
  if (!existsSync(f)) throw new Error(`${f} not found (run npm run build:wasm)`);
  const module = await WA.compile(await readFile(f));
  return { module, flavor: 'scalar', file: f, simdSkipped };
}
