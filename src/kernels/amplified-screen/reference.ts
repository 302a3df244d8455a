/**
 * Plain-TypeScript (f64) twin of the 'amplified-screen' kernel (spec.ts): the same outputs as
 * shaders/amplified-screen.wgsl, from the f64 separable photon-number kernel
 * (src/kernels/pn-separable/reference.ts, the 'exact' method at PN_ALPHA nodes):
 *   logPba[4i + 2a + b] = log p(b|a);  logPCheckEve[2i + a] = log of Eve's trace of Eq. 104
 *   before normalisation (= log p(check|a) + log of pn-separable's relative trace);  chi, rate;
 *   valid by the amplified-rate validity rule; resolved = 1 (f64 resolves every valid point).
 * Its precision is f64: it is the reference the f32 shader is checked against (test/conformance).
 */
import { pnSeparable } from '../pn-separable/reference.js';
import { PN_ALPHA } from '../pn-separable/spec.js';
import { AMPLIFIED_SCREEN_STRIDE, amplifiedPointValid, checkAmplifiedScreenShape, emptyAmplifiedScreenOutput, type AmplifiedScreenInput, type AmplifiedScreenOutput } from './spec.js';

export function amplifiedScreenReference(input: AmplifiedScreenInput): AmplifiedScreenOutput {
  const n = checkAmplifiedScreenShape(input);
  const out = emptyAmplifiedScreenOutput(n, 'f64');
  const { G1, G2, leak } = input.fixed;
  for (let i = 0; i < n; i++) {
    if (!amplifiedPointValid(input.points, i)) continue;
    out.valid[i] = 1;
    const o = i * AMPLIFIED_SCREEN_STRIDE;
    const p = input.points;
    const r = pnSeparable({ p0: p[o]!, p1: p[o + 1]!, t1: p[o + 2]!, t2: p[o + 3]!, t3: p[o + 4]!, t4: p[o + 5]!, G1, G2, leak, alpha: PN_ALPHA });
    for (let j = 0; j < 4; j++) out.logPba[4 * i + j] = Math.log(r.pba[j]!);
    for (let a = 0; a < 2; a++) out.logPCheckEve[2 * i + a] = Math.log(r.trace[a]!) + Math.log(r.pba[2 * a]! + r.pba[2 * a + 1]!);
    out.chi[i] = r.chi;
    out.rate[i] = r.rate;
    out.resolved[i] = 1;
  }
  return out;
}
