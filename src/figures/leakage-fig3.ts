/** [L] Fig. 3: d = 2, N = 3 (GHZ isotropic state), uniform leakage, R vs v for L = 0.1, 0.2, 0.3. */
import { visibilityFigure } from './leakage-visibility.js';

export const leakageFig3 = visibilityFigure({
  id: 'leakage-fig3',
  label: '[L] Fig. 3',
  dim: 2,
  parties: 3,
  caption: 'Uniform leakage: upper bound on the secure key rate vs visibility for d = 2, N = 3, L = 0.1, 0.2, 0.3.',
  yTitle: 'key rate R (bits per round, 1/(N-1) normalised)',
});
