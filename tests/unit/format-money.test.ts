import { describe, expect, it } from "vitest";
import { currencyDigits, formatMoney, inMargin, toMajor } from "@/lib/format";

// Russian output uses U+00A0 (no-break space) as the group separator and before the symbol;
// the strings below are Intl's exact output, written with escapes so the bytes are visible.
const NBSP = "\u00a0";

describe("currencyDigits", () => {
  it("takes the minor-unit digits from Intl", () => {
    expect(currencyDigits("GBP")).toBe(2);
    expect(currencyDigits("RUB")).toBe(2);
    expect(currencyDigits("JPY")).toBe(0);
    expect(currencyDigits("KWD")).toBe(3);
  });
  it("converts minor to major units", () => {
    expect(toMajor(123456, "GBP")).toBe(1234.56);
    expect(toMajor(123456, "JPY")).toBe(123456);
    expect(toMajor(1234567, "BHD")).toBe(1234.567);
  });
});

describe("formatMoney en", () => {
  it("formats pence as pounds", () => {
    expect(formatMoney(123456, "GBP", "en")).toBe("£1,234.56");
    expect(formatMoney(123456, "USD", "en")).toBe("$1,234.56");
    expect(formatMoney(5, "GBP", "en")).toBe("£0.05");
    expect(formatMoney(0, "GBP", "en")).toBe("£0.00");
  });
  it("has no minor units for yen", () => {
    expect(formatMoney(123456, "JPY", "en")).toBe("¥123,456");
  });
  it("has three minor digits for dinars", () => {
    expect(formatMoney(1234567, "KWD", "en")).toBe(`KWD${NBSP}1,234.567`);
  });
  it("shows roubles with the ISO code in English", () => {
    expect(formatMoney(123456, "RUB", "en")).toBe(`RUB${NBSP}1,234.56`);
  });
  it("rounds to whole units and compacts on request", () => {
    expect(formatMoney(123456, "GBP", "en", { whole: true })).toBe("£1,235");
    expect(formatMoney(123456789, "GBP", "en", { compact: true })).toBe("£1.2M");
    expect(formatMoney(500000, "GBP", "en", { compact: true })).toBe("£5K");
  });
  it("shows a dash for a missing figure", () => {
    expect(formatMoney(null, "GBP", "en")).toBe("—");
    expect(formatMoney(undefined, "GBP", "en")).toBe("—");
  });
});

describe("formatMoney ru", () => {
  it("uses no-break spaces and a decimal comma", () => {
    expect(formatMoney(123456, "RUB", "ru")).toBe(`1${NBSP}234,56${NBSP}₽`);
    expect(formatMoney(123456, "GBP", "ru")).toBe(`1${NBSP}234,56${NBSP}£`);
    expect(formatMoney(123456, "EUR", "ru")).toBe(`1${NBSP}234,56${NBSP}€`);
  });
  it("has no minor units for yen", () => {
    expect(formatMoney(123456, "JPY", "ru")).toBe(`123${NBSP}456${NBSP}¥`);
  });
  it("keeps the sign of a negative amount", () => {
    expect(formatMoney(-50, "EUR", "ru")).toBe(`-0,50${NBSP}€`);
  });
  it("compacts millions", () => {
    expect(formatMoney(123456789, "RUB", "ru", { compact: true })).toBe(`1,2${NBSP}млн${NBSP}₽`);
  });
});

describe("inMargin (issue 17: CLV and revenue at risk in margin)", () => {
  it("multiplies minor units by the margin in basis points, rounding half away from zero to whole minor units", () => {
    expect(inMargin(12345, 3550)).toBe(4382); // 4382.475
    expect(inMargin(-12345, 3550)).toBe(-4382);
    expect(inMargin(10, 2500)).toBe(3); // 2.5 → 3
    expect(inMargin(-10, 2500)).toBe(-3);
    expect(inMargin(123456, 10_000)).toBe(123456);
    expect(inMargin(1, 1)).toBe(0);
    expect(inMargin(0, 5000)).toBe(0);
    expect(Object.is(inMargin(-1, 1), 0)).toBe(true); // no "−0 ₽"
  });
  it("leaves revenue alone without a margin, and missing figures missing", () => {
    expect(inMargin(12345, null)).toBe(12345);
    expect(inMargin(null, 3500)).toBeNull();
    expect(inMargin(undefined, 3500)).toBeUndefined();
  });
  it("refuses a margin outside 1..10000 basis points", () => {
    expect(() => inMargin(100, 0)).toThrow(/gross margin must be 1..10000 basis points, got 0/);
    expect(() => inMargin(100, 10_001)).toThrow(/got 10001/);
    expect(() => inMargin(100, 12.5)).toThrow(/got 12.5/);
  });
});
