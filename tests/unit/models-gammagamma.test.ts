import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { sampleCorrelation } from "simple-statistics";
import {
  expectedAverageValue,
  fitGammaGamma,
  gammaGammaLogLikelihood,
  type GammaGammaParams,
  type RepeatSpend,
} from "@/lib/models/gammaGamma";

/*
 * Gamma-Gamma against the published CDNOW results (shared/data/README.md section 2):
 *   - Fader & Hardie (2013), note 025: p = 6.25, q = 3.74, γ = 15.44 on the 946 repeat customers;
 *   - CLVTools tests/testthat/test_correctness_gg.R: LL −4055.9177 (its gg() takes exact mean
 *     repeat values from the transactions, first purchase removed);
 *   - Hardie's spreadsheet (lifetimes test, atol 0.1): E[M] of customers 1..10;
 *   - lifetimes docs: the mean of E[M] over all 2,357 customers is 35.2529588256 (lifetimes fits
 *     the summary file, whose zbar is rounded to cents).
 */

const DATA_DIR = process.env.SHARED_DATA_DIR ?? path.resolve(process.cwd(), "../shared/data");
const SUMMARY = path.join(DATA_DIR, "cdnow", "cdnow_customers_summary_with_transactions.csv");
const ELOG = path.join(DATA_DIR, "cdnow", "cdnowElog.csv");
const present = fs.existsSync(SUMMARY) && fs.existsSync(ELOG);
if (!present) console.warn(`models-gammagamma: CDNOW tests skipped, ${SUMMARY} or ${ELOG} not found (set SHARED_DATA_DIR)`);

const PUBLISHED: GammaGammaParams = { p: 6.25, q: 3.74, gamma: 15.44 };
const HARDIE_FIRST_TEN = [24.65, 18.91, 35.17, 35.17, 35.17, 71.46, 18.91, 35.17, 27.28, 35.17];

function lines(file: string): string[] {
  return fs.readFileSync(file, "utf8").split(/\r?\n/).filter((l) => l !== "").slice(1);
}

/** ID,x,t_x,T,zbar for all 2,357 customers (zbar in dollars, rounded to cents; 0 when x = 0). */
function summaryFile(): Array<{ x: number; zbar: number }> {
  return lines(SUMMARY).map((l) => {
    const [, x, , , zbar] = l.split(",").map(Number);
    return { x, zbar };
  });
}

/**
 * Exact mean repeat values from cdnowElog.csv: same-day transactions merged (cents summed),
 * calibration through 1997-09-30, first purchase-day excluded; dollars, unrounded.
 */
function repeatersFromEventLog(): RepeatSpend[] {
  const byCustomer = new Map<number, Map<string, number>>();
  for (const l of lines(ELOG)) {
    const [, sampleId, date, , sales] = l.split(",");
    const id = Number(sampleId);
    if (!byCustomer.has(id)) byCustomer.set(id, new Map());
    const days = byCustomer.get(id)!;
    days.set(date, (days.get(date) ?? 0) + Math.round(Number(sales) * 100));
  }
  const out: RepeatSpend[] = [];
  for (const id of [...byCustomer.keys()].sort((a, b) => a - b)) {
    const days = byCustomer.get(id)!;
    const calibration = [...days.keys()].filter((d) => d <= "19970930").sort();
    if (calibration.length < 2) continue;
    const repeat = calibration.slice(1).map((d) => days.get(d)!);
    out.push({ x: repeat.length, mx: repeat.reduce((s, v) => s + v, 0) / repeat.length / 100 });
  }
  return out;
}

describe("Gamma-Gamma formulas", () => {
  it("E[M] is the credibility mix of the population mean and the customer's mean (FH 2013 eq. (5))", () => {
    // Population mean γp/(q−1) = 15.44 · 6.25 / 2.74 = 35.2190; weight of m_x for x = 2: px/(px+q−1) = 12.5/15.24.
    expect(expectedAverageValue(PUBLISHED, 0, 999)).toBeCloseTo(35.218978, 5);
    const w = 12.5 / 15.24;
    expect(expectedAverageValue(PUBLISHED, 2, 50)).toBeCloseTo((1 - w) * 35.218978 + w * 50, 5);
    // More repeat purchases → more weight on the customer's own mean.
    expect(expectedAverageValue(PUBLISHED, 20, 50)).toBeGreaterThan(expectedAverageValue(PUBLISHED, 2, 50));
  });

  it("rejects invalid parameters, data and a non-existent mean", () => {
    expect(() => fitGammaGamma([])).toThrow(/no repeat customers/);
    expect(() => fitGammaGamma([{ x: 0, mx: 10 }])).toThrow(/x must be/);
    expect(() => fitGammaGamma([{ x: 1, mx: 0 }])).toThrow(/mx must be positive/);
    expect(() => gammaGammaLogLikelihood({ p: -1, q: 2, gamma: 1 }, [{ x: 1, mx: 1 }])).toThrow(/p must be positive/);
    expect(() => expectedAverageValue({ p: 1, q: 0.8, gamma: 10 }, 0, 0)).toThrow(/no finite mean/);
  });

  it("is equivariant in the money unit: cents give the same p, q, γ × 100 and LL − n ln 100", () => {
    const data = [
      { x: 1, mx: 12.5 },
      { x: 3, mx: 40 },
      { x: 2, mx: 18.25 },
      { x: 5, mx: 22 },
      { x: 1, mx: 95.1 },
      { x: 4, mx: 30.3 },
      { x: 2, mx: 11 },
      { x: 7, mx: 26.75 },
    ];
    const ll = gammaGammaLogLikelihood(PUBLISHED, data);
    const llCents = gammaGammaLogLikelihood({ ...PUBLISHED, gamma: 1544 }, data.map((c) => ({ x: c.x, mx: c.mx * 100 })));
    expect(llCents).toBeCloseTo(ll - data.length * Math.log(100), 9);
  });
});

describe.skipIf(!present)("Gamma-Gamma on the CDNOW 1/10 sample (946 repeat customers)", () => {
  it("the loader reproduces the README's data checks", () => {
    const repeaters = summaryFile().filter((c) => c.x > 0);
    expect(repeaters.length).toBe(946);
    expect(repeatersFromEventLog().length).toBe(946);
    const meanZbar = repeaters.reduce((s, c) => s + c.zbar, 0) / repeaters.length;
    expect(meanZbar).toBeCloseTo(35.078551797, 8);
    expect(
      sampleCorrelation(
        repeaters.map((c) => c.zbar),
        repeaters.map((c) => c.x),
      ),
    ).toBeCloseTo(0.113884, 6);
  });

  it("fit on exact mean values: p = 6.25, q = 3.74, γ = 15.44 and CLVTools' LL −4055.9177", () => {
    const fit = fitGammaGamma(repeatersFromEventLog());
    expect(fit.converged).toBe(true);
    expect(fit.customers).toBe(946);
    expect(fit.params.p.toFixed(2)).toBe("6.25");
    expect(fit.params.q.toFixed(2)).toBe("3.74");
    expect(fit.params.gamma.toFixed(2)).toBe("15.44");
    // CLVTools gives 4 decimals: |Δ| ≤ 0.00005. Every constant of FH 2013 eq. (1a) is included.
    expect(Math.abs(fit.logLikelihood - -4055.9177)).toBeLessThanOrEqual(0.00005);
  });

  it("fit on the summary file's cent-rounded zbar: γ = 15.45 (as lifetimes' Quickstart prints), LL −4055.923", () => {
    const fit = fitGammaGamma(summaryFile().filter((c) => c.x > 0).map((c) => ({ x: c.x, mx: c.zbar })));
    expect(fit.params.p.toFixed(2)).toBe("6.25");
    expect(fit.params.q.toFixed(2)).toBe("3.74");
    // Rounding 946 means to cents moves γ from 15.4435 to 15.4478.
    expect(fit.params.gamma.toFixed(2)).toBe("15.45");
    expect(fit.logLikelihood).toBeCloseTo(-4055.9232, 3);
  });

  it("E[M] of customers 1..10 matches Hardie's spreadsheet", () => {
    const file = summaryFile();
    const firstTen = file.slice(0, 10).map((c) => expectedAverageValue(PUBLISHED, c.x, c.zbar));
    // The spreadsheet's own tolerance (lifetimes' test): atol 0.1 at the rounded published estimates.
    firstTen.forEach((v, i) => expect(Math.abs(v - HARDIE_FIRST_TEN[i])).toBeLessThan(0.1));
    // At the full-precision estimates (fitted on the same file) the two agree to 0.01.
    const fit = fitGammaGamma(file.filter((c) => c.x > 0).map((c) => ({ x: c.x, mx: c.zbar })));
    file.slice(0, 10).forEach((c, i) => expect(Math.abs(expectedAverageValue(fit.params, c.x, c.zbar) - HARDIE_FIRST_TEN[i])).toBeLessThan(0.01));
  });

  it("the mean E[M] over all 2,357 customers is lifetimes' 35.2529588256 (relative 1e-6)", () => {
    const file = summaryFile();
    const fit = fitGammaGamma(file.filter((c) => c.x > 0).map((c) => ({ x: c.x, mx: c.zbar })));
    const mean = file.reduce((s, c) => s + expectedAverageValue(fit.params, c.x, c.zbar), 0) / file.length;
    // Different optimisers stop at slightly different points: ours is 2e-8 away.
    expect(Math.abs(mean / 35.2529588256 - 1)).toBeLessThan(1e-6);
  });

  it("fitting in cents gives the same model (γ × 100) and LL − 946 ln 100", () => {
    const dollars = repeatersFromEventLog();
    const fit = fitGammaGamma(dollars);
    const cents = fitGammaGamma(dollars.map((c) => ({ x: c.x, mx: c.mx * 100 })));
    expect(cents.params.p / fit.params.p).toBeCloseTo(1, 5);
    expect(cents.params.q / fit.params.q).toBeCloseTo(1, 5);
    expect(cents.params.gamma / (100 * fit.params.gamma)).toBeCloseTo(1, 5);
    expect(cents.logLikelihood).toBeCloseTo(fit.logLikelihood - 946 * Math.log(100), 4);
  });
});
