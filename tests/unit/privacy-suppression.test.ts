import { describe, expect, it } from "vitest";
import { isSuppressed, MIN_CELL_CUSTOMERS, suppressSmallCells } from "@/lib/privacy/suppression";

describe("suppressSmallCells", () => {
  const rows = [
    { value: "a", customers: 4, revenueMinor: 400, share: 0.4 },
    { value: "b", customers: 5, revenueMinor: 500, share: 0.5 },
    { value: "c", customers: 0, revenueMinor: -10, share: null },
  ];

  it("nulls every figure of a row describing fewer than 5 customers and keeps its labels", () => {
    expect(MIN_CELL_CUSTOMERS).toBe(5);
    expect(suppressSmallCells(rows, ["value"])).toEqual([
      { value: "a", customers: null, revenueMinor: null, share: null, suppressed: true },
      { value: "b", customers: 5, revenueMinor: 500, share: 0.5, suppressed: false },
      { value: "c", customers: null, revenueMinor: null, share: null, suppressed: true },
    ]);
  });

  it("does not modify its input", () => {
    const copy = structuredClone(rows);
    suppressSmallCells(rows, ["value"]);
    expect(rows).toEqual(copy);
  });

  it("honours a stricter threshold and rejects bad counts", () => {
    expect(suppressSmallCells(rows, ["value"], 6).every((r) => r.suppressed)).toBe(true);
    expect(() => suppressSmallCells([{ customers: -1 }], [])).toThrow();
    expect(() => suppressSmallCells([{ customers: 2.5 }], [])).toThrow();
    expect(isSuppressed(4)).toBe(true);
    expect(isSuppressed(5)).toBe(false);
  });
});
