/**
 * Adaptive Gauss-Kronrod (G7/K15) quadrature. Returns the integral, an error estimate and the
 * accepted panels' nodes/weights so that related integrands (e.g. every Fock component of Eve's
 * state, Eq. 104) can be summed on exactly the same nodes.
 */
const XGK = [
  0.991455371120812639206854697526329, 0.949107912342758524526189684047851,
  0.864864423359769072789712788640926, 0.741531185599394439863864773280788,
  0.586087235467691130294144845693013, 0.405845151377397166906606412076961,
  0.207784955007898467600689403773245, 0.0,
];
const WGK = [
  0.022935322010529224963732008058970, 0.063092092629978553290700663189204,
  0.104790010322250183839876322541518, 0.140653259715525918745189590510238,
  0.169004726639267902826583426598550, 0.190350578064785409913256402421014,
  0.204432940075298892414161999234649, 0.209482141084727828012999174891714,
];
const WG = [
  0.129484966168869693270611432679082, 0.279705391489276667901467771423780,
  0.381830050505118944950369775488975, 0.417959183673469387755102040816327,
];

export interface QuadResult {
  value: number;
  /** estimated absolute error (sum of |K15 - G7| over accepted panels) */
  error: number;
  /** number of integrand evaluations */
  evaluations: number;
  /** accepted nodes and weights (K15), for reuse */
  nodes: Float64Array;
  weights: Float64Array;
  /** true when every panel met the tolerance before maxPanels */
  converged: boolean;
}

interface Panel {
  a: number;
  b: number;
  k: number;
  err: number;
  x: number[];
  fx: number[];
}

function panel(f: (x: number) => number, a: number, b: number): Panel {
  const c = 0.5 * (a + b);
  const h = 0.5 * (b - a);
  let k = 0;
  let g = 0;
  const x: number[] = [];
  const fx: number[] = [];
  for (let j = 0; j < 8; j++) {
    if (j === 7) {
      const v = f(c);
      x.push(c);
      fx.push(v);
      k += WGK[7]! * v;
      g += WG[3]! * v;
      continue;
    }
    const xl = c - h * XGK[j]!;
    const xr = c + h * XGK[j]!;
    const vl = f(xl);
    const vr = f(xr);
    x.push(xl, xr);
    fx.push(vl, vr);
    k += WGK[j]! * (vl + vr);
    if (j % 2 === 1) g += WG[(j - 1) / 2]! * (vl + vr);
  }
  return { a, b, k: k * h, err: Math.abs((k - g) * h), x, fx };
}

/**
 * Integrate f over [a, b] split at `breaks` (sorted, inside (a, b)), bisecting the worst panel
 * until the total error estimate <= max(absTol, relTol*|I|).
 */
export function integrate(
  f: (x: number) => number,
  a: number,
  b: number,
  opts: { absTol?: number; relTol?: number; breaks?: number[]; maxPanels?: number } = {},
): QuadResult {
  const absTol = opts.absTol ?? 1e-14;
  const relTol = opts.relTol ?? 1e-12;
  const maxPanels = opts.maxPanels ?? 400;
  const pts = [a, ...(opts.breaks ?? []).filter((t) => t > a && t < b).sort((p, q) => p - q), b];
  let panels: Panel[] = [];
  for (let i = 0; i + 1 < pts.length; i++) if (pts[i + 1]! > pts[i]!) panels.push(panel(f, pts[i]!, pts[i + 1]!));
  let evaluations = panels.length * 15;
  let converged = false;
  for (;;) {
    let total = 0;
    let err = 0;
    let worst = 0;
    for (let i = 0; i < panels.length; i++) {
      total += panels[i]!.k;
      err += panels[i]!.err;
      if (panels[i]!.err > panels[worst]!.err) worst = i;
    }
    if (err <= Math.max(absTol, relTol * Math.abs(total))) {
      converged = true;
      break;
    }
    if (panels.length >= maxPanels) break;
    const p = panels[worst]!;
    const m = 0.5 * (p.a + p.b);
    const left = panel(f, p.a, m);
    const right = panel(f, m, p.b);
    evaluations += 30;
    panels = [...panels.slice(0, worst), left, right, ...panels.slice(worst + 1)];
  }
  const n = panels.length * 15;
  const nodes = new Float64Array(n);
  const weights = new Float64Array(n);
  let value = 0;
  let error = 0;
  let o = 0;
  for (const p of panels) {
    const h = 0.5 * (p.b - p.a);
    for (let j = 0; j < 15; j++) {
      nodes[o + j] = p.x[j]!;
      const idx = j === 14 ? 7 : Math.floor(j / 2);
      weights[o + j] = WGK[idx]! * h;
    }
    o += 15;
    value += p.k;
    error += p.err;
  }
  return { value, error, evaluations, nodes, weights, converged };
}
