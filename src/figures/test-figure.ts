/** Test-only figure (KEYRATE_TEST_EVALUATORS=1): the figure pipeline on the fake sweep evaluator. */
import { curve, lineChart, type DataRow, type Figure, type Panel } from './render.js';

export const testFigure: Figure = {
  id: 'test-figure',
  paper: 'L',
  label: 'test figure',
  caption: 'pipeline test on the fake evaluator',
  requires: [],
  async build(opts): Promise<Panel[]> {
    const rows: DataRow[] = [];
    for (const y of [0, 1, 2]) {
      const xs = Array.from({ length: opts.quick ? 5 : 20 }, (_, i) => i / 4);
      (await curve('test', 'fake', { y, label: 'a', delayMs: 0, failAt: -1 }, 'x', xs, opts)).forEach((p) => rows.push({ series: `y = ${y}`, ...p }));
    }
    const chart = lineChart(rows, {
      title: 'test figure', x: { field: 'x', title: 'x' }, y: { field: 'value', title: 'value' },
      series: { field: 'series', title: 'series', order: ['y = 0', 'y = 1', 'y = 2'] },
    });
    return [{ id: 'test-figure', title: 'test figure', rows, columns: ['series', 'x', 'y', 'value', 'chain', 'ms'], chart, notes: [] }];
  },
};
