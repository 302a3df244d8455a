/**
 * WebGPU test gate: one backend per test file. No adapter -> the file's tests skip with ONE
 * line saying why, unless KEYRATE_REQUIRE_WEBGPU=1 (CI with lavapipe), where that is a failure.
 */
import { createWebgpuBackend, type WebgpuBackend, type WebgpuBackendOptions } from '../../src/backends/webgpu/index.js';
import { mulberry32 } from '../../src/util/prng.js';
export { mulberry32 as rng };

export async function openWebgpu(opts: WebgpuBackendOptions = {}): Promise<WebgpuBackend | undefined> {
  const be = createWebgpuBackend(opts);
  try {
    await be.init();
    return be;
  } catch (e) {
    const why = (e as Error).message.split('\n')[0];
    if (process.env.KEYRATE_REQUIRE_WEBGPU === '1') throw new Error(`KEYRATE_REQUIRE_WEBGPU=1 but WebGPU is unavailable: ${why}`);
    console.warn(`webgpu tests skipped: ${why} (install Mesa lavapipe: scripts/install-lavapipe.sh)`);
    return undefined;
  }
}


/**
 * Random problems shaped like [L]'s: A_a = q L p_sep(a), B_a = K p_ent(a) with p_sep, p_ent
 * probability vectors, q in (0,1), L in (0,1) (spec.ts of leakage-objective), so sum(A+B) <= 1.
 */
export function randomCoef(n: number, problems: number, r: () => number): Float64Array {
  const coef = new Float64Array(problems * 2 * n);
  for (let p = 0; p < problems; p++) {
    const q = 0.05 + 0.9 * r();
    const L = 0.05 + 0.9 * r();
    const ps = Array.from({ length: n }, () => r() + (r() < 0.2 ? 0 : 0.05));
    const pe = Array.from({ length: n }, () => r());
    const ss = ps.reduce((x, y) => x + y, 0);
    const se = pe.reduce((x, y) => x + y, 0);
    for (let a = 0; a < n; a++) {
      coef[p * 2 * n + a] = (q * L * ps[a]!) / ss;
      coef[p * 2 * n + n + a] = ((1 - q) * (1 - L) * pe[a]!) / se;
    }
  }
  return coef;
}
