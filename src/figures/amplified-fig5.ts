/**
 * [A] Fig. 5 (Supplementary Note 1): information Eve can obtain from natural losses against the
 * total length of her detection device N*l, for mu_0 = 9000, mu_1 = 11,000 photons, detector
 * length l = 0.2 m, xi = 0.02 /km (the model's defaults, stated here explicitly). Series:
 * individual single-photon measurements (Eq. 28), Holevo bound with phase randomisation (Eq. 37),
 * Holevo bound without phase randomisation (Eq. 34). The numbers come from the amplified model's
 * naturalLosses(); this module only lays them out (x in metres).
 */
import { MODELS } from '../models/registry.js';
import { lineChart, type DataRow, type Figure, type FigureOptions, type Panel } from './render.js';

export const FIG5_PARAMS = { mu: [9000, 11000] as [number, number], piece: 2e-4, loss: 0.02 };

export const FIG5_SERIES = [
  { key: 'individual', label: 'individual measurements (Eq. 28)' },
  { key: 'holevoPR', label: 'Holevo bound, phase randomised (Eq. 37)' },
  { key: 'holevoNoPR', label: 'Holevo bound, no PR (Eq. 34)' },
] as const;

export const amplifiedFig5: Figure = {
  id: 'amplified-fig5',
  paper: 'A',
  label: '[A] Fig. 5',
  caption: 'Information Eve can obtain from natural losses vs the overall length of her detection device: individual measurements (Eq. 28), Holevo bound with phase randomisation (Eq. 37) and without (Eq. 34).',
  requires: ['amplified.naturalLosses'],
  async build(opts: FigureOptions): Promise<Panel[]> {
    const fn = (await MODELS.amplified.load()).naturalLosses;
    const n = opts.quick ? 9 : 41;
    // 0.2 m (one detector) .. 2 km, log-spaced; the model takes km.
    const metres = Array.from({ length: n }, (_, i) => Number((0.2 * 10 ** ((4 * i) / (n - 1))).toPrecision(12)));
    const t0 = performance.now();
    const res = await fn({ lengths: metres.map((m) => m / 1000), ...FIG5_PARAMS });
    const ms = Math.round((performance.now() - t0) * 1000) / 1000;
    const rows: DataRow[] = [];
    res.rows.forEach((r, i) => {
      for (const s of FIG5_SERIES) {
        rows.push({ series: s.label, lengthM: metres[i], detectors: r.N, information: r[s.key], collective: r.collective, mu0: FIG5_PARAMS.mu[0], mu1: FIG5_PARAMS.mu[1], pieceM: FIG5_PARAMS.piece * 1000, loss: FIG5_PARAMS.loss });
      }
    });
    const chart = lineChart(rows, {
      title: '[A] Fig. 5: information from natural losses',
      x: { field: 'lengthM', title: 'overall length of the detection device N·l (m)', scale: 'log' },
      y: { field: 'information', title: "Eve's information (bits)" },
      series: { field: 'series', title: 'measurement', order: FIG5_SERIES.map((s) => s.label) },
    });
    return [{
      id: 'amplified-fig5', title: '[A] Fig. 5', rows, chart,
      columns: ['series', 'lengthM', 'detectors', 'information', 'collective', 'mu0', 'mu1', 'pieceM', 'loss'],
      notes: [
        `mu0 = ${FIG5_PARAMS.mu[0]}, mu1 = ${FIG5_PARAMS.mu[1]}, l = ${FIG5_PARAMS.piece * 1000} m, xi = ${FIG5_PARAMS.loss} /km; ${ms} ms`,
        `critical detector number (Eq. 26): ${JSON.stringify(res.criticalN)}`,
        'collective column: Eq. 31 (collective photon counting), equal to Eq. 37 in the paper',
      ],
    }];
  },
};
