#!/usr/bin/env node
// Peer baseline bench (issue #10): keyrate's photon-number Lf/L against an independent vectorised
// numpy/scipy implementation (bench/peer/amplified_pn.py), in ONE run on the same points:
//   peer       python3 bench/peer/run_peer.py, spawned once; timed inside python (perf_counter),
//              so interpreter start-up is excluded; BLAS pinned to one thread like keyrate's rows
//   reference  evaluateBatch (dist/models/amplified/kernels.js), method 'exact', tol 1e-15
//   wasm       WasmAmplifiedKernel.evaluateBatch, flavours simd and scalar
// Points: the five issue-#10 points and 8 deterministic perturbations of each (45 points; the
// target workload is the mean over them). Optimize rows (skipped with --quick): the peer's
// L-BFGS-B multi-start against keyrate's `rate({ evaluator })` on wasm, each optimum re-evaluated on
// the other side. Run after `npm run build`: `node bench/amplified-peer.js [--quick] [--json]`
// (also --python BIN, --ref-repeats N, --wasm-repeats N, --peer-repeats N, --workers N for the CLI row).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';

const argv = process.argv.slice(2);
const QUICK = argv.includes('--quick');
const JSON_OUT = argv.includes('--json');
const opt = (name, def) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : def;
};
const PY = opt('python', process.env.PYTHON ?? 'python3');
const REF_REP = Number(opt('ref-repeats', QUICK ? 1 : 2));
const WASM_REP = Number(opt('wasm-repeats', QUICK ? 1 : 3));
const PEER_REP = Number(opt('peer-repeats', QUICK ? 2 : 5));
const WORKERS = Number(opt('workers', Math.min(8, os.availableParallelism())));
const log = JSON_OUT ? () => {} : (...a) => console.error(...a);

if (!existsSync(new URL('../dist/models/amplified/kernels.js', import.meta.url))) {
  console.error('keyrate peer bench: dist/ missing, run `npm run build` first');
  process.exit(2);
}
const { evaluateBatch } = await import('../dist/models/amplified/kernels.js');
const { line } = await import('../dist/models/amplified/channel.js');
const { photonNumberRate } = await import('../dist/models/amplified/photon-number.js');
const { compileKernelModule, simdSupported } = await import('../dist/backends/wasm/load.js');
const { WasmAmplifiedKernel } = await import('../dist/backends/wasm/amplified-rate.js');
const { rate, AMPLIFIED_KERNELS } = await import('../dist/models/amplified/model.js');
const { createEvaluator } = await import('../dist/runtime/evaluator.js');

// (photons p0, p1; windows th1..th4; D_AB km, D_AE km, rE), span 50 km, loss 0.02 dB/km
const BASE = [
  [1e4, 2e4, 2000, 2000, 9000, 12000, 1000, 500, 1e-3],
  [9000, 11000, 40, 40, 400, 400, 1000, 500, 1e-3],
  [300, 700, 20, 20, 200, 200, 1000, 950, 1e-2],
  [2e4, 3e4, 1000, 1000, 8000, 8000, 1000, 500, 1e-4],
  [2e5, 3e5, 5000, 5000, 60000, 60000, 40000, 20000, 1e-5],
];
const OPT_CASES = [
  { distance: 1000, eveAt: 500, rE: 1e-4 },
  { distance: 40000, eveAt: 20000, rE: 1e-5 },
];
const SPAN = 50;
const LOSS = 0.02;

/** Perturbation j = 0..7 of a base point: k = 1..4, s = +-1; photons x (1 + 0.05 k s), windows
 *  x (1 - 0.05 k s) (th1..th4 alike, so th3 >= th1, th4 >= th2 and E0 inside [0, inf) still hold). */
function perturb(b, j) {
  const k = 1 + (j >> 1);
  const s = j % 2 === 0 ? 1 : -1;
  const fp = 1 + 0.05 * k * s;
  const fw = 1 - 0.05 * k * s;
  return [b[0] * fp, b[1] * fp, ...b.slice(2, 6).map((t) => t * fw)];
}

const sets = BASE.map((b, i) => {
  const L = line({ distance: b[6], eveAt: b[7], span: SPAN, loss: LOSS });
  const pts = [b.slice(0, 6), ...Array.from({ length: 8 }, (_, j) => perturb(b, j))];
  return {
    name: `#${i + 1} ${b[0]},${b[1]}; ${b.slice(2, 6).join(',')}; ${b[6]}/${b[7]} km, rE ${b[8]}`,
    short: `#${i + 1}`,
    G1: L.G1, G2: L.G2, leak: b[8], pts,
    fixed: { encoding: 'photon-number', G1: L.G1, G2: L.G2, leak: b[8], method: 'exact', tol: 1e-15 },
  };
});

// ---- keyrate: reference and wasm, per point (mean over repeats) -------------------------------
function timeKernel(evalFn, set, repeats) {
  const out = new Float64Array(1);
  return set.pts.map((p) => {
    const pts = Float64Array.from(p);
    let ms = 0;
    for (let r = 0; r < repeats; r++) {
      const t0 = performance.now();
      evalFn(set.fixed, pts, out);
      ms += performance.now() - t0;
    }
    return { rate: out[0], ms: ms / repeats };
  });
}
const flavours = simdSupported() ? ['simd', 'scalar'] : ['scalar'];
const kernels = {};
for (const f of flavours) kernels[f] = WasmAmplifiedKernel.fromModule((await compileKernelModule({ flavor: f })).module);
// warm-up: one evaluation of each kernel (JIT / wasm tier-up) on a base point
for (const ev of [evaluateBatch, ...flavours.map((f) => kernels[f].evaluateBatch.bind(kernels[f]))]) {
  ev(sets[3].fixed, Float64Array.from(sets[3].pts[0]), new Float64Array(1));
}
const results = sets.map(() => ({}));
for (const [si, set] of sets.entries()) {
  log(`keyrate: set ${set.short} reference x${REF_REP}, wasm x${WASM_REP} ...`);
  results[si].reference = timeKernel(evaluateBatch, set, REF_REP);
  for (const f of flavours) results[si][`wasm ${f}`] = timeKernel((a, b, c) => kernels[f].evaluateBatch(a, b, c), set, WASM_REP);
}

// ---- keyrate optimiser ---------------------------------------------------------------------------
const krOpt = [];
const wasmEvaluator = createEvaluator(AMPLIFIED_KERNELS, { backend: 'wasm', log: () => {} });
if (!QUICK) {
  for (const c of OPT_CASES) {
    log(`keyrate: optimise ${c.distance}/${c.eveAt} km rE ${c.rE} (wasm) ...`);
    const t0 = performance.now();
    const r = await rate({ encoding: 'photon-number', distance: c.distance, eveAt: c.eveAt, leak: c.rE, span: SPAN, loss: LOSS, evaluator: await wasmEvaluator });
    krOpt.push({ ...c, ms: performance.now() - t0, rate: r.rate, converged: r.converged, status: r.status, evaluations: r.evaluations,
      photons: r.params.photons, windows: r.params.windows, search: r.backend.search });
  }
  // the same optimisation as a user runs it: one CLI process, local searches on WORKERS threads
  // (wall time including node start-up and the worker pool; the same result for any number)
  const cli = fileURLToPath(new URL('../bin/keyrate.js', import.meta.url));
  for (const [i, c] of OPT_CASES.entries()) {
    log(`keyrate: optimise ${c.distance}/${c.eveAt} km rE ${c.rE} (CLI, --workers ${WORKERS}) ...`);
    const t0 = performance.now();
    const p = spawnSync(process.execPath, [cli, 'amplified', 'rate', '--encoding', 'photon-number', '--distance', String(c.distance), '--eve-at', String(c.eveAt),
      '--leak', String(c.rE), '--optimize', '--backend', 'wasm', '--workers', String(WORKERS), '--json'], { encoding: 'utf8' });
    const ms = performance.now() - t0;
    const j = p.status === 0 ? JSON.parse(p.stdout) : undefined;
    krOpt[i].cli = j ? { ms, rate: j.rate, status: j.status, same: j.rate === krOpt[i].rate } : { ms: NaN, error: p.stderr.trim().split('\n').pop() };
  }
}

// ---- peer: one spawn -----------------------------------------------------------------------------
const env = { ...process.env, OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1', MKL_NUM_THREADS: '1', PYTHONDONTWRITEBYTECODE: '1' };
delete env.OPENBLAS_CORETYPE;
delete env.OPENBLAS_L2_SIZE;
const peerPoint = (p, set) => ({ photons: p.slice(0, 2), windows: p.slice(2, 6), G1: set.G1, G2: set.G2, rE: set.leak });
const jobs = [{ kind: 'eval', repeats: PEER_REP, warmup: 1, points: sets.flatMap((s) => s.pts.map((p) => peerPoint(p, s))) }];
if (!QUICK) {
  jobs.push({ kind: 'eval', repeats: 1, warmup: 0, points: krOpt.map((o) => {
    const L = line({ distance: o.distance, eveAt: o.eveAt, span: SPAN, loss: LOSS });
    return { photons: o.photons, windows: o.windows, G1: L.G1, G2: L.G2, rE: o.rE };
  }) });
  jobs.push({ kind: 'optimize', cases: OPT_CASES.map((c) => ({ ...c, span: SPAN, loss: LOSS })) });
}
log(`peer: ${PY} bench/peer/run_peer.py (${jobs[0].points.length} points x${PEER_REP}${QUICK ? '' : ', 2 optimisations'}) ...`);
const script = fileURLToPath(new URL('./peer/run_peer.py', import.meta.url));
const t0 = performance.now();
const proc = spawnSync(PY, [script], { input: JSON.stringify({ jobs }), env, encoding: 'utf8', maxBuffer: 64 << 20 });
const peerWallMs = performance.now() - t0;
let peer;
if (proc.status === 0) peer = JSON.parse(proc.stdout);
else {
  console.error(`keyrate peer bench: the peer did not run (${PY}: ${proc.error?.message ?? `exit ${proc.status}`})\n${proc.stderr ?? ''}`);
  console.error('it needs python3 with numpy and scipy (--python BIN); keyrate columns only');
}
const peerEval = peer?.jobs[0].results;
let k = 0;
for (const [si, set] of sets.entries()) results[si].peer = set.pts.map(() => (peerEval ? { rate: peerEval[k].rate, ms: peerEval[k].meanMs, counts: peerEval[k++].counts, identity: peerEval[k - 1].identity } : undefined));

// peer optimum re-evaluated on the keyrate reference (and keyrate's optimum on the peer)
const peerOpt = peer && !QUICK ? peer.jobs[2].results : [];
for (const [i, o] of peerOpt.entries()) {
  const L = line({ distance: o.distance, eveAt: o.eveAt, span: SPAN, loss: LOSS });
  o.referenceAtOptimum = photonNumberRate({ photons: o.photons, windows: o.windows, G1: L.G1, G2: L.G2, leak: o.rE, tol: 1e-15 }, 'exact').rate;
  if (krOpt[i]) krOpt[i].peerAtOptimum = peer.jobs[1].results[i].rate;
}

// ---- summary -------------------------------------------------------------------------------------
const cols = ['peer', 'reference', ...flavours.map((f) => `wasm ${f}`)];
const mean = (a) => a.reduce((x, y) => x + y, 0) / a.length;
const rel = (a, b) => Math.abs(a - b) / Math.max(Math.abs(b), 1e-12);
function summarise(name, rows) {
  const ms = {};
  for (const c of cols) ms[c] = rows.every((r) => r[c]) ? mean(rows.map((r) => r[c].ms)) : NaN;
  let maxRel = 0;
  const pair = {};
  for (const r of rows) {
    const vals = cols.filter((c) => r[c]).map((c) => [c, r[c].rate]);
    for (let i = 0; i < vals.length; i++) for (let j = i + 1; j < vals.length; j++) {
      const d = rel(vals[i][1], vals[j][1]);
      const key = `${vals[i][0]} vs ${vals[j][0]}`;
      pair[key] = Math.max(pair[key] ?? 0, d);
      maxRel = Math.max(maxRel, d);
    }
  }
  return { name, points: rows.length, ms, maxRel, pair };
}
const flat = [];
results.forEach((r, si) => sets[si].pts.forEach((_, i) => flat.push(Object.fromEntries(cols.map((c) => [c, r[c]?.[i]])))));
const rowsBySet = results.map((r, si) => sets[si].pts.map((_, i) => Object.fromEntries(cols.map((c) => [c, r[c]?.[i]]))));
const table = [
  ...rowsBySet.map((rows, si) => summarise(sets[si].name, rows)),
  summarise(`all ${flat.length} points (5 base points + 8 perturbations each)`, flat),
];
const work = results.map((r, si) => ({ set: sets[si].short, ...(r.peer?.[0]?.counts ?? {}) }));
const meta = {
  node: process.version, cpus: os.availableParallelism(), cpuModel: os.cpus()[0]?.model, quick: QUICK,
  repeats: { peer: PEER_REP, reference: REF_REP, wasm: WASM_REP }, peerEnv: peer?.jobs[0].env, peerWallMs,
};

if (JSON_OUT) {
  console.log(JSON.stringify({ meta, table, work, optimize: { peer: peerOpt, keyrate: krOpt }, points: rowsBySet }, null, 2));
} else {
  const f = (x, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : '-');
  const e = peer?.jobs[0].env;
  console.log(`# keyrate vs peer baseline (photon-number Lf/L, [A] Note 4; issue #10)`);
  console.log(`node ${meta.node}, ${meta.cpus} cpus (${meta.cpuModel}); peer: python ${e?.python ?? '-'}, numpy ${e?.numpy ?? '-'}, scipy ${e?.scipy ?? '-'} (numpy check ${e?.numpyOk ?? '-'}, BLAS 1 thread), timed inside python`);
  console.log(`mean ms per evaluation over repeats (peer ${PEER_REP} after 1 warm-up, reference ${REF_REP}, wasm ${WASM_REP}); ${QUICK ? 'quick mode' : 'full mode'}`);
  console.log('peer work per evaluation (base point of each set; element counts of vectorised calls):');
  for (const w of work) {
    if (w.incgamma === undefined) continue;
    console.log(`  ${w.set}: gammainc/gammaincc ${w.incgamma} elements in ${w.incgamma_calls} calls, i0e ${w.i0e} elements in ${w.i0e_calls} calls; beta nodes ${w.beta_nodes}, |alpha| nodes ${w.outer_nodes.join('+')}, Fock ${w.fock}, 2-D kernels ${w.kernel.join('+')} (|alpha| x beta)`);
  }
  console.log('');
  const fl = flavours.map((x) => `wasm ${x}`);
  console.log(`| point set | pts | peer ms | reference ms | ${fl.map((x) => `${x} ms`).join(' | ')} | peer/reference | ${fl.map((x) => `peer/${x}`).join(' | ')} | ${fl.map((x) => `reference/${x}`).join(' | ')} | rel diff peer vs reference | rel diff wasm vs reference | max rel diff (all pairs) |`);
  console.log(`|---|---:|---:|---:|${fl.map(() => '---:').join('|')}|---:|${fl.map(() => '---:').join('|')}|${fl.map(() => '---:').join('|')}|---:|---:|---:|`);
  for (const t of table) {
    const m = t.ms;
    console.log(`| ${t.name} | ${t.points} | ${f(m.peer)} | ${f(m.reference)} | ${fl.map((x) => f(m[x])).join(' | ')} | ${f(m.peer / m.reference, 3)} | ${fl.map((x) => f(m.peer / m[x], 2)).join(' | ')} | ${fl.map((x) => f(m.reference / m[x], 2)).join(' | ')} | ${(t.pair['peer vs reference'] ?? NaN).toExponential(1)} | ${Math.max(...fl.map((x) => t.pair[`reference vs ${x}`] ?? NaN)).toExponential(1)} | ${t.maxRel.toExponential(1)} |`);
  }
  const all = table[table.length - 1];
  console.log(`\nmax rel diff by pair over all points: ${Object.entries(all.pair).map(([k2, v]) => `${k2} ${v.toExponential(1)}`).join('; ')}`);
  if (peerEval) console.log(`peer internal check: p(check|a) from Eve's nested integral vs Bob's Eq. 94, max rel diff ${Math.max(...peerEval.map((r) => r.identity)).toExponential(1)}`);
  if (!QUICK) {
    console.log(`\n| optimize | peer s | peer Lf/L | peer conv | peer evals | keyrate (wasm, 1 thread) s | keyrate Lf/L | keyrate conv/status | keyrate evals | peer/keyrate time | keyrate CLI --workers ${WORKERS} s (same Lf/L) | peer/CLI time | reference at peer optimum | peer at keyrate optimum |\n|---|---:|---:|---|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|`);
    for (const [i, c] of OPT_CASES.entries()) {
      const p = peerOpt[i];
      const q = krOpt[i];
      const st = q.status !== undefined ? `${q.converged}/${typeof q.status === 'object' ? JSON.stringify(q.status) : q.status}` : `${q.converged}`;
      console.log(`| ${c.distance}/${c.eveAt} km, rE ${c.rE} | ${p ? f(p.ms / 1e3, 1) : '-'} | ${p ? p.rate.toPrecision(7) : '-'} | ${p ? `${p.converged}${p.ook ? ' (OOK)' : ''}` : '-'} | ${p?.evaluations ?? '-'} | ${f(q.ms / 1e3, 1)} | ${q.rate.toPrecision(7)} | ${st} | ${q.evaluations} | ${p ? f(p.ms / q.ms, 2) : '-'} | ${q.cli ? `${f(q.cli.ms / 1e3, 1)} (${q.cli.same ?? q.cli.error})` : '-'} | ${p && q.cli ? f(p.ms / q.cli.ms, 2) : '-'} | ${p ? p.referenceAtOptimum.toPrecision(10) : '-'} | ${q.peerAtOptimum !== undefined ? q.peerAtOptimum.toPrecision(10) : '-'} |`);
    }
    for (const [i, c] of OPT_CASES.entries()) {
      const p = peerOpt[i];
      const q = krOpt[i];
      console.log(`  ${c.distance}/${c.eveAt}: peer photons ${p ? p.photons.map((x) => x.toPrecision(6)).join(',') : '-'} windows ${p ? p.windows.map((x) => x.toPrecision(6)).join(',') : '-'}; keyrate photons ${q.photons.map((x) => x.toPrecision(6)).join(',')} windows ${q.windows.map((x) => x.toPrecision(6)).join(',')}`);
    }
  }
}
