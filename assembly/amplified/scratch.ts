// Bump stack for the amplified kernel's temporaries (quadrature panels, Fock components), in the
// module's linear memory from the address the host passes (above its own buffers). Grows memory
// when needed (the host re-creates its views after every call, see src/backends/wasm/amplified.ts).

let sp: usize = 0;

/** Start the stack at `base` (16-byte aligned by the caller). */
export function resetStack(base: usize): void {
  sp = base;
}

/** Current top (to release everything pushed after it with popTo). */
export function markStack(): usize {
  return sp;
}

export function popTo(mark: usize): void {
  sp = mark;
}

/** Reserve `bytes` (rounded up to 16), growing memory when needed. */
export function push(bytes: usize): usize {
  const p = sp;
  sp = (sp + bytes + 15) & ~(<usize>15);
  const have = (<usize>memory.size()) << 16;
  if (sp > have) {
    const pages = <i32>((sp - have + 0xffff) >> 16);
    if (memory.grow(pages) < 0) unreachable();
  }
  return p;
}
