// keyrate WASM kernels (AssemblyScript, f64). Entry point: re-exports every kernel module.
// Build: `npm run build:wasm` -> build/wasm/keyrate.wasm (scalar) and keyrate.simd.wasm (f64x2).
export * from './leakage/objective';
export * from './leakage/gridmin';
export * from './special/index';
export { amplifiedRateBatch, amplifiedLastError } from './amplified/rate';
