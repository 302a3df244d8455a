/**
 * [L] Fig. 2: key rate vs number of repeaters n, d = 2, N = 2, uniform leakage L = 0.1, initial
 * visibilities v = 0.9, 0.95, 0.98. The paper's rule (text before Eq. 5): after n repeaters the
 * visibility is v^(2n) (SPEC.md section 2: default `rule: 'paper'`; the physical swap rule
 * v^(n+1) differs except at n = 1). n_max from Eq. 5 with the corrected threshold is noted.
 */
import { closedFormThreshold, curve, lineChart, type DataRow, type Figure, type Panel } from './render.js';

export const VISIBILITIES = [0.9, 0.95, 0.98];
const LEAKAGE = 0.1;

export const leakageFig2: Figure = {
  id: 'leakage-fig2',
  paper: 'L',
  label: '[L] Fig. 2',
  caption: 'Uniform leakage L = 0.1: secure key rate vs number of repeaters n for initial visibilities v = 0.9, 0.95, 0.98 (effective visibility v^(2n)).',
  requires: ['leakage.rate', 'leakage.thresholdClosedForm'],
  async build(opts): Promise<Panel[]> {
    const base = { dim: 2, parties: 2, leakage: LEAKAGE, model: 'uniform' };
    const vStar = await closedFormThreshold(2, 2, LEAKAGE);
    const nMax = 26;
    const ns = Array.from({ length: nMax + 1 }, (_, n) => n).filter((n) => !opts.quick || n % 2 === 0);
    const rows: DataRow[] = [];
    const notes: string[] = [`threshold v* = ${vStar} (corrected closed form) at L = ${LEAKAGE}`];
    for (const v of VISIBILITIES) {
      // Eq. 5 with the corrected threshold: n_max = log(v*) / (2 log v).
      notes.push(`v = ${v}: n_max (Eq. 5, corrected threshold) = ${(Math.log(vStar) / (2 * Math.log(v))).toFixed(4)}`);
      const veff = ns.map((n) => v ** (2 * n));
      const pts = await curve('leakage', 'rate', { ...base, objective: 'joint' }, 'visibility', veff, opts);
      pts.forEach((p, i) => rows.push({ series: `v = ${v}`, initialVisibility: v, repeaters: ns[i], rule: 'paper', ...p }));
    }
    const columns = ['series', 'initialVisibility', 'repeaters', 'rule', 'dim', 'parties', 'leakage', 'model', 'objective', 'visibility', 'rate', 'settings', 'gamma', 'evaluations', 'method', 'tolerance', 'ms'];
    const chart = lineChart(rows, {
      title: '[L] Fig. 2: key rate vs number of repeaters (d = 2, N = 2, L = 0.1)',
      x: { field: 'repeaters', title: 'number of repeaters n', domain: [0, nMax] },
      y: { field: 'rate', title: 'key rate R (bits per round)' },
      series: { field: 'series', title: 'initial visibility', order: VISIBILITIES.map((v) => `v = ${v}`) },
      points: true,
    });
    return [{ id: 'leakage-fig2', title: '[L] Fig. 2', rows, columns, chart, notes }];
  },
};
