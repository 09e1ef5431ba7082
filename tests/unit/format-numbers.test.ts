import { describe, expect, it } from "vitest";
import {
  humanizeColumnName,
  changeDirection,
  formatChange,
  formatNumber,
  formatPercent,
  formatSuppressible,
  SUPPRESSED_LABEL,
} from "@/lib/format";

const NBSP = "\u00a0";

describe("formatNumber", () => {
  it("groups thousands by locale", () => {
    expect(formatNumber(1234567, "en")).toBe("1,234,567");
    expect(formatNumber(1234567, "ru")).toBe(`1${NBSP}234${NBSP}567`);
  });
  it("rounds to the requested fraction digits", () => {
    expect(formatNumber(1.2345, "en", { maximumFractionDigits: 2 })).toBe("1.23");
    expect(formatNumber(1.2345, "ru", { maximumFractionDigits: 2 })).toBe("1,23");
    expect(formatNumber(2, "en", { maximumFractionDigits: 2, minimumFractionDigits: 2 })).toBe("2.00");
    expect(formatNumber(1.5, "en")).toBe("2");
  });
  it("shows a dash for null", () => {
    expect(formatNumber(null, "en")).toBe("—");
  });
});

describe("formatPercent", () => {
  it("formats a ratio", () => {
    expect(formatPercent(0.1234, "en")).toBe("12.3%");
    expect(formatPercent(0.1234, "ru")).toBe(`12,3${NBSP}%`);
    expect(formatPercent(1, "en")).toBe("100%");
    expect(formatPercent(0.5, "ru", 0)).toBe(`50${NBSP}%`);
  });
});

describe("formatChange", () => {
  it("always signs a non-zero change", () => {
    expect(formatChange(0.1234, "en")).toBe("+12.3%");
    expect(formatChange(0.1234, "ru")).toBe(`+12,3${NBSP}%`);
    expect(formatChange(-0.04, "en")).toBe("-4%");
    expect(formatChange(-0.04, "ru")).toBe(`-4${NBSP}%`);
    expect(formatChange(0, "en")).toBe("0%");
  });
  it("shows a dash without a previous figure", () => {
    expect(formatChange(null, "ru")).toBe("—");
  });
  it("tells the direction", () => {
    expect(changeDirection(0.2)).toBe("up");
    expect(changeDirection(-0.2)).toBe("down");
    expect(changeDirection(0)).toBe("flat");
    expect(changeDirection(null)).toBe("flat");
  });
});

describe("suppression", () => {
  it("shows < 5 for a suppressed cell whatever its value", () => {
    expect(SUPPRESSED_LABEL).toBe("< 5");
    expect(formatSuppressible(null, true, (v) => formatNumber(v, "en"))).toBe("< 5");
    expect(formatSuppressible(1234, false, (v) => formatNumber(v, "en"))).toBe("1,234");
  });
});

describe("humanizeColumnName", () => {
  it("turns an upload's column names into words (issue 19 item 7)", () => {
    expect(humanizeColumnName("history_segment")).toBe("History segment");
    expect(humanizeColumnName("zip_code")).toBe("Zip code");
    expect(humanizeColumnName("zipCode")).toBe("Zip code");
    expect(humanizeColumnName("AOV-90d")).toBe("AOV 90d");
    expect(humanizeColumnName("  recency  ")).toBe("Recency");
    expect(humanizeColumnName("newbie")).toBe("Newbie");
    expect(humanizeColumnName("сегмент_истории")).toBe("Сегмент истории");
    expect(humanizeColumnName("__")).toBe("__");
  });
});
