// Throughput of the special functions: TS reference (src/special) vs the wasm port
// (build/wasm/keyrate.wasm), same inputs, one thread, one run (SPEC 5: ratios, not assertions).
// Run: `npm run build:wasm && npx tsx bench/special.ts [--n 20000]`.
import { readFileSync } from 'node:fs';
import * as S from '../src/special/index.js';

const nArg = process.argv.indexOf('--n');
const N = nArg >= 0 ? Number(process.argv[nArg + 1]) : 20000;
const { instance } = await WebAssembly.instantiate(readFileSync(new URL('../build/wasm/keyrate.wasm', import.meta.url)), {
  env: { abort: () => { throw new Error('wasm abort'); } },
});
const W = instance.exports as Record<string, (...a: number[]) => number>;

let seed = 7;
const rnd = (): number => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
const logU = (lo: number, hi: number): number => Math.exp(Math.log(lo) + rnd() * Math.log(hi / lo));
const cases: [string, number[][]][] = [
  ['lgamma', Array.from({ length: N }, () => [logU(1e-3, 1e7)])],
  ['gammaQ (x ~ a, a to 1e7)', Array.from({ length: N }, () => { const a = logU(1, 1e7); return [a, Math.max(0, a + (rnd() - 0.5) * 4 * Math.sqrt(a))]; })],
  ['logGammaQ (tails)', Array.from({ length: N }, () => { const a = logU(1, 1e5); return [a, a * logU(0.05, 20)]; })],
  ['poissonCdfWindow (mean to 3e5)', Array.from({ length: N }, () => { const m = logU(1, 3e5); const lo = m - 3 * Math.sqrt(m) * rnd(); return [lo, lo + 3 * Math.sqrt(m) * rnd(), m]; })],
  ['logI0 (to 1e9)', Array.from({ length: N }, () => [logU(1e-3, 1e9)])],
  ['erfcx', Array.from({ length: N }, () => [(rnd() - 0.2) * 30])],
  ['logHyp1f1 (a = n+1, b = 1/2, 3/2, z to 1e7)', Array.from({ length: N / 20 }, () => [Math.floor(logU(1, 1e4)) + 1, rnd() < 0.5 ? 0.5 : 1.5, logU(1e-2, 1e7)])],
];
const fnName = (label: string): string => label.split(' ')[0];

function time(f: (...a: number[]) => number, args: number[][]): number {
  let sink = 0;
  for (const a of args.slice(0, 200)) sink += f(...a); // warm-up
  const t0 = performance.now();
  for (let r = 0; r < 3; r++) for (const a of args) sink += f(...a);
  const dt = (performance.now() - t0) / (3 * args.length);
  if (sink === 12345.678) console.log(''); // keep sink alive
  return dt * 1e6; // ns per call
}

console.log('| function | calls | TS ns/call | wasm ns/call | wasm/TS |');
console.log('|---|---|---|---|---|');
for (const [label, args] of cases) {
  const name = fnName(label);
  const ts = time((S as unknown as Record<string, (...a: number[]) => number>)[name], args);
  const wa = time(W[name], args);
  console.log(`| ${label} | ${args.length} | ${ts.toFixed(0)} | ${wa.toFixed(0)} | ${(wa / ts).toFixed(2)} |`);
}
