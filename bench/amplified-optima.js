// The default photon-number optimiser over the best-known optima table
// (test/fixtures/amplified/optima.json): per row the optimum reached against the table, its status,
// the evaluations it took and its wall time (wasm, one thread). A search-option variant is compared
// by passing it: `node bench/amplified-optima.js '{"stall": 1e-6}'` (merged over the defaults).
// The evaluation counts are machine-independent; the times are not (the machines are noisy).
// Needs `npm run build`. --json prints the rows as JSON.
import { existsSync, readFileSync } from 'node:fs';

if (!existsSync(new URL('../dist/index.js', import.meta.url))) {
  console.error('keyrate optima bench: dist/ missing, run `npm run build` first');
  process.exit(2);
}
const { amplified, createEvaluator } = await import('../dist/index.js');
const args = process.argv.slice(2);
const json = args.includes('--json');
const given = args.find((a) => a.startsWith('{'));
let optimize = {};
try {
  optimize = given ? JSON.parse(given) : {};
} catch {
  console.error(`keyrate optima bench: search options must be a JSON object, got ${given}`);
  process.exit(2);
}
const table = JSON.parse(readFileSync(new URL('../test/fixtures/amplified/optima.json', import.meta.url), 'utf8')).optima;
const ev = await createEvaluator(amplified.AMPLIFIED_KERNELS, { backend: 'wasm', workers: 1, log: () => {} });
const rows = [];
for (const o of table) {
  const t = performance.now();
  const r = await amplified.rate({ encoding: 'photon-number', distance: o.distance, eveAt: o.eveAt, leak: o.leak, evaluator: ev, optimize });
  const s = (performance.now() - t) / 1000;
  const rel = o.status === 'no-key' ? null : (r.rate - o.rate) / Math.abs(o.rate);
  rows.push({ distance: o.distance, eveAt: o.eveAt, leak: o.leak, best: o.rate, bestStatus: o.status, rate: r.rate, rel, status: r.status, evaluations: r.evaluations, starts: r.search?.starts, s });
}
await ev.close();
if (json) {
  console.log(JSON.stringify({ optimize, rows }, null, 1));
} else {
  console.log(`# default photon-number optimiser over the best-known table; options ${JSON.stringify(optimize)}`);
  console.log('| D_AB km | D_AE km | rE | best known | reached | rel. diff | status (table) | evaluations | starts | s |');
  console.log('|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|');
  for (const r of rows) {
    console.log(`| ${r.distance} | ${r.eveAt} | ${r.leak} | ${r.best.toPrecision(8)} | ${r.rate.toPrecision(8)} | ${r.rel === null ? '-' : r.rel.toExponential(1)} | ${r.status} (${r.bestStatus}) | ${r.evaluations} | ${r.starts} | ${r.s.toFixed(2)} |`);
  }
  const within = rows.every((r) => r.rel === null ? r.status === 'no-key' : Math.abs(r.rel) <= 1e-4);
  console.log(`total evaluations ${rows.reduce((a, r) => a + r.evaluations, 0)}, ${rows.reduce((a, r) => a + r.s, 0).toFixed(1)} s; every row within 1e-4 of the table (no-key rows no-key): ${within}`);
}
