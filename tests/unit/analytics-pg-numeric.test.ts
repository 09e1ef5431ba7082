import { describe, expect, it } from "vitest";
import { pgAvgInt, pgStddevPopInt } from "@/lib/analytics/pgNumeric";

/*
 * PostgreSQL's avg(int)::float8 and stddev_pop(int)::float8 reproduced to the bit
 * (lib/analytics/pgNumeric.ts). Expected values are PostgreSQL 15's own answers
 * (`select avg(x)::float8, stddev_pop(x)::float8 from unnest(array[…]) x`), chosen where plain
 * float arithmetic gives a different last bit (11 / 9 = 1.2222222222222223 in JavaScript).
 */

const sums = (xs: number[]) => ({ n: xs.length, s: xs.reduce((a, b) => a + b, 0), s2: xs.reduce((a, b) => a + b * b, 0) });

describe("PostgreSQL numeric aggregates of integers", () => {
  it("avg rounds the numeric quotient at select_div_scale, then parses it as float8", () => {
    const { n, s } = sums([1, 1, 1, 1, 1, 1, 1, 1, 3]);
    expect(s / n).toBe(1.2222222222222223);
    expect(pgAvgInt(s, n)).toBe(1.222222222222222);
    expect(pgAvgInt(4, 3)).toBe(1.3333333333333333);
    expect(pgAvgInt(5, 3)).toBe(1.6666666666666667);
    expect(pgAvgInt(591, 5)).toBe(118.2);
    expect(pgAvgInt(7, 1)).toBe(7);
  });

  it("stddev_pop takes the square root of the rounded variance at the same scale", () => {
    const a = sums([1, 1, 1, 1, 1, 1, 1, 1, 3]);
    expect(pgStddevPopInt(a.n, a.s, a.s2)).toBe(0.6285393610547089);
    const b = sums([1, 1, 2]);
    expect(pgStddevPopInt(b.n, b.s, b.s2)).toBe(0.4714045207910317);
    const c = sums([1, 2, 2]);
    // Plain floats: √(9/3 − (5/3)²) = 0.4714045207910313.
    expect(Math.sqrt(c.s2 / c.n - (c.s / c.n) ** 2)).toBe(0.4714045207910313);
    expect(pgStddevPopInt(c.n, c.s, c.s2)).toBe(0.4714045207910317);
    const d = sums([30, 45, 61, 90, 365]);
    expect(pgStddevPopInt(d.n, d.s, d.s2)).toBe(124.99183973364);
    expect(pgStddevPopInt(1, 7, 49)).toBe(0);
  });

  it("refuses an empty set", () => {
    expect(() => pgAvgInt(0, 0)).toThrow("pgAvgInt: needs count ≥ 1 and sum ≥ 0, got 0/0");
    expect(() => pgStddevPopInt(0, 0, 0)).toThrow("pgStddevPopInt: needs count ≥ 1, got 0");
  });
});
