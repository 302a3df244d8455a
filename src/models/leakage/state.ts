/**
 * States and correlations of the leakage paper [L]: isotropic GHZ states (Eqs. 4, 6), the
 * separable isotropic state rho_sep (Eq. 9), q_v (App. A), and p(a|x) for rank-1 projective
 * measurements computed from the density matrix (small complex matrices, n = d^N).
 * Outcome index a = sum_i a_i d^(N-1-i) (party 1 most significant), as in the kernel spec.
 */

/** Complex matrix stored as separate row-major real / imaginary parts. */
export interface CMatrix {
  rows: number;
  cols: number;
  re: Float64Array;
  im: Float64Array;
}

/** A party's rank-1 projective measurement: outcome k projects on column k of a unitary U. */
export type PartyMeasurement =
  /** qubits only: Bloch angles; outcome 0 = cos(t/2)|0> + e^{i phi} sin(t/2)|1>, outcome 1 orthogonal */
  | { theta: number; phi?: number }
  /** computational basis (U = 1) or the discrete Fourier basis (U_jk = w^{jk}/sqrt d) */
  | { basis: 'computational' | 'fourier' }
  /** an explicit d x d unitary, columns = measurement vectors */
  | { unitary: { re: number[][]; im: number[][] } };

/** One measurement per party (length N). */
export type Settings = PartyMeasurement[];

/** D = d^(N-1). */
export const bigD = (dim: number, parties: number): number => dim ** (parties - 1);

/** Full separability bound 1/(1 + d^(N-1)) (text below Eq. 7 / [L] Eq. 6 discussion). */
export function separableBound(dim: number, parties: number): number {
  return 1 / (1 + bigD(dim, parties));
}

/** q_v = (1 + D)(1 - v)/D (App. A): weight of rho_sep in rho_v = (1-q)|phi><phi| + q rho_sep. */
export function qOf(dim: number, parties: number, visibility: number): number {
  const D = bigD(dim, parties);
  return ((1 + D) * (1 - visibility)) / D;
}

function zeros(rows: number, cols: number): CMatrix {
  return { rows, cols, re: new Float64Array(rows * cols), im: new Float64Array(rows * cols) };
}

/** |phi_{d,N}> = (1/sqrt d) sum_k |k...k> (Eq. 6) as a real vector of length d^N. */
export function ghzVector(dim: number, parties: number): Float64Array {
  const n = dim ** parties;
  const v = new Float64Array(n);
  let step = 0; // index of |k..k> = k * (1 + d + ... + d^(N-1))
  for (let i = 0; i < parties; i++) step += dim ** i;
  for (let k = 0; k < dim; k++) v[k * step] = 1 / Math.sqrt(dim);
  void n;
  return v;
}

/**
 * Isotropic GHZ state rho_v = v |phi><phi| + (1-v) 1/d^N (Eqs. 4, 6) as an n x n complex matrix.
 */
export function isotropicState(dim: number, parties: number, visibility: number): CMatrix {
  const n = dim ** parties;
  const phi = ghzVector(dim, parties);
  const m = zeros(n, n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) m.re[i * n + j] = visibility * phi[i]! * phi[j]!;
    m.re[i * n + i] += (1 - visibility) / n;
  }
  return m;
}

/** rho_sep = (|phi><phi| + 1/d)/(1 + D) (Eq. 9; SPEC.md 2); equals rho_v at v = 1/(1+D). */
export function separableState(dim: number, parties: number): CMatrix {
  const n = dim ** parties;
  const D = bigD(dim, parties);
  const phi = ghzVector(dim, parties);
  const m = zeros(n, n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) m.re[i * n + j] = (phi[i]! * phi[j]!) / (1 + D);
    m.re[i * n + i] += 1 / dim / (1 + D);
  }
  return m;
}

/** The d x d unitary whose columns are a party's measurement vectors. */
export function measurementUnitary(dim: number, m: PartyMeasurement): CMatrix {
  const u = zeros(dim, dim);
  if ('theta' in m) {
    if (dim !== 2) throw new RangeError('Bloch angles (theta, phi) need dim = 2');
    const c = Math.cos(m.theta / 2);
    const s = Math.sin(m.theta / 2);
    const ph = m.phi ?? 0;
    // column 0: (c, e^{i phi} s); column 1: (s, -e^{i phi} c)
    u.re[0] = c;
    u.re[1] = s;
    u.re[2] = Math.cos(ph) * s;
    u.im[2] = Math.sin(ph) * s;
    u.re[3] = -Math.cos(ph) * c;
    u.im[3] = -Math.sin(ph) * c;
  } else if ('basis' in m) {
    for (let j = 0; j < dim; j++) {
      for (let k = 0; k < dim; k++) {
        if (m.basis === 'computational') u.re[j * dim + k] = j === k ? 1 : 0;
        else {
          const ang = (2 * Math.PI * j * k) / dim;
          u.re[j * dim + k] = Math.cos(ang) / Math.sqrt(dim);
          u.im[j * dim + k] = Math.sin(ang) / Math.sqrt(dim);
        }
      }
    }
  } else {
    for (let j = 0; j < dim; j++) {
      for (let k = 0; k < dim; k++) {
        u.re[j * dim + k] = m.unitary.re[j]![k]!;
        u.im[j * dim + k] = m.unitary.im[j]![k]!;
      }
    }
  }
  return u;
}

/** max |U^dagger U - 1| entry (unitarity defect). */
export function unitarityDefect(u: CMatrix): number {
  const d = u.rows;
  let worst = 0;
  for (let a = 0; a < d; a++) {
    for (let b = 0; b < d; b++) {
      let re = 0;
      let im = 0;
      for (let j = 0; j < d; j++) {
        // conj(U_ja) U_jb
        const ar = u.re[j * d + a]!, ai = u.im[j * d + a]!, br = u.re[j * d + b]!, bi = u.im[j * d + b]!;
        re += ar * br + ai * bi;
        im += ar * bi - ai * br;
      }
      worst = Math.max(worst, Math.hypot(re - (a === b ? 1 : 0), im));
    }
  }
  return worst;
}

/**
 * p(a|x) = Tr(M_{a_1|x_1} x ... x M_{a_N|x_N} rho) = <psi_a| rho |psi_a>, psi_a = (x)_i U_i|a_i>
 * ([L] text below Eq. 4 / Eq. 7).
 */
export function correlations(rho: CMatrix, dim: number, settings: Settings): Float64Array {
  const parties = settings.length;
  const n = dim ** parties;
  if (rho.rows !== n) throw new RangeError(`state is ${rho.rows}x${rho.rows}, settings need ${n}`);
  const us = settings.map((s) => measurementUnitary(dim, s));
  const p = new Float64Array(n);
  const pr = new Float64Array(n);
  const pi = new Float64Array(n);
  for (let a = 0; a < n; a++) {
    // psi_a[j] = prod_i U_i[j_i, a_i]
    for (let j = 0; j < n; j++) {
      let re = 1;
      let im = 0;
      for (let i = 0; i < parties; i++) {
        const sh = dim ** (parties - 1 - i);
        const ji = Math.floor(j / sh) % dim;
        const ai = Math.floor(a / sh) % dim;
        const ur = us[i]!.re[ji * dim + ai]!, ui = us[i]!.im[ji * dim + ai]!;
        const nr = re * ur - im * ui;
        im = re * ui + im * ur;
        re = nr;
      }
      pr[j] = re;
      pi[j] = im;
    }
    // <psi| rho |psi>
    let s = 0;
    for (let j = 0; j < n; j++) {
      let tr = 0;
      let ti = 0;
      for (let k = 0; k < n; k++) {
        const rr = rho.re[j * n + k]!, ri = rho.im[j * n + k]!;
        tr += rr * pr[k]! - ri * pi[k]!;
        ti += rr * pi[k]! + ri * pr[k]!;
      }
      s += pr[j]! * tr + pi[j]! * ti; // Re(conj(psi_j) (rho psi)_j)
    }
    p[a] = Math.max(0, s);
  }
  return p;
}

/** p_ent(a|x) from |phi><phi| and p_sep(a|x) from rho_sep (Eq. 9), both from the density matrices. */
export function entSepCorrelations(dim: number, settings: Settings): { pEnt: Float64Array; pSep: Float64Array } {
  const parties = settings.length;
  return {
    pEnt: correlations(isotropicState(dim, parties, 1), dim, settings),
    pSep: correlations(separableState(dim, parties), dim, settings),
  };
}
