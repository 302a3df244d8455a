#!/usr/bin/env node
/**
 * Bounded load test of `keyrate serve` on loopback (needs `npm run build`).
 *
 *   node bench/serve-load.js [--clients 8] [--seconds 10] [--workers N] [--batch-points 100] [--cli-points 8] [--json]
 *   node bench/serve-load.js --clients 32 --seconds 60          # the larger run
 *
 * 1. N concurrent clients for T seconds, each sending a mixed stream of leakage and amplified
 *    requests (seeded): throughput, p50/p99 latency (overall and per kind), failed requests,
 *    the server's RSS at the start and the end.
 * 2. The per-point cost of POST /v1/amplified/batch versus one CLI process per point
 *    (`keyrate amplified rate --photons --windows --json`) and one `keyrate amplified batch` process.
 */
import { spawn } from 'node:child_process';
import { readFileSync, mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(ROOT, 'bin/keyrate.js');
const { values: a } = parseArgs({
  options: {
    clients: { type: 'string', default: '8' },
    seconds: { type: 'string', default: '10' },
    workers: { type: 'string', default: String(Math.min(4, availableParallelism())) },
    'batch-points': { type: 'string', default: '100' },
    'cli-points': { type: 'string', default: '8' },
    json: { type: 'boolean', default: false },
  },
});
const clients = Number(a.clients);
const seconds = Number(a.seconds);
const workers = Number(a.workers);
const batchPoints = Number(a['batch-points']);
const cliPoints = Number(a['cli-points']);
for (const [k, v, max] of [['clients', clients, 1024], ['seconds', seconds, 3600], ['workers', workers, 256], ['batch-points', batchPoints, 100000], ['cli-points', cliPoints, 1000]]) {
  if (!(Number.isInteger(v) && v >= 1 && v <= max)) throw new Error(`--${k}: integer in [1, ${max}]`);
}

function mulberry32(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pnPoint = (eveAt, leak) => ({ distance: 1000, eveAt, leak, photons: [1000, 2000], windows: [10, 10, 100, 100] });
const KINDS = [
  ['leakage.rate', '/v1/leakage/rate', (r) => ({ dim: 2, parties: 2, leakage: 0.1 + 0.2 * r(), visibility: 0.5 + 0.5 * r() })],
  ['leakage.threshold', '/v1/leakage/threshold', (r) => ({ dim: 2, parties: 2, leakage: 0.3 * r(), zeroCrossing: false })],
  ['amplified.rate phase', '/v1/amplified/rate', (r) => ({ encoding: 'phase', distance: 1000, eveAt: 50 * (1 + Math.floor(19 * r())), leak: 0.01, photons: [100], windows: [5, 15] })],
  ['amplified.rate photon-number', '/v1/amplified/rate', (r) => ({ encoding: 'photon-number', ...pnPoint(50 * (1 + Math.floor(19 * r())), 0.01) })],
  ['amplified.plob', '/v1/amplified/plob', (r) => ({ distance: 10 + 1000 * r() })],
  ['amplified.batch (5 phase points)', '/v1/amplified/batch', (r) => ({ encoding: 'phase', points: Array.from({ length: 5 }, () => ({ distance: 1000, eveAt: 500, leak: 0.001 + 0.01 * r(), photons: [100 + 100 * r()], windows: [5, 15] })) })],
];

function start() {
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--workers', String(workers), '--queue', String(4 * clients)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr.on('data', (d) => (err += d));
  return new Promise((res, rej) => {
    let out = '';
    child.on('exit', (c) => rej(new Error(`server exited ${c}: ${err}`)));
    child.stdout.on('data', (d) => {
      out += d;
      const m = /listening on (\S+)\n/.exec(out);
      if (m) res({ url: m[1], child });
    });
  });
}

const rssMiB = (pid) => {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
};
const pct = (xs, p) => {
  if (!xs.length) return NaN;
  const s = [...xs].sort((x, y) => x - y);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};
const post = async (url, body) => {
  const r = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const text = await r.text();
  return { status: r.status, text };
};

function runCli(args) {
  return new Promise((res) => {
    const t0 = performance.now();
    const c = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    c.stdout.resume();
    c.stderr.resume();
    c.on('exit', (code) => res({ code, ms: performance.now() - t0 }));
  });
}

const { url, child } = await start();
// warm up every kind once (the pool threads load their engines)
const warm = mulberry32(1);
for (const [, path, make] of KINDS) for (let i = 0; i < workers; i++) await post(url + path, make(warm));
const rssStart = rssMiB(child.pid);

// 1. load
const lat = new Map(KINDS.map(([k]) => [k, []]));
let failed = 0;
let done = 0;
const failures = new Map();
const t0 = performance.now();
const deadline = t0 + seconds * 1000;
await Promise.all(Array.from({ length: clients }, async (_, c) => {
  const r = mulberry32(1000 + c);
  while (performance.now() < deadline) {
    const [kind, path, make] = KINDS[Math.floor(r() * KINDS.length)];
    const s = performance.now();
    try {
      const res = await post(url + path, make(r));
      if (res.status !== 200) {
        failed++;
        failures.set(res.status, (failures.get(res.status) ?? 0) + 1);
      } else lat.get(kind).push(performance.now() - s);
    } catch (e) {
      failed++;
      failures.set(e.name, (failures.get(e.name) ?? 0) + 1);
    }
    done++;
  }
}));
const elapsed = (performance.now() - t0) / 1000;
const rssEnd = rssMiB(child.pid);
const all = [...lat.values()].flat();

// 2. batch vs one CLI process per point
const pts = Array.from({ length: batchPoints }, (_, i) => pnPoint(50 * (1 + (i % 19)), 0.001 * (1 + (i % 7))));
const b0 = performance.now();
const br = await post(url + '/v1/amplified/batch', { encoding: 'photon-number', points: pts });
const batchMs = performance.now() - b0;
if (br.status !== 200) throw new Error(`batch: ${br.status} ${br.text.slice(0, 200)}`);
const cliRuns = [];
for (const p of pts.slice(0, cliPoints)) {
  cliRuns.push(await runCli(['amplified', 'rate', '--encoding', 'photon-number', '--distance', String(p.distance), '--eve-at', String(p.eveAt), '--leak', String(p.leak), '--photons', p.photons.join(','), '--windows', p.windows.join(','), '--json']));
}
if (cliRuns.some((r) => r.code !== 0)) throw new Error('a CLI run failed');
const dir = mkdtempSync(join(tmpdir(), 'keyrate-bench-'));
writeFileSync(join(dir, 'points.jsonl'), pts.map((p) => JSON.stringify(p)).join('\n') + '\n');
const cliBatch = await runCli(['amplified', 'batch', '--encoding', 'photon-number', '--input', join(dir, 'points.jsonl'), '--out', join(dir, 'out.jsonl')]);
rmSync(dir, { recursive: true, force: true });

child.kill('SIGTERM');
const exitCode = await new Promise((res) => child.on('exit', (c) => res(c)));

const result = {
  command: `node bench/serve-load.js --clients ${clients} --seconds ${seconds} --workers ${workers} --batch-points ${batchPoints} --cli-points ${cliPoints}`,
  machine: { cores: availableParallelism(), node: process.version },
  load: {
    clients, seconds: Number(elapsed.toFixed(2)), workers, requests: done, failed, failures: Object.fromEntries(failures),
    throughputPerSecond: Number((all.length / elapsed).toFixed(1)),
    latencyMs: { p50: Number(pct(all, 50).toFixed(1)), p99: Number(pct(all, 99).toFixed(1)) },
    byKind: Object.fromEntries([...lat].map(([k, xs]) => [k, { n: xs.length, p50: Number(pct(xs, 50).toFixed(1)), p99: Number(pct(xs, 99).toFixed(1)) }])),
    rssMiB: { start: Number(rssStart.toFixed(1)), end: Number(rssEnd.toFixed(1)) },
  },
  batchVsCli: {
    points: batchPoints,
    serviceBatchMsPerPoint: Number((batchMs / batchPoints).toFixed(2)),
    cliProcessPerPointMs: Number((cliRuns.reduce((s, r) => s + r.ms, 0) / cliRuns.length).toFixed(1)),
    cliProcesses: cliRuns.length,
    cliBatchProcessMsPerPoint: Number((cliBatch.ms / batchPoints).toFixed(2)),
  },
  serverExit: exitCode,
};
if (a.json) console.log(JSON.stringify(result, null, 2));
else {
  const L = result.load;
  console.log(result.command);
  console.log(`load: ${L.requests} requests in ${L.seconds} s from ${clients} clients (${workers} pool threads): ${L.throughputPerSecond} req/s, p50 ${L.latencyMs.p50} ms, p99 ${L.latencyMs.p99} ms, failed ${L.failed}${L.failed ? ' ' + JSON.stringify(L.failures) : ''}; RSS ${L.rssMiB.start} -> ${L.rssMiB.end} MiB`);
  for (const [k, v] of Object.entries(L.byKind)) console.log(`  ${k.padEnd(34)} n ${String(v.n).padStart(6)}  p50 ${String(v.p50).padStart(8)} ms  p99 ${String(v.p99).padStart(8)} ms`);
  const B = result.batchVsCli;
  console.log(`batch: ${B.points} photon-number points: service ${B.serviceBatchMsPerPoint} ms/point; one CLI process per point ${B.cliProcessPerPointMs} ms/point (${B.cliProcesses} runs); one 'amplified batch' process ${B.cliBatchProcessMsPerPoint} ms/point`);
  console.log(`server exit code after SIGTERM: ${exitCode}`);
}
