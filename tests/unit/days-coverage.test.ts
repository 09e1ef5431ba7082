import { describe, expect, it } from "vitest";
import { comparisonCoverage, periodCoverage, windowCovered } from "@/lib/days";

// Online Retail's data range (real file): 2010-12-01 .. 2011-12-09, both inclusive.
const RETAIL = { firstDay: "2010-12-01", lastDay: "2011-12-09" };

describe("periodCoverage", () => {
  it("counts the days of [from, to) inside [firstDay, lastDay]", () => {
    expect(periodCoverage({ from: "2010-12-10", to: "2011-12-10" }, RETAIL)).toEqual({ days: 365, coveredDays: 365, share: 1 });
    expect(periodCoverage({ from: "2009-12-10", to: "2010-12-10" }, RETAIL)).toEqual({ days: 365, coveredDays: 9, share: 9 / 365 });
    expect(periodCoverage({ from: "2011-12-01", to: "2012-01-01" }, RETAIL)).toEqual({ days: 31, coveredDays: 9, share: 9 / 31 });
    expect(periodCoverage({ from: "2009-01-01", to: "2009-02-01" }, RETAIL)).toEqual({ days: 31, coveredDays: 0, share: 0 });
    expect(periodCoverage({ from: "2011-12-09", to: "2011-12-10" }, RETAIL)).toEqual({ days: 1, coveredDays: 1, share: 1 });
    expect(periodCoverage({ from: "2011-12-10", to: "2011-12-11" }, RETAIL)).toEqual({ days: 1, coveredDays: 0, share: 0 });
  });

  it("covers nothing without data", () => {
    expect(periodCoverage({ from: "2024-01-01", to: "2024-01-08" }, { firstDay: null, lastDay: null })).toEqual({ days: 7, coveredDays: 0, share: 0 });
  });

  it("refuses a reversed period", () => {
    expect(() => periodCoverage({ from: "2024-01-08", to: "2024-01-01" }, RETAIL)).toThrow(/reversed/);
  });
});

describe("comparisonCoverage", () => {
  it("does not compare a year with a year holding 9 days of data", () => {
    const c = comparisonCoverage({ from: "2010-12-10", to: "2011-12-10" }, { from: "2009-12-10", to: "2010-12-10" }, RETAIL);
    expect(c.comparable).toBe(false);
    expect(c.previous.coveredDays).toBe(9);
  });

  it("compares at 90 % of the days with data and not below", () => {
    const range = { firstDay: "2024-01-04", lastDay: "2024-12-31" };
    // previous [2024-01-01, 2024-01-31) holds 27 of 30 days = 0.9 of the current 30
    expect(comparisonCoverage({ from: "2024-01-31", to: "2024-03-01" }, { from: "2024-01-01", to: "2024-01-31" }, range).comparable).toBe(true);
    // one day less: 26 < 27
    const later = { firstDay: "2024-01-05", lastDay: "2024-12-31" };
    expect(comparisonCoverage({ from: "2024-01-31", to: "2024-03-01" }, { from: "2024-01-01", to: "2024-01-31" }, later).comparable).toBe(false);
    expect(comparisonCoverage({ from: "2020-01-01", to: "2020-02-01" }, { from: "2019-12-01", to: "2020-01-01" }, range).comparable).toBe(false);
  });
});

describe("windowCovered", () => {
  it("refuses 2024 for data from 2024-11-01 (61 of 366 days), accepts a window half covered, not less", () => {
    expect(windowCovered({ from: "2024-01-01", to: "2025-01-01" }, "2024-11-01")).toBe(false);
    expect(windowCovered({ from: "2025-10-01", to: "2026-01-01" }, "2024-11-01")).toBe(true);
    // February 2026 from the 10th: 19 of 28 days.
    expect(windowCovered({ from: "2026-02-01", to: "2026-03-01" }, "2026-02-10")).toBe(true);
    // 14 of 28 days is half: covered; 13 is not.
    expect(windowCovered({ from: "2026-02-01", to: "2026-03-01" }, "2026-02-15")).toBe(true);
    expect(windowCovered({ from: "2026-02-01", to: "2026-03-01" }, "2026-02-16")).toBe(false);
    expect(windowCovered({ from: "2026-02-01", to: "2026-03-01" }, null)).toBe(false);
  });
});
