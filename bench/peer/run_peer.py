#!/usr/bin/env python3
"""CLI of the peer baseline (bench/peer/amplified_pn.py): reads one JSON job on stdin, writes JSON
timings and values on stdout. Timing is done here with time.perf_counter, so interpreter start-up
and imports are excluded.

Jobs:
  {"kind": "eval", "points": [{"photons": [p0, p1], "windows": [t1, t2, t3, t4],
                               "G1": .., "G2": .., "rE": ..}, ...],
   "repeats": 3, "warmup": 1}
      -> {"kind": "eval", "results": [{"rate", "pCheck", "iAB", "chi", "identity", "meanMs",
                                       "minMs", "repeats", "counts"}, ...]}
     (a point may give "distance"/"eveAt" [/"span"/"loss"] instead of G1/G2)
  {"kind": "optimize", "cases": [{"distance", "eveAt", "rE"[, "span", "loss", "maxiter"]}, ...]}
      -> {"kind": "optimize", "results": [{... optimum ..., "ms"}]}
  {"jobs": [job, job, ...]} -> {"jobs": [answer, ...]}
Every answer carries "env": numpy/scipy versions, BLAS thread variables and a numpy sanity check.
"""
from __future__ import annotations

import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402
import scipy  # noqa: E402

from amplified_pn import lf_over_l, line, optimize  # noqa: E402


def env_info() -> dict:
    a = np.arange(12.0).reshape(3, 4)
    ok = bool(np.allclose(a @ a.T, np.einsum('ij,kj->ik', a, a)) and abs(np.linalg.det(np.eye(3) * 2) - 8) < 1e-12)
    keys = ('OPENBLAS_NUM_THREADS', 'OMP_NUM_THREADS', 'MKL_NUM_THREADS', 'OPENBLAS_CORETYPE', 'OPENBLAS_L2_SIZE')
    return dict(python=sys.version.split()[0], numpy=np.__version__, scipy=scipy.__version__, numpyOk=ok,
                vars={k: os.environ.get(k) for k in keys})


def gains(p: dict):
    if 'G1' in p:
        return float(p['G1']), float(p['G2'])
    return line(p['distance'], p['eveAt'], p.get('span', 50.0), p.get('loss', 0.02))


def run_eval(job: dict) -> dict:
    repeats = int(job.get('repeats', 3))
    warmup = int(job.get('warmup', 1))
    out = []
    for p in job['points']:
        G1, G2 = gains(p)
        args = (p['photons'], p['windows'], G1, G2, float(p['rE']))
        counts: dict = {}
        for _ in range(warmup):
            lf_over_l(*args)
        ts = []
        for _ in range(repeats):
            t0 = time.perf_counter()
            v = lf_over_l(*args)
            ts.append(time.perf_counter() - t0)
        v = lf_over_l(*args, counts=counts)
        out.append(dict(rate=v['rate'], pCheck=v['pCheck'], iAB=v['iAB'], chi=v['chi'], identity=v['identity'],
                        trace=v['trace'], meanMs=1e3 * sum(ts) / len(ts), minMs=1e3 * min(ts), repeats=repeats,
                        counts=counts))
    return dict(kind='eval', results=out, env=env_info())


def run_optimize(job: dict) -> dict:
    out = []
    for c in job['cases']:
        t0 = time.perf_counter()
        o = optimize(c['distance'], c['eveAt'], c['rE'], c.get('span', 50.0), c.get('loss', 0.02),
                     maxiter=int(c.get('maxiter', 80)))
        o['ms'] = 1e3 * (time.perf_counter() - t0)
        o.update(distance=c['distance'], eveAt=c['eveAt'], rE=c['rE'])
        out.append(o)
    return dict(kind='optimize', results=out, env=env_info())


def answer(job: dict) -> dict:
    if 'jobs' in job:
        return dict(jobs=[answer(j) for j in job['jobs']])
    kind = job.get('kind')
    if kind == 'eval':
        return run_eval(job)
    if kind == 'optimize':
        return run_optimize(job)
    raise SystemExit(f"run_peer.py: unknown job kind {kind!r} (eval | optimize | jobs)")


if __name__ == '__main__':
    json.dump(answer(json.load(sys.stdin)), sys.stdout)
    sys.stdout.write('\n')
