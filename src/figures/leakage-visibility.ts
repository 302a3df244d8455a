/**
 * [L] Figs. 1, 3, 4: key rate R (Eq. 25/29, uniform leakage, optimal C.C. attack, optimised
 * settings) against the visibility v of the isotropic state (Eq. 6) for L = 0.1, 0.2, 0.3.
 * The visibility grid runs from the separable bound 1/(1+d^(N-1)) to 1 and includes each curve's
 * threshold v* (Theorem 2, corrected: SPEC.md section 2), so every curve reaches zero where the
 * closed form says it must.
 */
import { closedFormThreshold, curve, gridWith, lineChart, type DataRow, type Figure, type FigureOptions, type Panel } from './render.js';

export const LEAKAGES = [0.1, 0.2, 0.3];

export function visibilityFigure(cfg: { id: string; label: string; dim: number; parties: number; caption: string; yTitle: string }): Figure {
  return {
    id: cfg.id,
    paper: 'L',
    label: cfg.label,
    caption: cfg.caption,
    requires: ['leakage.rate', 'leakage.thresholdClosedForm'],
    async build(opts: FigureOptions): Promise<Panel[]> {
      const D = cfg.dim ** (cfg.parties - 1);
      const vSep = 1 / (1 + D); // [L] below Eq. 7: fully separable for v <= 1/(1+d^(N-1))
      const rows: DataRow[] = [];
      const notes: string[] = [];
      for (const L of LEAKAGES) {
        const base = { dim: cfg.dim, parties: cfg.parties, leakage: L, model: 'uniform' };
        const vStar = await closedFormThreshold(cfg.dim, cfg.parties, L);
        notes.push(`L=${L}: threshold v* = ${vStar} (corrected closed form, SPEC.md 2)`);
        const vs = gridWith(vSep, 1, opts.quick ? 0.1 : 0.01, Number.isFinite(vStar) ? [vStar] : []);
        const pts = await curve('leakage', 'rate', { ...base, objective: 'joint' }, 'visibility', vs, opts);
        for (const p of pts) rows.push({ series: `L = ${L}`, ...p, threshold: vStar });
      }
      const columns = ['series', 'dim', 'parties', 'leakage', 'model', 'objective', 'visibility', 'rate', 'threshold', 'settings', 'gamma', 'evaluations', 'method', 'tolerance', 'ms'];
      const chart = lineChart(rows, {
        title: `${cfg.label}: key rate vs visibility (d = ${cfg.dim}, N = ${cfg.parties}, uniform leakage)`,
        x: { field: 'visibility', title: 'visibility v', domain: [vSep, 1] },
        y: { field: 'rate', title: cfg.yTitle },
        series: { field: 'series', title: 'leakage', order: LEAKAGES.map((L) => `L = ${L}`) },
      });
      return [{ id: cfg.id, title: cfg.label, rows, columns, chart, notes }];
    },
  };
}
