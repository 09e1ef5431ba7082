import { describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import {
  activePreset,
  addDays,
  addMonthsRollingOver,
  addMonthsToMonthStart,
  anchorEnd,
  assertPeriod,
  bucketSpans,
  bucketStart,
  dayFromEpoch,
  daysBetween,
  daysIn,
  dayToMs,
  DEFAULT_DAYS,
  DEFAULT_GRAIN_PERIODS,
  epochDay,
  fillBuckets,
  fullIsoWeekStarts,
  grainOf,
  grainPeriods,
  isIsoDay,
  isoDayOfWeek,
  isoWeekStart,
  monthsBetween,
  monthStartsIn,
  nextBucketStart,
  periodFromSearchParams,
  periodLength,
  periodQuerySchema,
  periodSchema,
  PRESET_DAYS,
  presetPeriod,
  previousGrainPeriod,
  previousPeriod,
  resolvePeriod,
  todayIn,
  wholeMonthsIn,
  yearAgoPeriod,
} from "@/lib/days";
import { bucketStartSql } from "@/lib/analytics/scope";

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
    expect(addMonthsToMonthStart("2024-01-31", 1)).toBe("2024-02-01");
    expect(addMonthsToMonthStart("2024-03-15", -5)).toBe("2023-10-01");
    expect(addMonthsToMonthStart("2024-12-01", 1)).toBe("2025-01-01");
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

describe("the two month arithmetics, named for what they do", () => {
  it("addMonthsToMonthStart drops the day of the month (month buckets, cohorts, competitor grains)", () => {
    expect(addMonthsToMonthStart("2024-01-31", 1)).toBe("2024-02-01");
    expect(addMonthsToMonthStart("2024-03-31", -1)).toBe("2024-02-01");
    expect(addMonthsToMonthStart("2024-01-15", -13)).toBe("2022-12-01");
    expect(addMonthsToMonthStart("2024-11-30", 14)).toBe("2026-01-01");
    expect(() => addMonthsToMonthStart("2024-02-30", 1)).toThrow(RangeError);
  });

  it("addMonthsRollingOver keeps the day and rolls a missing one into the next month (synthetic window)", () => {
    expect(addMonthsRollingOver("2026-11-01", -24)).toBe("2024-11-01");
    expect(addMonthsRollingOver("2024-01-31", 1)).toBe("2024-03-02");
    expect(addMonthsRollingOver("2023-01-31", 1)).toBe("2023-03-03");
    expect(addMonthsRollingOver("2024-02-29", 12)).toBe("2025-03-01");
    expect(addMonthsRollingOver("2024-05-31", -3)).toBe("2024-03-02");
  });
});

describe("epoch days, ISO weeks, month starts and day lists", () => {
  it("numbers days from 1970-01-01 and back, rejecting impossible days with a RangeError", () => {
    expect(epochDay("1970-01-01")).toBe(0);
    expect(epochDay("2024-11-01")).toBe(20028);
    expect(dayFromEpoch(20028)).toBe("2024-11-01");
    expect(dayFromEpoch(-1)).toBe("1969-12-31");
    expect(() => epochDay("2025-02-29")).toThrow(RangeError);
    expect(() => dayToMs("20240101")).toThrow(/YYYY-MM-DD/);
    expect(isIsoDay("2024-02-29")).toBe(true);
    expect(isIsoDay("2023-02-29")).toBe(false);
    expect(isIsoDay(20240101)).toBe(false);
  });

  it("finds ISO week Mondays and the whole weeks inside a period", () => {
    expect(isoWeekStart("2024-01-07")).toBe("2024-01-01"); // a Sunday
    expect(isoWeekStart("2021-01-01")).toBe("2020-12-28"); // ISO week 53 of 2020
    expect(fullIsoWeekStarts({ from: "2024-01-03", to: "2024-01-29" })).toEqual(["2024-01-08", "2024-01-15", "2024-01-22"]);
    expect(fullIsoWeekStarts({ from: "2024-01-01", to: "2024-01-15" })).toEqual(["2024-01-01", "2024-01-08"]);
    expect(fullIsoWeekStarts({ from: "2024-01-02", to: "2024-01-08" })).toEqual([]);
  });

  it("lists the month starts and the days of a half-open period", () => {
    expect(monthStartsIn({ from: "2023-12-15", to: "2024-03-01" })).toEqual(["2023-12-01", "2024-01-01", "2024-02-01"]);
    expect(monthStartsIn({ from: "2024-02-01", to: "2024-02-02" })).toEqual(["2024-02-01"]);
    expect(daysIn({ from: "2024-02-27", to: "2024-03-02" })).toEqual(["2024-02-27", "2024-02-28", "2024-02-29", "2024-03-01"]);
    expect(daysIn({ from: "2024-03-02", to: "2024-03-02" })).toEqual([]);
  });

  it("splits a period into its whole months and the cut days on either side", () => {
    expect(wholeMonthsIn({ from: "2024-01-15", to: "2024-04-10" })).toEqual({
      whole: { from: "2024-02-01", to: "2024-04-01" },
      cuts: [{ from: "2024-01-15", to: "2024-02-01" }, { from: "2024-04-01", to: "2024-04-10" }],
    });
    expect(wholeMonthsIn({ from: "2023-11-01", to: "2024-03-01" })).toEqual({ whole: { from: "2023-11-01", to: "2024-03-01" }, cuts: [] });
    expect(wholeMonthsIn({ from: "2024-02-01", to: "2024-03-05" })).toEqual({
      whole: { from: "2024-02-01", to: "2024-03-01" },
      cuts: [{ from: "2024-03-01", to: "2024-03-05" }],
    });
    // No whole month: the period is its own cut (a preset 30 days across two months).
    expect(wholeMonthsIn({ from: "2024-01-20", to: "2024-02-19" })).toEqual({ whole: null, cuts: [{ from: "2024-01-20", to: "2024-02-19" }] });
    expect(wholeMonthsIn({ from: "2024-02-01", to: "2024-02-29" })).toEqual({ whole: null, cuts: [{ from: "2024-02-01", to: "2024-02-29" }] });
    expect(() => wholeMonthsIn({ from: "2024-01-01", to: "2024-02-30" })).toThrow(RangeError);
  });
});

describe("dashboard presets", () => {
  it("anchors on the day after the latest data day, else tomorrow in the merchant's zone", () => {
    expect(anchorEnd("2024-02-29", "Europe/Moscow")).toBe("2024-03-01");
    // 2024-03-10 22:30 UTC is already 2024-03-11 in Moscow (UTC+3).
    expect(anchorEnd(null, "Europe/Moscow", new Date("2024-03-10T22:30:00Z"))).toBe("2024-03-12");
    expect(todayIn("Asia/Novosibirsk", new Date("2024-03-10T16:59:59Z"))).toBe("2024-03-10");
    expect(todayIn("Asia/Novosibirsk", new Date("2024-03-10T17:00:00Z"))).toBe("2024-03-11");
  });

  it("recognises a preset period and reads ?from&to", () => {
    expect(PRESET_DAYS).toEqual([7, 30, 90, 365]);
    expect(DEFAULT_DAYS).toBe(30);
    expect(presetPeriod(30, "2024-03-01")).toEqual({ from: "2024-01-31", to: "2024-03-01" });
    expect(activePreset({ from: "2024-01-31", to: "2024-03-01" }, "2024-03-01")).toBe(30);
    expect(activePreset({ from: "2024-02-01", to: "2024-03-01" }, "2024-03-01")).toBeNull();
    expect(activePreset({ from: "2024-01-31", to: "2024-02-29" }, "2024-03-01")).toBeNull();
    expect(periodFromSearchParams({ from: "2024-01-01", to: "2024-02-01" })).toEqual({ from: "2024-01-01", to: "2024-02-01" });
    expect(periodFromSearchParams(new URLSearchParams("from=2024-01-01&to=2024-02-01"))).toEqual({ from: "2024-01-01", to: "2024-02-01" });
    expect(periodFromSearchParams({ from: ["2024-01-01", "x"], to: "2024-01-02" })).toEqual({ from: "2024-01-01", to: "2024-01-02" });
    expect(periodFromSearchParams({ from: "2024-02-01", to: "2024-01-01" })).toBeNull();
    expect(periodFromSearchParams({ from: "2024-02-30", to: "2024-03-01" })).toBeNull();
    expect(periodFromSearchParams({})).toBeNull();
  });
});

describe("bucket starts beyond the allow-list's happy path", () => {
  it("steps weeks and months and refuses impossible days", () => {
    expect(nextBucketStart("week", "2024-12-30")).toBe("2025-01-06");
    expect(nextBucketStart("month", "2024-12-01")).toBe("2025-01-01");
    expect(() => bucketStart("month", "2024-02-30")).toThrow(RangeError);
    expect(bucketSpans({ from: "2024-12-30", to: "2025-01-02" }, "week")).toEqual([{ start: "2024-12-30", from: "2024-12-30", to: "2025-01-02", days: 3 }]);
  });
});

describe("whole calendar periods (grains)", () => {
  it("reads the grain off a period and steps back by it", () => {
    expect(grainOf({ from: "2024-04-01", to: "2024-07-01" })).toBe("quarter");
    expect(grainOf({ from: "2024-05-01", to: "2024-08-01" })).toBeNull(); // three months, not a quarter
    expect(grainOf({ from: "2024-01-01", to: "2025-01-01" })).toBe("year");
    expect(grainOf({ from: "2024-02-01", to: "2024-03-01" })).toBe("month");
    expect(grainOf({ from: "2024-02-30", to: "2024-03-01" })).toBeNull();
    expect(previousGrainPeriod({ from: "2024-01-01", to: "2024-04-01" }, "quarter")).toEqual({ from: "2023-10-01", to: "2024-01-01" });
    expect(yearAgoPeriod({ from: "2024-02-01", to: "2024-03-01" })).toEqual({ from: "2023-02-01", to: "2023-03-01" });
  });

  it("lists the whole periods ending on or before an exclusive end, newest first", () => {
    expect(grainPeriods("quarter", "2024-05-17", 2)).toEqual([
      { from: "2024-01-01", to: "2024-04-01" },
      { from: "2023-10-01", to: "2024-01-01" },
    ]);
    expect(grainPeriods("month", "2024-03-01", 1)).toEqual([{ from: "2024-02-01", to: "2024-03-01" }]);
    expect(grainPeriods("year", "2024-12-31")).toEqual([
      { from: "2023-01-01", to: "2024-01-01" },
      { from: "2022-01-01", to: "2023-01-01" },
      { from: "2021-01-01", to: "2022-01-01" },
    ]);
    expect(grainPeriods("month", "2024-03-01")).toHaveLength(DEFAULT_GRAIN_PERIODS.month);
  });
});

describe("dayToMs checks by integer arithmetic what formatting the result back checked", () => {
  // The reference: build the instant, format it back, compare (the implementation before).
  const reference = (day: string): number | "error" => {
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day)!;
    const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
    return new Date(ms).toISOString().slice(0, 10) === day ? ms : "error";
  };
  const ours = (day: string): number | "error" => {
    try {
      return dayToMs(day);
    } catch (e) {
      expect((e as Error).message).toBe(`not a calendar day: ${day}`);
      return "error";
    }
  };

  it("agrees with the reference on every year-month-day of 0000–0120, 1896–1904, 1996–2004 and 2096–2104, days 00–32", () => {
    const years = [...Array.from({ length: 121 }, (_, i) => i), ...[1896, 1996, 2096].flatMap((y) => Array.from({ length: 9 }, (_, i) => y + i))];
    let checked = 0;
    let errors = 0;
    for (const y of years) {
      for (let mo = 0; mo <= 13; mo++) {
        for (let d = 0; d <= 32; d++) {
          const day = `${String(y).padStart(4, "0")}-${String(mo).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
          const want = reference(day);
          expect(ours(day), day).toBe(want);
          checked += 1;
          if (want === "error") errors += 1;
        }
      }
    }
    expect(checked).toBe(148 * 14 * 33);
    // Years 0–99 are refused whole (Date.UTC maps them to 1900–1999); the others only their non-days.
    expect(errors).toBe(100 * 14 * 33 + 48 * (14 * 33 - 365) - 12);
  });
});
