#!/usr/bin/env python3
"""The data of [L] Fig. 1 and [A] Fig. 1b through `keyrate serve` (src/figures/leakage-fig1.ts and
amplified-fig1.ts hold the figures' parameters).

  [L] Fig. 1: key rate R vs visibility v of the two-qubit isotropic state, d = 2, N = 2, uniform
      leakage L = 0.1, 0.2, 0.3; v from the separable bound 1/(1+d^(N-1)) = 1/3 to 1, plus each
      curve's threshold v* (corrected closed form) so every curve reaches zero where it must.
  [A] Fig. 1b: phase encoding, D_AB = 1000 km, span 50 km, loss 0.02 /km: optimised Lf/L vs the
      stolen fraction rE (log grid 1e-6 .. 0.1), one curve per Alice-Eve distance D_AE.

Default: a quick grid (v step 0.05; 6 leaks, 3 Eve positions), seconds. --full: the figures' grids
(v step 0.01; 11 leaks, 5 Eve positions). Writes leakage-fig1.csv and amplified-fig1b.csv.

  python3 examples/figures.py --out figs/                      # starts `keyrate serve` (PATH or KEYRATE_BIN)
  python3 examples/figures.py --url http://127.0.0.1:8080      # uses a running server
"""
from __future__ import annotations

import argparse
import csv
import os
import sys
from typing import Any, Dict, List, Optional, Sequence

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from keyrate_client import Client  # noqa: E402

LEAKAGES = [0.1, 0.2, 0.3]
EVE_AT = [50, 250, 500, 750, 950]


def log_grid(lo: float, hi: float, n: int) -> List[float]:
    return [float(f"{lo * (hi / lo) ** (i / (n - 1)):.12g}") for i in range(n)]


def leakage_fig1(k: Client, step: float) -> List[Dict[str, Any]]:
    rows: List[Dict[str, Any]] = []
    v_sep = 1 / 3
    for L in LEAKAGES:
        v_star = k.leakage_threshold(dim=2, parties=2, leakage=L, zeroCrossing=False)["threshold"]
        n = int(round((1 - v_sep) / step))
        vs = sorted({round(v_sep + i * step, 12) for i in range(n)} | {1.0, v_star})
        for r in k.leakage_curve(dim=2, parties=2, leakages=[L], visibilities=vs, model="uniform", objective="joint"):
            rows.append({"series": f"L = {L}", "leakage": L, "visibility": r["visibility"], "rate": r["rate"], "threshold": v_star, "status": r["status"]})
    return rows


def amplified_fig1b(k: Client, leaks: Sequence[float], eves: Sequence[int]) -> List[Dict[str, Any]]:
    rows: List[Dict[str, Any]] = []
    for eve in eves:
        c = k.amplified_curve(encoding="phase", distance=1000, eveAt=eve, leaks=list(leaks), span=50, loss=0.02)
        for p in c["points"]:
            rows.append({"series": f"D_AE = {eve} km", "eveAt": eve, "leak": p["leak"], "rate": p["rate"], "photons": p["photons"][0], "status": p["status"], "converged": p["converged"]})
    return rows


def write_csv(path: str, rows: List[Dict[str, Any]]) -> None:
    with open(path, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0].keys()))
        w.writeheader()
        w.writerows(rows)


def main(argv: Optional[Sequence[str]] = None, client: Optional[Client] = None) -> Dict[str, List[Dict[str, Any]]]:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--full", action="store_true", help="the figures' full grids")
    ap.add_argument("--out", default=".", help="directory for the CSV files")
    ap.add_argument("--url", help="attach to this server instead of starting one")
    ap.add_argument("--command", help="how to run keyrate, e.g. 'node bin/keyrate.js' (default: keyrate on PATH or KEYRATE_BIN)")
    a = ap.parse_args(argv)
    own = client is None
    k = client or (Client.attach(a.url) if a.url else Client.start(command=a.command.split() if a.command else None))
    try:
        fig1 = leakage_fig1(k, 0.01 if a.full else 0.05)
        fig1b = amplified_fig1b(k, log_grid(1e-6, 0.1, 11 if a.full else 6), EVE_AT if a.full else [250, 500, 950])
    finally:
        if own:
            k.close()
    os.makedirs(a.out, exist_ok=True)
    write_csv(os.path.join(a.out, "leakage-fig1.csv"), fig1)
    write_csv(os.path.join(a.out, "amplified-fig1b.csv"), fig1b)
    print(f"{len(fig1)} rows -> {os.path.join(a.out, 'leakage-fig1.csv')}, {len(fig1b)} rows -> {os.path.join(a.out, 'amplified-fig1b.csv')}")
    return {"leakage-fig1": fig1, "amplified-fig1b": fig1b}


if __name__ == "__main__":
    main()
