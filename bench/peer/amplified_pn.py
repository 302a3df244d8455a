"""Peer baseline for keyrate issue #10: photon-number encoding of paper [A] (Supplementary Note 4)
in vectorised numpy/scipy, written independently of the TypeScript reference.

Conventions (SPEC.md 3.1-3.2): amplitudes gamma_a = sqrt(photons_a) >= 0, mu = (p0 + p1)/2,
windows E0 = [mu - th3, mu - th1], E1 = [mu + th2, mu + th4] with the continuous Poisson window
P(k in [lo, hi] | x) = Q(hi + 1, x) - Q(lo, x) (Q = regularised upper incomplete gamma);
G1 = M1 (G - 1) + 1, G2 = M2 (G - 1) + 1 (corrected Eqs. 78-79).

  p(b|a)  = int dbeta Rician(beta; sqrt((1-rE)) gamma_a, S) W_b(beta^2),  S = (1-rE)(G1-1) + (G2-1)
  rho_a(n) propto int dr w_a(r) Poisson(n; rE r^2) g(r)                    (Eq. 104 separated)
  w_a(r)  = Rician(r; gamma_a, S1 = G1 - 1)
  g(r)    = int dbeta Rician(beta; sqrt(1-rE) r, S2 = G2 - 1) [W_0 + W_1](beta^2)
  Rician(r; c, S) = (2r/S) exp(-(r-c)^2/S) i0e(2rc/S)
  Lf/L    = p_check (I(A:B) - chi)                                        (Eq. 7)

All integrals use fixed composite Gauss-Legendre panels whose widths come from the physical
scales: the Rician (amplifier) width sqrt(S/2), the width 1/2 (in amplitude) of a Poisson window
edge, and Eve's Poisson width 1/(2 sqrt(rE)) in |alpha|. Window values W_b(beta^2) are computed
once per evaluation on one beta grid shared by Bob's p(b|a) and Eve's g(r) (the 2-D kernel is
outer |alpha| nodes x beta nodes).
"""
from __future__ import annotations

import math
from functools import lru_cache

import numpy as np
from numpy.polynomial.legendre import leggauss
from scipy.special import gammainc, gammaincc, gammaln, i0e

SD_RANGE = 9.0  # integration range: centre +- 9 sd (Gaussian tail exp(-40.5) ~ 3e-18)
EDGE_SD = 0.5  # sd (in amplitude) of a Poisson window edge: sd of sqrt(K), K ~ Poisson
EDGE_ZONE = 10.0  # fine panels within +- EDGE_ZONE edge sd of each window edge
STEP = 1.0  # coarse panel width in units of the kernel sd
G_ZONE = 8.0  # outer grid: fine panels within +- G_ZONE widths of g's edges


@lru_cache(maxsize=None)
def _gl(n: int):
    x, w = leggauss(n)
    return x, w


def _panels(lo: float, hi: float, step: float, zones, nodes: int):
    """Composite Gauss-Legendre on [lo, hi]: uniform panels of width <= step, refined to width
    <= zone_step inside each zone (centre, half-width, zone_step). Returns (x, w)."""
    if not hi > lo:
        return np.empty(0), np.empty(0)
    br = [np.linspace(lo, hi, max(1, math.ceil((hi - lo) / step)) + 1)]
    for c, hw, st in zones:
        a, b = max(lo, c - hw), min(hi, c + hw)
        if b > a and st < step:
            br.append(np.linspace(a, b, max(1, math.ceil((b - a) / st)) + 1))
    b = np.unique(np.concatenate(br))
    mid = 0.5 * (b[1:] + b[:-1])
    half = 0.5 * (b[1:] - b[:-1])
    x, w = _gl(nodes)
    return (mid[:, None] + half[:, None] * x).ravel(), (half[:, None] * w).ravel()


def rician(r, c, S):
    """Density of |alpha| for a displaced thermal P-function (centre c >= 0, thermal mean S > 0);
    broadcasts. exp and i0e are both <= 1: no overflow for Bessel arguments up to ~1e9."""
    return (2.0 * r / S) * np.exp(-((r - c) ** 2) / S) * i0e(2.0 * r * c / S)


def poisson_window(lo: float, hi: float, x):
    """P(lo <= k <= hi), k ~ Poisson(x), continuous edges (SPEC 3.2): Q(hi+1, x) - Q(lo, x),
    evaluated as P(lo, x) - P(hi+1, x) where both Q are near 1 (x below the window), so that the
    tails keep their relative accuracy. Returns (values, (incomplete-gamma ufunc calls, elements))."""
    x = np.asarray(x, dtype=float)
    a2 = hi + 1.0
    if hi < lo or a2 <= 0:
        return np.zeros_like(x), (0, 0)
    if lo <= 0:  # P(k >= lo) = 1
        return gammaincc(a2, x), (1, x.size)
    below = x < lo  # x below the window: both Q(., x) close to 1
    out = np.where(below, gammainc(lo, x) - gammainc(a2, x), gammaincc(a2, x) - gammaincc(lo, x))
    return np.maximum(out, 0.0), (4, 4 * x.size)


def fock_range(lam_lo: float, lam_hi: float):
    lo = max(0, math.floor(lam_lo - 10.0 * math.sqrt(lam_lo) - 10.0))
    hi = math.ceil(lam_hi + 10.0 * math.sqrt(lam_hi) + 40.0)
    return np.arange(lo, hi + 1, dtype=float)


def _xlog2(p, q):
    """sum p log2(p/q) over p > 0."""
    m = p > 0
    return float(np.sum(p[m] * np.log2(p[m] / q[m])))


def lf_over_l(photons, windows, G1: float, G2: float, rE: float, nodes: int = 8, refine: float = 1.0,
              counts: dict | None = None) -> dict:
    """Lf/L of the photon-number encoding at fixed photons = (|gamma0|^2, |gamma1|^2) and
    windows = (th1, th2, th3, th4). Returns dict(rate, pCheck, iAB, chi, pba, trace).
    nodes: Gauss-Legendre nodes per panel; refine: divides every panel width (convergence checks).
    counts: if given, filled with the work of this evaluation (special-function calls, sizes)."""
    p0, p1 = float(photons[0]), float(photons[1])
    t1, t2, t3, t4 = (float(t) for t in windows)
    mu = 0.5 * (p0 + p1)
    edges = [(mu - t3, mu - t1), (mu + t2, mu + t4)]  # (lo, hi) of E0, E1
    gam = np.sqrt([p0, p1])
    S1, S2 = G1 - 1.0, G2 - 1.0
    S = (1.0 - rE) * S1 + S2
    s = math.sqrt(1.0 - rE)
    nG = np.zeros(2, dtype=int)  # incomplete-gamma (gammainc/gammaincc) ufunc calls, elements
    nI0 = np.zeros(2, dtype=int)  # i0e ufunc calls, elements

    # window-edge positions in beta (Bob's amplitude): Q(lo, beta^2), Q(hi+1, beta^2) switch there
    kinks = [e for lo, hi in edges for e in (lo, hi + 1.0) if e > 0]
    eb = [math.sqrt(e) for e in kinks]
    ez = [(e, EDGE_ZONE * EDGE_SD, EDGE_SD / refine) for e in eb]

    # outer grid over r = |alpha| (Eve's amplitude), per a (point mass when G1 = 1)
    outer = []
    for a in (0, 1):
        ga = gam[a]
        if S1 <= 0:
            outer.append((np.array([ga]), np.array([1.0]), np.array([1.0])))
            continue
        sd1 = math.sqrt(S1 / 2.0)
        lo, hi = max(0.0, ga - SD_RANGE * sd1 - 1.0), ga + SD_RANGE * sd1 + 1.0
        step = STEP * sd1
        if rE > 0:
            step = min(step, STEP * 0.5 / math.sqrt(rE))  # Eve's Poisson(n; rE r^2) width in r
        sg = math.sqrt(EDGE_SD ** 2 + S2 / 2.0) / s  # width of g's edges in r
        zones = [(e / s, G_ZONE * sg, sg / refine) for e in eb]
        x, w = _panels(lo, hi, step / refine, zones, nodes)
        wa = rician(x, ga, S1)
        nI0 += (1, x.size)
        outer.append((x, w, wa))

    # one beta grid for Bob's p(b|a) and Eve's g(r)
    if S2 > 0:
        sd2 = math.sqrt(S2 / 2.0)
        cmin = s * min(o[0].min() for o in outer)
        cmax = s * max(o[0].max() for o in outer)
        blo, bhi = max(0.0, cmin - SD_RANGE * sd2 - 1.0), cmax + SD_RANGE * sd2 + 1.0
        bstep = STEP * sd2
    else:
        sdb = math.sqrt(S / 2.0) if S > 0 else 0.0
        blo = max(0.0, s * gam.min() - SD_RANGE * sdb - 1.0)
        bhi = s * gam.max() + SD_RANGE * sdb + 1.0
        bstep = STEP * sdb if sdb > 0 else EDGE_SD
    pba = np.empty((2, 2))
    if S > 0:
        xb, wb = _panels(blo, bhi, bstep / refine, ez, nodes)
        Wb = []
        for lo, hi in edges:
            v, k = poisson_window(lo, hi, xb * xb)
            Wb.append(v)
            nG += k
        Wb = np.array(Wb)  # (2 windows, nb)
        # Bob: Rician with S = (1-rE) S1 + S2 around sqrt(1-rE) gamma_a  (Eq. 94)
        Kb = rician(xb[None, :], s * gam[:, None], S) * wb  # (2 a, nb)
        nI0 += (1, Kb.size)
        pba[:] = Kb @ Wb.T
    else:  # no noise anywhere: Poisson windows at (1-rE) gamma_a^2
        for a in (0, 1):
            for b, (lo, hi) in enumerate(edges):
                pba[a, b] = poisson_window(lo, hi, np.array(s * s * gam[a] ** 2))[0]
        xb = wb = np.empty(0)

    pcheck_a = pba.sum(axis=1)
    pcheck = 0.5 * pcheck_a.sum()  # Eq. 96
    joint = pba / (2.0 * pcheck)  # p(a, b | check), Bayes priors
    pa, pb = joint.sum(axis=1), joint.sum(axis=0)
    iab = _xlog2(joint.ravel(), np.outer(pa, pb).ravel())  # Eq. 95
    q = pcheck_a / (2.0 * pcheck)

    if rE == 0:
        chi = 0.0
        trace = [1.0, 1.0]
        ident = [0.0, 0.0]
        nf = 0
    else:
        rhos, trace, nmix, ident = [], [], [], []
        for a in (0, 1):
            x, w, wa = outer[a]
            if S2 > 0:
                # g(r) = int dbeta Rician(beta; s r, S2) [W0 + W1](beta^2): (nr x nb) kernel
                K = rician(xb[None, :], s * x[:, None], S2)
                nI0 += (1, K.size)
                g = K @ (wb * Wb.sum(axis=0))
            else:  # Eve at Bob: g is the window probability at (1-rE) r^2
                g = 0.0
                for lo, hi in edges:
                    v, k = poisson_window(lo, hi, (s * x) ** 2)
                    g = g + v
                    nG += k
            nmix.append((x, w * wa * g))
        lam_all = np.concatenate([rE * m[0] ** 2 for m in nmix])
        n = fock_range(float(lam_all.min()), float(lam_all.max()))
        nf = n.size
        lgn = gammaln(n + 1.0)
        for x, W in nmix:
            lam = rE * x * x
            P = np.exp(n[None, :] * np.log(lam)[:, None] - lam[:, None] - lgn[None, :])  # (nr, nf)
            comps = W @ P
            tot = W.sum()
            trace.append(float(comps.sum() / tot) if tot > 0 else 0.0)
            ident.append(abs(tot - pcheck_a[len(rhos)]) / pcheck_a[len(rhos)] if S1 > 0 else 0.0)
            rhos.append(comps / comps.sum())
        m = q[0] * rhos[0] + q[1] * rhos[1]
        chi = q[0] * _xlog2(rhos[0], m) + q[1] * _xlog2(rhos[1], m)  # Eqs. 114-116
    rate = pcheck * (iab - chi)  # Eq. 7, not clipped
    if counts is not None:
        counts.update(incgamma_calls=int(nG[0]), incgamma=int(nG[1]), i0e_calls=int(nI0[0]), i0e=int(nI0[1]), beta_nodes=int(xb.size), outer_nodes=[int(o[0].size) for o in outer],
                      fock=int(nf), kernel=[int(o[0].size) * int(xb.size) for o in outer] if S2 > 0 and rE > 0 else [0, 0])
    # identity: p(check|a) from Eve's nested integral (int w_a g) vs Bob's one-dimensional Eq. 94
    return dict(rate=float(rate), pCheck=float(pcheck), iAB=float(iab), chi=float(chi), pba=pba.tolist(), trace=trace,
                identity=float(max(ident)))


def line(distance: float, eveAt: float, span: float = 50.0, loss: float = 0.02):
    """Corrected Eqs. 78-79: G = 10^(loss span), G_i = M_i (G - 1) + 1."""
    G = 10.0 ** (loss * span)
    M1 = round(eveAt / span)
    M2 = round((distance - eveAt) / span)
    return M1 * (G - 1.0) + 1.0, M2 * (G - 1.0) + 1.0


# ---------------------------------------------------------------------------------------------
# Optimiser: max Lf/L over photons and windows at a fixed line point.
#
# Parametrisation (box bounds only; the window rules hold by construction):
#   photons  ln p0, ln p1                      (on-off keying: p0 = 0, ln p1 only)
#   windows  in units of Bob's count sd: for input a Bob's count is displaced thermal with mean
#            m_a = (1-rE) p_a + S and sd sigma_a = sqrt(D + S + S^2 + 2 D S), D = (1-rE) p_a.
#            Gap centre c = c* + sigma_c s with c* = (m0 sigma1 + m1 sigma0)/(sigma0 + sigma1)
#            (where the two count distributions cross), sigma_c = 2 sigma0 sigma1/(sigma0+sigma1);
#            half-gap g = 1/2 + sigma_c h (E0, E1 disjoint); outer edges lo0 = m0 - sigma0 u3,
#            hi1 = m1 + sigma1 u4 (clipped to keep th3 >= th1, th4 >= th2, E0 inside [0, inf)).
# Starts: Eve's sample of the pulse has rE p photons; the trade-off between Bob's signal and Eve's
# information sits at rE p = O(1), so starts are p ~ (0.5 .. 5)/rE, windows centred on the
# crossing (s = 0), plus on-off keying starts (p0 = 0) at p1 ~ (0.3 .. 3)/rE.
# ---------------------------------------------------------------------------------------------

P_BOUNDS = (0.0, math.log(1e7))
W_BOUNDS = [(-4.0, 4.0), (0.0, 4.0), (-5.0, 15.0), (-5.0, 15.0)]  # s, h, u3, u4


def params_from_x(x, G1: float, G2: float, rE: float, ook: bool):
    x = np.asarray(x, dtype=float)
    if ook:
        p0, p1, w = 0.0, math.exp(x[0]), x[1:]
    else:
        p0, p1, w = math.exp(x[0]), math.exp(x[1]), x[2:]
    S = (1.0 - rE) * (G1 - 1.0) + (G2 - 1.0)
    m, sd = [], []
    for p in (p0, p1):
        D = (1.0 - rE) * p
        m.append(D + S)
        sd.append(math.sqrt(D + S + S * S + 2.0 * D * S))
    s, h, u3, u4 = w
    sc = 2.0 * sd[0] * sd[1] / (sd[0] + sd[1])
    c = (m[0] * sd[1] + m[1] * sd[0]) / (sd[0] + sd[1]) + sc * s
    g = 0.5 + sc * h
    hi0 = max(c - g, 0.0)
    lo1 = max(c + g, hi0 + 1.0)
    lo0 = min(m[0] - sd[0] * u3, hi0)
    hi1 = max(m[1] + sd[1] * u4, lo1)
    mu = 0.5 * (p0 + p1)
    return (p0, p1), (mu - hi0, lo1 - mu, mu - lo0, hi1 - mu)


def optimize(distance: float, eveAt: float, rE: float, span: float = 50.0, loss: float = 0.02,
             starts=None, maxiter: int = 80, nodes: int = 8) -> dict:
    """Multi-start L-BFGS-B (finite-difference gradients) for max Lf/L at (distance, eveAt, rE)."""
    from scipy.optimize import minimize

    G1, G2 = line(distance, eveAt, span, loss)
    if starts is None:
        sym = [0.0, 0.1, 4.0, 4.0]
        starts = [(False, [math.log(2.0 / rE), math.log(3.0 / rE)] + sym),
                  (False, [math.log(0.5 / rE), math.log(1.0 / rE)] + sym),
                  (False, [math.log(5.0 / rE), math.log(7.0 / rE)] + sym),
                  (True, [math.log(0.3 / rE)] + sym),
                  (True, [math.log(3.0 / rE)] + sym)]
    nev = [0]

    def f(x, ook):
        nev[0] += 1
        ph, th = params_from_x(x, G1, G2, rE, ook)
        r = lf_over_l(ph, th, G1, G2, rE, nodes=nodes)['rate']
        return -r if math.isfinite(r) else 1.0

    best, runs = None, []
    for ook, x0 in starts:
        bounds = ([P_BOUNDS] if ook else [P_BOUNDS, P_BOUNDS]) + W_BOUNDS
        x0 = np.clip(x0, [b[0] for b in bounds], [b[1] for b in bounds])
        res = minimize(f, x0, args=(ook,), method='L-BFGS-B', bounds=bounds,
                       options=dict(maxiter=maxiter, ftol=1e-12, gtol=1e-9, eps=1e-6))
        runs.append(dict(ook=ook, rate=float(-res.fun), nit=int(res.nit), success=bool(res.success),
                         message=str(res.message)))
        if best is None or res.fun < best[0].fun:
            best = (res, ook)
    res, ook = best
    ph, th = params_from_x(res.x, G1, G2, rE, ook)
    final = lf_over_l(ph, th, G1, G2, rE)
    return dict(rate=final['rate'], photons=list(ph), windows=list(th), ook=ook, converged=bool(res.success),
                evaluations=nev[0] + 1, runs=runs, G1=G1, G2=G2, chi=final['chi'], iAB=final['iAB'], pCheck=final['pCheck'])
