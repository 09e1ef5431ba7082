/*
 * Benchmark: fit time of the CLV models on 100,000 simulated customers.
 *
 *   npx tsx bench/models-clv.ts [customers=100000] [seed=20240611]
 *
 * Customers are drawn from the BG/NBD generative process (simulateBgNbd, seeded sfc32) with
 * known parameters, then fitted; prints wall time, Nelder–Mead iterations and the recovered
 * parameters ± standard errors. Two shapes of data:
 *   - weeks, continuous times (every (x, t_x, T) distinct: the worst case for the likelihood);
 *   - days, whole-day times as the product's rollups give them (repeated patterns merge).
 * Also times a Gamma-Gamma fit on the repeaters and 12-month CLV for every customer.
 * A figure to report, not a test: the machine is shared, so times vary.
 */

import { fitBgNbd, simulateBgNbd, type BgNbdParams, type RfmSummary } from "@/lib/models/bgnbd";
import { customerLifetimeValue } from "@/lib/models/clv";
import { fitGammaGamma, type GammaGammaParams } from "@/lib/models/gammaGamma";
import { gamma as gammaVariate } from "@/lib/models/samplers";
import { Rng } from "@/lib/models/prng";

const n = Number(process.argv[2] ?? 100_000);
const seed = Number(process.argv[3] ?? 20240611);

function report(label: string, truth: BgNbdParams, data: RfmSummary[]) {
  const started = performance.now();
  const fit = fitBgNbd(data);
  const ms = performance.now() - started;
  const params = (Object.keys(truth) as (keyof BgNbdParams)[])
    .map((k) => `${k} ${fit.params[k].toFixed(4)} ± ${fit.standardErrors[k].toFixed(4)} (true ${truth[k]})`)
    .join(", ");
  console.log(`${label}: ${n} customers fitted in ${(ms / 1000).toFixed(2)} s, ${fit.iterations} iterations, converged ${fit.converged}`);
  console.log(`  ${params}; LL ${fit.logLikelihood.toFixed(2)}`);
  return fit;
}

const weekly: BgNbdParams = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };
let rng = new Rng(seed);
let t0 = performance.now();
const weeks = simulateBgNbd(
  weekly,
  Array.from({ length: n }, () => 52 * rng.next()),
  rng,
);
console.log(`simulated ${n} customers (weeks) in ${((performance.now() - t0) / 1000).toFixed(2)} s`);
const weekFit = report("BG/NBD, weeks, continuous", weekly, weeks);

const daily: BgNbdParams = { r: 0.5, alpha: 20, a: 0.8, b: 2.5 };
rng = new Rng(seed + 1);
const days = simulateBgNbd(
  daily,
  Array.from({ length: n }, () => Math.floor(730 * rng.next())),
  rng,
).map((c) => ({ x: c.x, tx: Math.floor(c.tx), T: c.T }));
report("BG/NBD, whole days", daily, days);

// Spend: Gamma(p, ν) values with ν ~ Gamma(q, γ), mean of x repeat values per repeater.
const spend: GammaGammaParams = { p: 6.25, q: 3.74, gamma: 1544 };
rng = new Rng(seed + 2);
const withValue = weeks.map((c) => {
  if (c.x === 0) return { ...c, mx: 0 };
  const nu = gammaVariate(rng, spend.q, spend.gamma);
  let total = 0;
  for (let i = 0; i < c.x; i++) total += gammaVariate(rng, spend.p, nu);
  return { ...c, mx: total / c.x };
});
t0 = performance.now();
const repeaters = withValue.filter((c) => c.x > 0);
const gg = fitGammaGamma(repeaters);
console.log(
  `Gamma-Gamma: ${repeaters.length} repeaters fitted in ${((performance.now() - t0) / 1000).toFixed(2)} s: ` +
    `p ${gg.params.p.toFixed(3)} ± ${gg.standardErrors.p.toFixed(3)}, q ${gg.params.q.toFixed(3)} ± ${gg.standardErrors.q.toFixed(3)}, ` +
    `γ ${gg.params.gamma.toFixed(1)} ± ${gg.standardErrors.gamma.toFixed(1)} (true 6.25, 3.74, 1544)`,
);

t0 = performance.now();
let total = 0;
for (const c of withValue) {
  total += customerLifetimeValue(weekFit.params, gg.params, c, { horizonMonths: 12, monthlyDiscountRate: 0.01, periodsPerMonth: 365.25 / 12 / 7 });
}
console.log(`12-month CLV of ${n} customers in ${((performance.now() - t0) / 1000).toFixed(2)} s (mean ${(total / n).toFixed(1)} minor units)`);
