/**
 * [A] Fig. 1 a-f: normalised key rate Lf/L (Eq. 7, optimised over photon numbers and windows at
 * each point) against the stolen fraction rE, span d = 50 km, loss 0.02 /km (0.2 dB/km).
 *   a: photon-number encoding, D_AB = 1000 km, one curve per D_AE      d: the same, 40,000 km
 *   b: phase encoding, 1000 km, one curve per D_AE                    e: the same, 40,000 km
 *   c: both encodings, worst case over Eve's position, 1000 km         f: the same, 40,000 km
 * The paper does not list its D_AE values; we use span multiples spread along the line.
 * Lf/L < 1e-6 (including <= 0, no key) stays in the CSV but is not drawn on the log axis.
 */
import { curve, lineChart, type DataRow, type Figure, type FigureOptions, type Panel } from './render.js';

const SPAN = 50;
const LOSS = 0.02;
const ENCODINGS = ['photon-number', 'phase'] as const;
type Encoding = (typeof ENCODINGS)[number];

interface Line { distance: number; rMin: number; eveAt: number[]; eveAtQuick: number[] }
const LINES: Line[] = [
  { distance: 1000, rMin: 1e-6, eveAt: [50, 250, 500, 750, 950], eveAtQuick: [500, 950] },
  { distance: 40000, rMin: 1e-5, eveAt: [50, 10000, 20000, 30000, 39950], eveAtQuick: [20000, 39950] },
];

function logGrid(from: number, to: number, n: number): number[] {
  return Array.from({ length: n }, (_, i) => Number((from * (to / from) ** (i / (n - 1))).toPrecision(12)));
}

/** Lower end of the Lf/L axis: smaller values (down to ~1e-30 where p_check -> 0, and <= 0 = no
 *  key) stay in the CSV but are not drawn; the paper's panels show Lf/L >~ 1e-4. */
const Y_MIN = 1e-6;

const COLUMNS_ALL = ['series', 'encoding', 'distance', 'eveAt', 'leak', 'span', 'loss', 'rate', 'pCheck', 'iAB', 'chi', 'photons', 'windows', 'method', 'tolerance', 'evaluations', 'status', 'converged', 'ms'];

/**
 * --quick: a small optimiser budget and a 3-point Eve scan without refinement, so the figure is
 * drawn in seconds. Those numbers are NOT converged optima (the `converged` column says so); the
 * full run uses the model's default search and the refined worst case.
 */
const QUICK_SEARCH = { samples: 6, starts: 1, maxIter: 12 };
/** Full resolution: rE points per curve and the coarse Eve grid of the worst case (c, f). */
const LEAKS = 11;
const WORST_GRID = 11;
const QUICK_WORST = { ...QUICK_SEARCH, gridPoints: 3, refine: false };

async function panel(id: string, title: string, rows: DataRow[], order: string[], seriesTitle: string, line: Line, notes: string[]): Promise<Panel> {
  const chart = lineChart(rows, {
    title,
    x: { field: 'leak', title: 'stolen signal fraction rE', scale: 'log', domain: [line.rMin, 0.1] },
    y: { field: 'rate', title: 'normalised key rate Lf/L', scale: 'log', domain: [Y_MIN, 1] },
    series: { field: 'series', title: seriesTitle, order },
    filter: `datum.rate >= ${Y_MIN}`,
    points: true,
  });
  return { id, title, rows, columns: COLUMNS_ALL, chart, notes: [...notes, `points with Lf/L < ${Y_MIN} (<= 0: no key) are in the CSV, not drawn`] };
}

export const amplifiedFig1: Figure = {
  id: 'amplified-fig1',
  paper: 'A',
  label: '[A] Fig. 1',
  caption: 'Lf/L vs rE for the photon-number and phase encodings, D_AB = 1000 km (a-c) and 40,000 km (d-f), amplifier spacing 50 km; curves: Alice-Eve distance D_AE; c, f: worst case over D_AE.',
  requires: ['amplified.rate', 'amplified.worstCase'],
  panels: ['a', 'b', 'c', 'd', 'e', 'f'].map((l) => `amplified-fig1${l}`),
  async build(opts: FigureOptions): Promise<Panel[]> {
    // Every full-resolution point is optimised on its own (no warm start along rE: the optimiser's
    // physics-informed starts make cold starts reliable), so the points of all panels are spread
    // over the worker pool and the numbers do not depend on the number of workers.
    const jobs: { letter: string; line: Line; build: Promise<Panel> }[] = [];
    const letters = [['a', 'b', 'c'], ['d', 'e', 'f']];
    for (const [li, line] of LINES.entries()) {
      // --quick trims only the photon-number encoding; the phase encoding is cheap and always runs
      // the full grid and search.
      const quick = (enc: Encoding) => opts.quick && enc === 'photon-number';
      const leaksOf = (enc: Encoding) => (quick(enc) ? [line.rMin, 0.01] : logGrid(line.rMin, 0.1, LEAKS));
      const budgetOf = (enc: Encoding) => (quick(enc) ? 'QUICK optimiser budget (not converged optima)' : 'model default optimiser budget');
      const km = line.distance.toLocaleString('en-US');
      const want = (letter: string) => opts.wants?.(`amplified-fig1${letter}`) ?? true;
      for (const [ei, encoding] of ENCODINGS.entries()) {
        const letter = letters[li]![ei]!;
        if (!want(letter)) continue;
        const eves = quick(encoding) ? line.eveAtQuick : line.eveAt;
        const build = (async () => {
          const curves = await Promise.all(eves.map((eveAt) =>
            curve('amplified', 'rate', { encoding, distance: line.distance, eveAt, span: SPAN, loss: LOSS }, 'leak', leaksOf(encoding),
              { ...opts, independent: !quick(encoding), ...(quick(encoding) ? { optimize: QUICK_SEARCH } : {}) })));
          const rows: DataRow[] = [];
          curves.forEach((pts, k) => pts.forEach((p) => rows.push({ series: `D_AE = ${eves[k]} km`, ...p })));
          return panel(`amplified-fig1${letter}`, `[A] Fig. 1${letter}: ${encoding} encoding, D_AB = ${km} km`, rows,
            eves.map((e) => `D_AE = ${e} km`), 'Alice-Eve distance', line, [`span ${SPAN} km, loss ${LOSS} /km; photons and windows optimised at each point; ${budgetOf(encoding)}`]);
        })();
        jobs.push({ letter, line, build });
      }
      const letter = letters[li]![2]!;
      if (!want(letter)) continue;
      const build = (async () => {
        const curves = await Promise.all(ENCODINGS.map((encoding) =>
          curve('amplified', 'worst-case', { encoding, distance: line.distance, span: SPAN, loss: LOSS, ...(quick(encoding) ? {} : { gridPoints: WORST_GRID }) }, 'leak', leaksOf(encoding),
            { ...opts, independent: !quick(encoding), ...(quick(encoding) ? { optimize: QUICK_WORST } : {}) })));
        const rows: DataRow[] = [];
        curves.forEach((pts, k) => pts.forEach((p) => rows.push({ series: ENCODINGS[k]!, ...p })));
        return panel(`amplified-fig1${letter}`, `[A] Fig. 1${letter}: worst case over Eve's position, D_AB = ${km} km`, rows,
          [...ENCODINGS], 'encoding', line, ENCODINGS.map((e) => `${e}: eveAt column = the worst-case Alice-Eve distance found; ${budgetOf(e)}${quick(e) ? ', 3-point Eve scan' : `, ${WORST_GRID}-point Eve scan refined to one span`}`));
      })();
      jobs.push({ letter, line, build });
    }
    const panels = await Promise.all(jobs.map((j) => j.build));
    return panels.sort((a, b) => a.id.localeCompare(b.id));
  },
};
