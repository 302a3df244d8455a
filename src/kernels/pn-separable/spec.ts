/**
 * Kernel contract 'pn-separable': the exact photon-number Lf/L of paper [A] (Supplementary Note 4,
 * SPEC.md 3.2) on fixed node sets, using that Eq. 104 separates. Twins: reference.ts (plain TS, the
 * truth) and assembly/amplified/separable.ts (AssemblyScript, scalar and f64x2 SIMD), run on one
 * case table (test/kernels/pn-separable-cases.ts). docs/amplified.md "Separable kernel" derives it.
 *
 * Inputs: |gamma0|^2 = p0 >= 0, |gamma1|^2 = p1 > 0, theta1..4 (windows, SPEC 3.2: E0 = [mu - t3,
 * mu - t1], E1 = [mu + t2, mu + t4], mu = (p0 + p1)/2), gains G1, G2 >= 1 (Eqs. 78-79), leak
 * rE in [0, 1), and `alpha`, the panel width in units of the physical scale it resolves.
 *
 * With c = sqrt(1 - rE), S1 = G1 - 1, S2 = G2 - 1 and the window probability
 * W_b(x) = Q(hi_b + 1, x) - Q(lo_b, x) of a Poisson count with mean x:
 *   g_b(r)    = int d|beta| Rician(|beta|; c r, S2) W_b(|beta|^2)            (Eq. 101 + Eq. 2a)
 *   p(b|a)    = int d|alpha| Rician(|alpha|; gamma_a, S1) g_b(|alpha|)       (Eq. 94)
 *   rho_a(n) ∝ int d|alpha| Rician(|alpha|; gamma_a, S1) (g_0 + g_1) Poisson(n; rE |alpha|^2)  (Eq. 104)
 * Node sets (composite 16-point Gauss-Legendre panels, width <= alpha x scale):
 *   r = |alpha|: the union of gamma_a +- (9 sd1 + 1), sd1 = sqrt(S1/2); scale min(sd1, 1/(2 sqrt rE))
 *     (Rician and Poisson(n; rE r^2) widths), and inside the images of Bob's edge zones also
 *     sqrt(1/4 + sd2^2)/c (the width of g's steps); S1 = 0: the two point masses gamma_a.
 *   beta = |beta| (S2 > 0): c r +- (9 sd2 + 1), scale sd2 = sqrt(S2/2): the Rician kernel is
 *     evaluated once per (r node, beta node) pair within 9 sd2 (band), on 16 nodes per panel.
 *   W enters through product-quadrature weights omega_b(k) = int_panel W_b(beta^2) l_k(beta) d beta
 *     (l_k the Lagrange basis of the panel's nodes): W is constant (0 or 1 to < 1e-20) outside
 *     the edge zones [sqrt(e - 10 sqrt e - 10), sqrt(e + 10 sqrt e + 10)] (e = lo_b, hi_b + 1) and is
 *     evaluated inside them on sub-panels of width <= alpha x 1/2 (a Poisson count's sd in |beta|).
 *   Eve's Fock weights by the Poisson recurrence from each node's mode over lambda +- 10 sqrt(lambda).
 * Output: p(b|a) and p_check (Eq. 96) from the same nodes as Eve's state (so rho_a is normalised by
 * exactly its p(check|a)), I(A:B) (Eq. 95), chi (Eqs. 113-116), Lf/L (Eq. 7, not clipped), and
 * `bobDiff`, the difference to p(b|a) integrated in one dimension (Eq. 94's displaced-thermal form on
 * the beta nodes, an independent quadrature of the same numbers).
 *
 * Precision: f64. Tolerance: with alpha = PN_ALPHA the twins agree to 1e-12 relative; against a
 * refined node set (alpha = PN_ALPHA_FINE) and the adaptive witness the measured differences are
 * in docs/amplified.md; `pnRateChecked` (reference.ts) reports |value(alpha) - value(fine)| as the
 * estimated error of every reported number.
 * Validity: the window constraints of SPEC 3.2 (the caller checks them); the node counts are
 * bounded (PN_MAX_WORK kernel entries), beyond that the kernel throws a RangeError naming the
 * scale that asked for it.
 */

/** Default panel width in units of the resolved scale (screening and optimisation). */
export const PN_ALPHA = 3;
/** Refined panel width: reported values and their error estimate. */
export const PN_ALPHA_FINE = 2;
/** Standard deviations kept on each side of a Rician (Gaussian tail < 3e-18). */
export const PN_SD = 9;
/** Half-width of Bob's edge zones in Poisson standard deviations (plus as many counts). */
export const PN_ZONE = 10;
/** Poisson widths sqrt(lam_min) per Fock-lattice step at alpha = PN_ALPHA (reference.ts eveLattice). */
export const PN_LATTICE = 1.5;
/** Relative agreement of two successive Fock lattices (step m and m/2) that accepts the finer one. */
export const PN_LATTICE_AGREE = 1e-10;
/** Largest number of kernel entries (r nodes x beta band) one evaluation may take. */
export const PN_MAX_WORK = 4e7;

/** 16-point Gauss-Legendre nodes on [-1, 1] (numpy.polynomial.legendre.leggauss(16)). */
export const GL16_X = [
  -0.9894009349916499, -0.9445750230732326, -0.8656312023878318, -0.755404408355003, -0.6178762444026438,
  -0.45801677765722737, -0.2816035507792589, -0.09501250983763744, 0.09501250983763744, 0.2816035507792589,
  0.45801677765722737, 0.6178762444026438, 0.755404408355003, 0.8656312023878318, 0.9445750230732326,
  0.9894009349916499,
];
export const GL16_W = [
  0.027152459411754176, 0.062253523938647456, 0.0951585116824926, 0.12462897125553407, 0.1495959888165767,
  0.16915651939500265, 0.18260341504492364, 0.18945061045506864, 0.18945061045506864, 0.18260341504492364,
  0.16915651939500265, 0.1495959888165767, 0.12462897125553407, 0.0951585116824926, 0.062253523938647456,
  0.027152459411754176,
];

export interface PnSeparableInput {
  p0: number;
  p1: number;
  t1: number;
  t2: number;
  t3: number;
  t4: number;
  G1: number;
  G2: number;
  /** the leak r_E in [0, 1) (docs/glossary.md) */
  leak: number;
  /** panel width / scale (default PN_ALPHA) */
  alpha?: number;
}

export interface PnSeparableWork {
  /** outer |alpha| nodes */
  rNodes: number;
  /** |beta| kernel nodes */
  betaNodes: number;
  /** Rician kernel entries evaluated (r x beta band) */
  kernel: number;
  /** window-probability evaluations W_b (each two regularised incomplete gammas at most) */
  window: number;
  /** Poisson weights accumulated (r nodes x Fock band) */
  fock: number;
}

export interface PnSeparableResult {
  rate: number;
  pCheck: number;
  iAB: number;
  chi: number;
  /** [p(0|0), p(1|0), p(0|1), p(1|1)] */
  pba: [number, number, number, number];
  /** Fock mass of rho_a inside the kept range relative to p(check|a) (1 - truncation) */
  trace: [number, number];
  /** max |p(b|a) 2-D - p(b|a) 1-D| (0 when S1 = 0 or S2 = 0, where the two coincide) */
  bobDiff: number;
  /** g_b values below -1e-15 set to 0 (a failure indicator: product weights only round to ~1e-40) */
  clamped: number;
  work: PnSeparableWork;
}
