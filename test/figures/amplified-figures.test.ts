/** [A] Fig. 5 from the amplified model: SVG legend = the paper's three series; CSV = naturalLosses() rows. */
import { describe, expect, it } from 'vitest';
import { amplifiedFig5, FIG5_PARAMS } from '../../src/figures/amplified-fig5.js';
import { renderSvg } from '../../src/figures/render.js';
import { legendLabels, lineCount, parseXml } from './xml.js';


describe('[A] Fig. 5', () => {
  it('three series over device length in metres, values as returned by the model', async () => {
    const [p] = await amplifiedFig5.build({ quick: true });
    const svg = parseXml(await renderSvg(p!.chart));
    expect(legendLabels(svg)).toEqual(['individual measurements (Eq. 28)', 'Holevo bound, phase randomised (Eq. 37)', 'Holevo bound, no PR (Eq. 34)']);
    expect(lineCount(svg)).toBe(3);
    const mod = (await import('../../src/models/amplified/index.js')) as unknown as { naturalLosses: (i: unknown) => { rows: Record<string, number>[] } };
    const lengths = [...new Set(p!.rows.map((r) => Number(r['lengthM'])))];
    expect(lengths[0]).toBe(0.2);
    expect(lengths.at(-1)).toBe(2000);
    const direct = mod.naturalLosses({ lengths: lengths.map((m) => m / 1000), ...FIG5_PARAMS }).rows;
    const ind = p!.rows.filter((r) => r['series'] === 'individual measurements (Eq. 28)').map((r) => r['information']);
    expect(ind).toEqual(direct.map((r) => r['individual']));
    // Information is a fraction of one bit.
    for (const r of p!.rows) expect(Number(r['information'])).toBeGreaterThanOrEqual(0);
    for (const r of p!.rows) expect(Number(r['information'])).toBeLessThanOrEqual(1 + 1e-12);
  });
});
