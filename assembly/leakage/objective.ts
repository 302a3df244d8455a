// Placeholder kernel so the AssemblyScript build has an entry; replaced by the leakage objective kernel.
export function kernelAbiVersion(): i32 { return 1; }
