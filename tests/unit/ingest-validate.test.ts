import { describe, expect, it } from "vitest";
import { copyCsvField } from "@/lib/csv/copy";
import { isCalendarDate } from "@/lib/days";
import {
  BANK_ID,
  checkOffsetTimestamp,
  compactDateToIso,
  normaliseLocalDateTime,
  parsePositiveMinor,
  parseScaledDecimal,
  roundHalfAwayFromZero,
  shown,
} from "@/lib/ingest/validate";
import { isKnownCountry, isKnownCurrency, isKnownMcc, isKnownTimeZone } from "@/lib/ingest/reference";
import { merchantSpecProblems } from "@/lib/ingest/merchants";

describe("checkOffsetTimestamp", () => {
  it.each([
    "2024-03-01T14:05:00+03:00",
    "2024-03-01T11:05:00Z",
    "2024-03-01 14:05:00+0300",
    "2024-03-01T14:05+03",
    "2024-02-29T23:59:59.123456-05:30",
    "2000-02-29T00:00:00Z",
  ])("accepts %s", (value) => {
    expect(checkOffsetTimestamp(value)).toBeNull();
  });

  it.each([
    ["2024-03-01T14:05:00", "must be an ISO 8601 timestamp with an offset, e.g. 2024-03-01T14:05:00+03:00 or 2024-03-01T11:05:00Z"],
    ["2024-03-01", "must be an ISO 8601 timestamp with an offset, e.g. 2024-03-01T14:05:00+03:00 or 2024-03-01T11:05:00Z"],
    ["01/03/2024 14:05 +03:00", "must be an ISO 8601 timestamp with an offset, e.g. 2024-03-01T14:05:00+03:00 or 2024-03-01T11:05:00Z"],
    ["2023-02-29T10:00:00Z", "2023-02-29 is not a calendar day"],
    ["1900-02-29T10:00:00Z", "1900-02-29 is not a calendar day"],
    ["2024-13-01T10:00:00Z", "2024-13-01 is not a calendar day"],
    ["2024-04-31T10:00:00Z", "2024-04-31 is not a calendar day"],
    ["2024-01-01T24:00:00Z", "time of day out of range"],
    ["2024-01-01T10:60:00Z", "time of day out of range"],
    ["2024-01-01T10:00:60Z", "time of day out of range"],
    ["2024-01-01T10:00:00+16:00", "offset out of range"],
    ["0224-01-01T10:00:00Z", "year 0224 is outside 1900–2199"],
  ])("refuses %s", (value, reason) => {
    expect(checkOffsetTimestamp(value)).toBe(reason);
  });
});

describe("dates", () => {
  it("knows leap years", () => {
    expect([isCalendarDate(2024, 2, 29), isCalendarDate(2100, 2, 29), isCalendarDate(2000, 2, 29)]).toEqual([
      true,
      false,
      true,
    ]);
  });

  it("converts CDNOW's YYYYMMDD", () => {
    expect(compactDateToIso("19970101")).toBe("1997-01-01");
    expect(compactDateToIso("19980630")).toBe("1998-06-30");
    expect(compactDateToIso("19970230")).toBeNull();
    expect(compactDateToIso("1997011")).toBeNull();
    expect(compactDateToIso("1997-01-01")).toBeNull();
  });

  it("normalises Online Retail's local date-times to seconds", () => {
    expect(normaliseLocalDateTime("2010-12-01 08:26:00")).toBe("2010-12-01 08:26:00");
    expect(normaliseLocalDateTime("2010-12-01 08:26")).toBe("2010-12-01 08:26:00");
    expect(normaliseLocalDateTime("2010-12-01T08:26:00")).toBeNull();
    expect(normaliseLocalDateTime("2010-12-32 08:26:00")).toBeNull();
    expect(normaliseLocalDateTime("2010-12-01 25:26:00")).toBeNull();
  });
});

describe("money", () => {
  it("accepts positive integer minor units only", () => {
    expect(parsePositiveMinor("1")).toBe(1);
    expect(parsePositiveMinor("125000")).toBe(125000);
    expect(parsePositiveMinor("999999999999999")).toBe(999999999999999);
    for (const bad of ["0", "-5", "+5", "12.50", "1e3", "0100", "", " 12", "1000000000000000"]) {
      expect(parsePositiveMinor(bad)).toBeNull();
    }
  });

  it("parses decimals exactly into scaled integers", () => {
    expect(parseScaledDecimal("2.1", 4)).toBe(21000);
    expect(parseScaledDecimal("2.55", 4)).toBe(25500);
    expect(parseScaledDecimal("0.001", 4)).toBe(10);
    expect(parseScaledDecimal("-11062.06", 4)).toBe(-110620600);
    expect(parseScaledDecimal("38970", 4)).toBe(389700000);
    expect(parseScaledDecimal("11.77", 2)).toBe(1177);
    expect(parseScaledDecimal("0.00", 2)).toBe(0);
    expect(parseScaledDecimal("12", 2)).toBe(1200);
    expect(parseScaledDecimal("1.50000", 2)).toBe(150);
    // 0.1 + 0.2 style float error would show here: 1.13 * 100 = 112.99999999999999
    expect(parseScaledDecimal("1.13", 2)).toBe(113);
    for (const bad of ["1.234", "abc", "", "1.", ".5", "1,5", "1e2"]) expect(parseScaledDecimal(bad, 2)).toBeNull();
  });

  it("rounds half away from zero", () => {
    expect(roundHalfAwayFromZero(12345, 100)).toBe(123);
    expect(roundHalfAwayFromZero(12350, 100)).toBe(124);
    expect(roundHalfAwayFromZero(12349, 100)).toBe(123);
    expect(roundHalfAwayFromZero(-12350, 100)).toBe(-124);
    expect(roundHalfAwayFromZero(-12349, 100)).toBe(-123);
    expect(roundHalfAwayFromZero(-50, 100)).toBe(-1);
    expect(roundHalfAwayFromZero(49, 100)).toBe(0);
    expect(roundHalfAwayFromZero(0, 100)).toBe(0);
  });
});

describe("ids and CSV fields", () => {
  it("accepts printable ASCII ids without outer spaces", () => {
    expect(BANK_ID.test("TX-1")).toBe(true);
    expect(BANK_ID.test("a b")).toBe(true);
    expect(BANK_ID.test("x".repeat(128))).toBe(true);
    for (const bad of ["", " a", "a ", "x".repeat(129), "a\tb", "идентификатор"]) expect(BANK_ID.test(bad)).toBe(false);
  });

  it("cuts long values shown in error messages", () => {
    expect(shown("12.50")).toBe('"12.50"');
    expect(shown("x".repeat(60))).toBe(`"${"x".repeat(60)}"`);
    expect(shown("y".repeat(1000))).toBe(`"${"y".repeat(60)}…" (1000 characters)`);
    expect(shown("abcdef", 3)).toBe('"abc…" (6 characters)');
  });

  it("quotes fields for COPY only when needed", () => {
    expect(copyCsvField("plain")).toBe("plain");
    expect(copyCsvField("a,b")).toBe('"a,b"');
    expect(copyCsvField('7" single')).toBe('"7"" single"');
    expect(copyCsvField("two\nlines")).toBe('"two\nlines"');
  });
});

describe("reference lists", () => {
  it("checks MCCs against ISO 18245", () => {
    expect(["0742", "5411", "5735", "5947", "5812"].map(isKnownMcc)).toEqual([true, true, true, true, true]);
    expect(["742", "0000", "9999", "54111"].map(isKnownMcc)).toEqual([false, false, false, false]);
  });

  it("checks time zones, currencies and countries", () => {
    expect(["UTC", "Europe/London", "America/New_York", "Europe/Moscow", "Asia/Kolkata"].map(isKnownTimeZone)).toEqual([
      true,
      true,
      true,
      true,
      true,
    ]);
    expect(["Mars/Olympus", "+03:00", "", "europe/london!"].map(isKnownTimeZone)).toEqual([false, false, false, false]);
    expect(["GBP", "USD", "RUB", "EUR"].map(isKnownCurrency)).toEqual([true, true, true, true]);
    expect(["gbp", "XYZ", "RUR1"].map(isKnownCurrency)).toEqual([false, false, false]);
    expect(["GB", "US", "RU"].map(isKnownCountry)).toEqual([true, true, true]);
    expect(["UK1", "gb", "ZZ", "QQ"].map(isKnownCountry)).toEqual([false, false, false, false]);
  });

  it("lists every problem of a merchant spec by column", () => {
    expect(
      merchantSpecProblems({
        slug: "Bad Slug",
        name: " x",
        mcc: "9999",
        timeZone: "Nowhere/City",
        currency: "ABC",
        country: "XX",
        city: "",
        region: null,
      }).map(([column]) => column),
    ).toEqual(["slug", "name", "mcc", "city", "country", "time_zone", "currency"]);
    expect(
      merchantSpecProblems({
        slug: "online-retail",
        name: "Online Retail",
        mcc: "5947",
        timeZone: "Europe/London",
        currency: "GBP",
        country: "GB",
      }),
    ).toEqual([]);
  });
});
