/*
 * Benchmark: the next-purchase forecast (lib/models/nextPurchase.ts) against the 12-month CLV sum,
 * per customer, as the CLV job computes both for every customer (lib/jobs/clv.ts).
 *
 *   npx tsx bench/models-nextpurchase.ts [customers=100000]
 *
 * Customers are drawn uniformly (seeded LCG): T in [0, 78) weeks, x in 0..9, t_x in [0, T); the
 * parameters are CDNOW's MBG/NBD fit (tests/fixtures/models/mbgnbd.json) and Gamma-Gamma
 * (6.25, 3.74, 1544 cents). Three repetitions (the first includes JIT warm-up). A figure to
 * report, not a test: the machine is shared, so times vary.
 */
import { customerLifetimeValue } from "@/lib/models/clv";
import { expectedPurchasesMbg, probabilityPurchaseWithin } from "@/lib/models/mbgnbd";
import { nextPurchaseForecast } from "@/lib/models/nextPurchase";

const n = Number(process.argv[2] ?? 100_000);
const p = { r: 0.5248379446498117, alpha: 6.182991462187318, a: 0.8913562128814554, b: 1.6139995345984972 };
const gg = { p: 6.25, q: 3.74, gamma: 1544 };
let seed = 12345;
const rnd = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
const customers = Array.from({ length: n }, () => {
  const T = rnd() * 78;
  const x = Math.floor(rnd() * 10);
  return { x, tx: x === 0 ? 0 : rnd() * T, T, mx: 1000 + rnd() * 5000 };
});
const opts = { horizon: 365.25 / 7, quantiles: [0.1, 0.5, 0.9] as [number, number, number], threshold: 0.5 };
const clvOpts = { horizonMonths: 12, monthlyDiscountRate: 0.01, periodsPerMonth: 365.25 / 12 / 7 };
for (let rep = 0; rep < 3; rep++) {
  let t0 = performance.now();
  let expected = 0;
  for (const c of customers) {
    if (nextPurchaseForecast(p, c, opts).expected) expected++;
    probabilityPurchaseWithin(p, c, 30 / 7);
    probabilityPurchaseWithin(p, c, 90 / 7);
  }
  const nextMs = performance.now() - t0;
  t0 = performance.now();
  let total = 0;
  for (const c of customers) total += customerLifetimeValue(p, gg, c, clvOpts, expectedPurchasesMbg);
  const clvMs = performance.now() - t0;
  console.log(
    `rep ${rep}: next purchase + 30/90-day chances of ${n} customers ${nextMs.toFixed(0)} ms (${expected} with a date); 12-month CLV ${clvMs.toFixed(0)} ms (total ${total.toFixed(0)})`,
  );
}
