import { describe, expect, it } from "vitest";
import { assignArms } from "@/lib/offers/assign";

const audience = Array.from({ length: 1000 }, (_, i) => ({ customerId: 1 + i * 7, stratum: ["a", "b", "c"][i % 3] }));

describe("assignArms (frozen, seeded, stratified)", () => {
  it("holds out exactly the share overall and per stratum to one customer", () => {
    const out = assignArms(audience, 0.15, 1, 42);
    expect(out.filter((a) => a.arm === 0)).toHaveLength(150);
    for (const s of ["a", "b", "c"]) {
      const inStratum = out.filter((a) => a.stratum === s);
      const held = inStratum.filter((a) => a.arm === 0).length;
      expect(Math.abs(held - 0.15 * inStratum.length)).toBeLessThanOrEqual(1);
    }
  });

  it("is the same for the same seed whatever the input order, and differs for another seed", () => {
    const a = assignArms(audience, 0.15, 2, 42);
    const b = assignArms([...audience].reverse(), 0.15, 2, 42);
    expect(b).toEqual(a);
    const c = assignArms(audience, 0.15, 2, 43);
    expect(c.map((x) => x.arm)).not.toEqual(a.map((x) => x.arm));
  });

  it("splits the treated evenly between two variants", () => {
    const out = assignArms(audience, 0.2, 2, 7);
    const count = (arm: number) => out.filter((a) => a.arm === arm).length;
    expect(count(0)).toBe(200);
    expect(Math.abs(count(1) - count(2))).toBeLessThanOrEqual(3);
    expect(count(1) + count(2)).toBe(800);
  });

  it("refuses bad input", () => {
    expect(() => assignArms(audience, 0, 1, 1)).toThrow(RangeError);
    expect(() => assignArms(audience, 1, 1, 1)).toThrow(RangeError);
    expect(() => assignArms([{ customerId: 1, stratum: "a" }, { customerId: 1, stratum: "b" }], 0.1, 1, 1)).toThrow(/twice/);
  });
});
