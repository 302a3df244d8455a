/**
 * Accuracy report for src/special against the mpmath fixtures: max error per function and method
 * region, and how many points exceed the stated budget. Reproduce the numbers in docs/special.md:
 *   npx tsx test/special/accuracy-report.ts
 */
import {
  measureBessel, measureErf, measureHyp1f1, measureIncGamma, measureLgamma, measureMisc, measurePoisson,
  type Rec,
} from './measure.js';

const all: Rec[] = [
  ...measureLgamma(), ...measureIncGamma(), ...measurePoisson(), ...measureBessel(), ...measureErf(),
  ...measureHyp1f1(), ...measureMisc(),
];
const groups = new Map<string, Rec[]>();
for (const r of all) {
  const k = `${r.fn} | ${r.region}`;
  groups.set(k, [...(groups.get(k) ?? []), r]);
}
console.log('| function | region | points | max error | at | max err/budget | over budget |');
console.log('|---|---|---|---|---|---|---|');
for (const [k, rs] of groups) {
  let worst = rs[0];
  let worstRatio = 0;
  for (const r of rs) {
    if (r.err > worst.err || Number.isNaN(r.err)) worst = r;
    worstRatio = Math.max(worstRatio, r.err / r.budget);
  }
  const over = rs.filter((r) => !(r.err <= r.budget)).length;
  const [fn, region] = k.split(' | ');
  console.log(
    `| ${fn} | ${region} | ${rs.length} | ${worst.err.toExponential(2)} | ${worst.at} | ${worstRatio.toFixed(3)} | ${over} |`,
  );
}
