/** [L] Fig. 1: d = 2, N = 2, uniform leakage, R vs v for L = 0.1, 0.2, 0.3. */
import { visibilityFigure } from './leakage-visibility.js';

export const leakageFig1 = visibilityFigure({
  id: 'leakage-fig1',
  label: '[L] Fig. 1',
  dim: 2,
  parties: 2,
  caption: 'Uniform leakage: upper bound on the secure key rate vs visibility of the two-qubit isotropic state, L = 0.1, 0.2, 0.3.',
  yTitle: 'key rate R (bits per round)',
});
