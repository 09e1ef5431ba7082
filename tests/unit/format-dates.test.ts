import { describe, expect, it } from "vitest";
import { addDays, daysBetween } from "@/lib/days";
import { formatDay, formatMonth, formatPeriod, monthNames, weekdayNames } from "@/lib/format";

describe("calendar days", () => {
  it("formats a day without shifting it by a time zone", () => {
    expect(formatDay("2024-03-05", "en")).toBe("Mar 5, 2024");
    expect(formatDay("2024-03-05", "en", "short")).toBe("Mar 5");
    expect(formatDay("2024-03-05", "ru", "short")).toBe("5 мар.");
    expect(formatDay("2024-03-05", "ru", "long")).toBe("5 марта 2024 г.");
  });
  it("formats a month", () => {
    expect(formatMonth("2024-01", "en")).toBe("Jan 2024");
    expect(formatMonth("2024-01-01", "ru")).toBe("янв. 2024 г.");
  });
  it("shows a half-open period inclusively, the year once when shared", () => {
    // [2024-03-01, 2024-03-31) is March 1..30.
    expect(formatPeriod({ from: "2024-03-01", to: "2024-03-31" }, "en")).toBe("Mar 1 – Mar 30, 2024");
    expect(formatPeriod({ from: "2024-03-01", to: "2024-03-31" }, "ru")).toBe("1 мар. – 30 мар. 2024 г.");
    expect(formatPeriod({ from: "2023-12-20", to: "2024-01-10" }, "en")).toBe("Dec 20, 2023 – Jan 9, 2024");
    expect(formatPeriod({ from: "2024-03-05", to: "2024-03-06" }, "en")).toBe("Mar 5, 2024");
  });
  it("normalises ICU-dependent spaces so server and browser agree", () => {
    // Some ICU versions write U+202F before "г." or U+2009 around dashes; both become plain spaces.
    expect(formatDay("2024-03-05", "ru")).toBe("5 мар. 2024 г.");
    expect(formatMonth("2024-01-01", "ru")).not.toMatch(/[\u2009\u202f]/);
  });
  it("names weekdays Monday-first and months January-first", () => {
    expect(weekdayNames("en")).toEqual(["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]);
    expect(weekdayNames("ru")).toEqual(["пн", "вт", "ср", "чт", "пт", "сб", "вс"]);
    expect(monthNames("en")[0]).toBe("Jan");
    expect(monthNames("ru", "long")[2]).toBe("март");
  });
  it("does calendar arithmetic across month and year ends", () => {
    expect(addDays("2024-02-28", 1)).toBe("2024-02-29");
    expect(addDays("2024-01-01", -1)).toBe("2023-12-31");
    expect(daysBetween("2024-01-01", "2024-02-01")).toBe(31);
    expect(daysBetween("2024-03-30", "2024-03-31")).toBe(1);
  });
});
