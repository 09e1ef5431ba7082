import { describe, expect, it } from "vitest";
import {
  addDays,
  addMonths,
  assertPeriod,
  bucketSpans,
  bucketStart,
  bucketStartSql,
  daysBetween,
  fillBuckets,
  isoDayOfWeek,
  monthsBetween,
  periodLength,
  periodQuerySchema,
  previousPeriod,
  resolvePeriod,
} from "@/lib/analytics/scope";
import { periodSchema } from "@/lib/days";
import { sql } from "drizzle-orm";

describe("calendar-day helpers", () => {
  it("adds days across month ends, leap days and years", () => {
    expect(addDays("2024-02-28", 1)).toBe("2024-02-29");
    expect(addDays("2023-02-28", 1)).toBe("2023-03-01");
    expect(addDays("2024-01-01", -1)).toBe("2023-12-31");
    expect(daysBetween("2024-01-01", "2025-01-01")).toBe(366);
    expect(daysBetween("2024-03-01", "2024-02-01")).toBe(-29);
  });

  it("rejects days that do not exist", () => {
    expect(() => addDays("2024-02-30", 0)).toThrow(/not a calendar day/);
    expect(() => addDays("2024-2-3", 0)).toThrow(/YYYY-MM-DD/);
    expect(periodSchema.safeParse({ from: "2023-02-29", to: "2023-03-05" }).success).toBe(false);
    expect(() => assertPeriod({ from: "2024-01-02", to: "2024-01-01" })).toThrow(/invalid period/);
  });

  it("gives the previous period of equal length", () => {
    expect(previousPeriod({ from: "2024-02-01", to: "2024-03-01" })).toEqual({ from: "2024-01-03", to: "2024-02-01" });
    expect(previousPeriod({ from: "2024-03-01", to: "2024-03-02" })).toEqual({ from: "2024-02-29", to: "2024-03-01" });
    expect(previousPeriod({ from: "2024-01-01", to: "2025-01-01" })).toEqual({ from: "2022-12-31", to: "2024-01-01" });
    expect(periodLength({ from: "2024-02-01", to: "2024-03-01" })).toBe(29);
  });

  it("knows ISO weekdays and month arithmetic", () => {
    expect(isoDayOfWeek("2024-01-01")).toBe(1);
    expect(isoDayOfWeek("2024-01-07")).toBe(7);
    expect(addMonths("2024-01-31", 1)).toBe("2024-02-01");
    expect(addMonths("2024-03-15", -5)).toBe("2023-10-01");
    expect(addMonths("2024-12-01", 1)).toBe("2025-01-01");
    expect(monthsBetween("2023-11-20", "2024-02-01")).toBe(3);
  });
});

describe("buckets", () => {
  it("starts weeks on Monday and months on the 1st", () => {
    expect(bucketStart("week", "2024-02-04")).toBe("2024-01-29"); // a Sunday
    expect(bucketStart("week", "2024-01-29")).toBe("2024-01-29");
    expect(bucketStart("month", "2024-02-29")).toBe("2024-02-01");
    expect(bucketStart("day", "2024-02-29")).toBe("2024-02-29");
  });

  it("clips the first and last buckets to the period", () => {
    expect(bucketSpans({ from: "2024-01-31", to: "2024-02-13" }, "week")).toEqual([
      { start: "2024-01-29", from: "2024-01-31", to: "2024-02-05", days: 5 },
      { start: "2024-02-05", from: "2024-02-05", to: "2024-02-12", days: 7 },
      { start: "2024-02-12", from: "2024-02-12", to: "2024-02-13", days: 1 },
    ]);
    expect(bucketSpans({ from: "2023-12-15", to: "2024-02-01" }, "month")).toEqual([
      { start: "2023-12-01", from: "2023-12-15", to: "2024-01-01", days: 17 },
      { start: "2024-01-01", from: "2024-01-01", to: "2024-02-01", days: 31 },
    ]);
    expect(bucketSpans({ from: "2024-02-28", to: "2024-03-01" }, "day").map((s) => s.start)).toEqual([
      "2024-02-28",
      "2024-02-29",
    ]);
  });

  it("fills gaps and drops rows outside the frame", () => {
    const spans = bucketSpans({ from: "2024-01-01", to: "2024-01-04" }, "day");
    const rows = [
      { bucket: "2024-01-03", n: 7 },
      { bucket: "2023-12-31", n: 99 },
    ];
    expect(
      fillBuckets(
        spans,
        rows,
        (r) => r.bucket,
        (s, r) => ({ day: s.start, n: r.n }),
        (s) => ({ day: s.start, n: 0 }),
      ),
    ).toEqual([
      { day: "2024-01-01", n: 0 },
      { day: "2024-01-02", n: 0 },
      { day: "2024-01-03", n: 7 },
    ]);
  });

  it("refuses a bucket outside the allow-list", () => {
    expect(() => bucketStartSql("hour" as "day", sql`day`)).toThrow(/unknown bucket/);
    expect(() => bucketStart("year" as "day", "2024-01-01")).toThrow(/unknown bucket/);
  });
});

describe("preset periods", () => {
  it("resolves 7/30/90/365 days ending at `to` (exclusive)", () => {
    expect(resolvePeriod(periodQuerySchema.parse({ days: "7", to: "2024-03-01" }))).toEqual({
      from: "2024-02-23",
      to: "2024-03-01",
    });
    expect(resolvePeriod({ days: 365, to: "2025-01-01" })).toEqual({ from: "2024-01-02", to: "2025-01-01" });
    expect(resolvePeriod({ from: "2024-01-01", to: "2024-01-02" })).toEqual({ from: "2024-01-01", to: "2024-01-02" });
  });

  it("rejects other lengths and bad days", () => {
    expect(periodQuerySchema.safeParse({ days: 14, to: "2024-03-01" }).success).toBe(false);
    expect(periodQuerySchema.safeParse({ days: 7, to: "2024-13-01" }).success).toBe(false);
  });
});
