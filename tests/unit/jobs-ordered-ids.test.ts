import { describe, expect, it } from "vitest";
import { orderedJobId, orderedJobIds } from "@/lib/jobs/outbox";

/** PostgreSQL compares uuids byte by byte: for the canonical lower-case text that is string order. */
const pgOrder = (ids: readonly string[]) => [...ids].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

describe("orderedJobIds (UUIDv7 with a 42-bit counter, RFC 9562 §5.7 and §6.2 method 1)", () => {
  it("sorts in the order given, whatever the random bits, also across the counter's carry from rand_b into rand_a", () => {
    const ids = orderedJobIds(5000, Date.UTC(2026, 11, 4, 13, 0, 0));
    expect(new Set(ids).size).toBe(5000);
    expect(pgOrder(ids)).toEqual(ids);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const t = Date.UTC(2026, 11, 4);
    const around = [2 ** 30 - 1, 2 ** 30, 2 ** 31, 2 ** 42 - 1].map((p, i) => orderedJobId(p, t, i % 2 ? 0 : 0xffffffff));
    expect(pgOrder(around)).toEqual(around);
    expect(around[1].slice(14, 18)).toBe("7001"); // 2^30: version 7, then the counter's high part (rand_a) 1
  });

  it("puts the millisecond time first, version 7 and variant 10, and the counter in rand_a then rand_b", () => {
    const t = Date.UTC(2026, 11, 4, 13, 0, 0, 123);
    const [first, second] = orderedJobIds(2, t);
    const hex = first.replaceAll("-", "");
    expect(parseInt(hex.slice(0, 12), 16)).toBe(t);
    expect(hex[12]).toBe("7");
    expect(hex.slice(13, 16)).toBe("000"); // counter 0, high 12 bits
    expect(parseInt(hex[16], 16) >> 2).toBe(2); // variant 10
    const low = (h: string) => ((parseInt(h.slice(16, 24), 16) & 0x3fff_ffff) >>> 0);
    expect([low(hex), low(second.replaceAll("-", ""))]).toEqual([0, 1]);
  });

  it("refuses a count outside 0 … 2^42", () => {
    expect(orderedJobIds(0)).toEqual([]);
    expect(() => orderedJobIds(-1)).toThrow("orderedJobIds: count must be a whole number in 0 … 2^42, got -1");
    expect(() => orderedJobIds(1.5)).toThrow("got 1.5");
  });
});
