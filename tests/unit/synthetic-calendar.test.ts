import { describe, expect, it } from "vitest";
import { addMonthsRollingOver, epochDay } from "@/lib/days";
import { Calendar, TIME_ZONE_OFFSETS } from "@/lib/synthetic/calendar";

/** The zone's UTC offset at an instant according to the platform's IANA database, as '+HH:MM'. */
function ianaOffset(format: Intl.DateTimeFormat, instant: Date): string {
  const part = format
    .formatToParts(instant)
    .find((p) => p.type === "timeZoneName")!.value;
  return part === "GMT" ? "+00:00" : part.slice(3);
}

describe("synthetic calendar", () => {
  it("uses fixed offsets that equal the IANA offsets on every day of 2017..2027 (no DST in Russia)", () => {
    for (const [zone, offset] of Object.entries(TIME_ZONE_OFFSETS)) {
      const format = new Intl.DateTimeFormat("en-US", { timeZone: zone, timeZoneName: "longOffset" });
      for (let day = epochDay("2017-01-01"); day < epochDay("2028-01-01"); day += 1) {
        // Noon UTC: well inside the local day whatever the offset.
        expect(ianaOffset(format, new Date(day * 86_400_000 + 12 * 3_600_000))).toBe(offset);
      }
    }
  });

  it("knows the default window: 730 days from Friday 2024-11-01, 24 month starts", () => {
    const start = addMonthsRollingOver("2026-11-01", -24);
    expect(start).toBe("2024-11-01");
    const cal = new Calendar(start, "2026-11-01", 366);
    expect(cal.days).toBe(730);
    expect(cal.monthStarts.length).toBe(24);
    expect(cal.monthStarts.slice(0, 3)).toEqual([0, 30, 61]);
    expect(cal.dayOfWeek[cal.burnIn + 0]).toBe(4);
    expect(cal.date(729)).toBe("2026-10-31");
    expect(cal.dayIndex("2025-03-08")).toBe(127);
    // Index 0 is 366 days before the window (2024 is a leap year): 2023-11-01.
    expect(cal.month[0]).toBe(10);
    expect(cal.dayOfMonth[0]).toBe(1);
    expect(() => cal.date(730)).toThrow(RangeError);
  });

  it("writes local ISO 8601 with the offset; the instant is local time minus the offset", () => {
    const cal = new Calendar("2024-11-01", "2026-11-01", 0);
    const iso = cal.isoLocal(127, 19 * 3600 + 4 * 60 + 5, "+07:00");
    expect(iso).toBe("2025-03-08T19:04:05+07:00");
    expect(new Date(iso).toISOString()).toBe("2025-03-08T12:04:05.000Z");
  });

  it("rejects impossible dates", () => {
    expect(() => epochDay("2025-02-29")).toThrow(RangeError);
    expect(() => epochDay("2025-2-1")).toThrow(RangeError);
  });
});
