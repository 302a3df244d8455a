/** [L] Fig. 4: d = 3, N = 2, uniform leakage, R vs v for L = 0.1, 0.2, 0.3 (R can exceed 1 bit, up to log2 3). */
import { visibilityFigure } from './leakage-visibility.js';

export const leakageFig4 = visibilityFigure({
  id: 'leakage-fig4',
  label: '[L] Fig. 4',
  dim: 3,
  parties: 2,
  caption: 'Uniform leakage: upper bound on the secure key rate vs visibility for d = 3, N = 2 (up to log2 3 bits), L = 0.1, 0.2, 0.3.',
  yTitle: 'key rate R (bits per round)',
});
