/**
 * [L] figures against closed forms that do not come from the model code (SPEC.md section 2):
 *  - d = 2, N = 2, aligned measurements: with q = (1+D)(1-v)/D, K = (1-q)(1-L), w = qL/3,
 *    P = K + w, e = w/P: R = P(1 - h2(e)) for e < 1/2, else 0;
 *  - R = 0 at and below the corrected threshold v* = 1/(1 + D(1-L));
 *  - R(v = 1) = (1 - L) log2 d for every (d, N) (uniform leakage, perfect GHZ key);
 *  - R = 0 for v <= 1/(1+D) (fully separable state).
 */
import { describe, expect, it } from 'vitest';
import { missingRequirement } from '../../src/figures/index.js';
import { leakageFig1 } from '../../src/figures/leakage-fig1.js';
import { leakageFig2 } from '../../src/figures/leakage-fig2.js';
import { leakageFig3 } from '../../src/figures/leakage-fig3.js';
import { leakageFig4 } from '../../src/figures/leakage-fig4.js';
import { renderSvg } from '../../src/figures/render.js';
import { legendLabels, parseXml } from './xml.js';

const h2 = (p: number) => (p <= 0 || p >= 1 ? 0 : -p * Math.log2(p) - (1 - p) * Math.log2(1 - p));

function closedForm22(v: number, L: number): number {
  const D = 2;
  if (v <= 1 / (1 + D)) return 0; // fully separable (q_v >= 1): no key
  const q = ((1 + D) * (1 - v)) / D;
  const K = (1 - q) * (1 - L);
  const w = (q * L) / 3;
  const P = K + w;
  const e = w / P;
  return e < 0.5 ? P * (1 - h2(e)) : 0;
}

describe('[L] figures (quick grids)', () => {
  it('Fig. 1 matches the d = 2, N = 2 closed form and the corrected thresholds', async () => {
    const [p] = await leakageFig1.build({ quick: true });
    expect(legendLabels(parseXml(await renderSvg(p!.chart)))).toEqual(['L = 0.1', 'L = 0.2', 'L = 0.3']);
    for (const r of p!.rows) {
      const v = Number(r['visibility']);
      const L = Number(r['leakage']);
      expect(Number(r['threshold'])).toBeCloseTo(1 / (1 + 2 * (1 - L)), 12);
      expect(Math.abs(Number(r['rate']) - closedForm22(v, L))).toBeLessThan(1e-6);
    }
  });

  for (const [fig, d] of [[leakageFig3, 2], [leakageFig4, 3]] as const) {
    it(`${fig.label}: zero at and below v*, (1 - L) log2 d at v = 1`, async () => {
      const [p] = await fig.build({ quick: true });
      expect(legendLabels(parseXml(await renderSvg(p!.chart)))).toEqual(['L = 0.1', 'L = 0.2', 'L = 0.3']);
      for (const r of p!.rows) {
        const v = Number(r['visibility']);
        const L = Number(r['leakage']);
        if (v <= Number(r['threshold'])) expect(Number(r['rate'])).toBeLessThan(1e-9);
        if (v === 1) expect(Number(r['rate'])).toBeCloseTo((1 - L) * Math.log2(d), 6);
      }
    });
  }

  it('Fig. 2: n = 0 is the rate at v; zero beyond n_max = log(v*)/(2 log v)', async () => {
    const [p] = await leakageFig2.build({ quick: true });
    expect(legendLabels(parseXml(await renderSvg(p!.chart)))).toEqual(['v = 0.9', 'v = 0.95', 'v = 0.98']);
    const vStar = 1 / (1 + 2 * 0.9);
    for (const r of p!.rows) {
      const v0 = Number(r['initialVisibility']);
      const n = Number(r['repeaters']);
      expect(Number(r['visibility'])).toBeCloseTo(v0 ** (2 * n), 14);
      expect(Math.abs(Number(r['rate']) - closedForm22(v0 ** (2 * n), 0.1))).toBeLessThan(1e-6);
      if (n > Math.log(vStar) / (2 * Math.log(v0))) expect(Number(r['rate'])).toBeLessThan(1e-9);
    }
  });
});

describe('[L] figures: missing model functions', () => {
  it('a figure whose model function does not exist is reported as unavailable, naming it', async () => {
    expect(await missingRequirement({ ...leakageFig1, requires: ['leakage.noSuchFunction'] })).toMatch(/does not export noSuchFunction\(\)/);
    expect(await missingRequirement(leakageFig1)).toBeUndefined();
  });
});
