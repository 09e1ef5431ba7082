import { describe, expect, it } from "vitest";
import { currencyDigits, formatMoney, toMajor } from "@/lib/format";

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
