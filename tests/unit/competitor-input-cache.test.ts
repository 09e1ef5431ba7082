import { describe, expect, it } from "vitest";
import { CompetitorInputCache } from "@/lib/privacy/precompute";

describe("CompetitorInputCache (the Competitors reports' member-level inputs per data version)", () => {
  it("answers a key of the same fingerprint from memory and keeps fingerprints apart", async () => {
    const cache = new CompetitorInputCache(4);
    let reads = 0;
    const load = (v: number) => async () => {
      reads++;
      return v;
    };
    expect(await cache.inputs("a").get("k", load(1))).toBe(1);
    expect(await cache.inputs("a").get("k", load(2))).toBe(1);
    expect(await cache.inputs("b").get("k", load(3))).toBe(3);
    expect([reads, cache.stats.hits, cache.stats.misses]).toEqual([2, 1, 2]);
  });

  it("drops the least recently used fingerprint beyond maxGroups", async () => {
    const cache = new CompetitorInputCache(2);
    await cache.inputs("a").get("k", async () => "a1");
    await cache.inputs("b").get("k", async () => "b1");
    await cache.inputs("a").get("k", async () => "a2"); // a is now the most recent
    await cache.inputs("c").get("k", async () => "c1"); // evicts b
    expect(await cache.inputs("a").get("k", async () => "a3")).toBe("a1");
    expect(await cache.inputs("b").get("k", async () => "b2")).toBe("b2");
  });

  it("does not keep a failed read, and forgets a dropped fingerprint", async () => {
    const cache = new CompetitorInputCache();
    await expect(cache.inputs("a").get("k", async () => Promise.reject(new Error("connection lost")))).rejects.toThrow("connection lost");
    await Promise.resolve();
    expect(await cache.inputs("a").get("k", async () => "again")).toBe("again");
    cache.drop("a");
    expect(await cache.inputs("a").get("k", async () => "fresh")).toBe("fresh");
  });

  it("keeps sized values while their rows summed across fingerprints fit maxRows, the least recently used dropped first, and the unsized ones all", async () => {
    const cache = new CompetitorInputCache(16, 5);
    const two = { rows: () => 2 };
    await cache.inputs("a").get("rows", async () => "a1", two);
    await cache.inputs("a").get("small", async () => "a-small");
    await cache.inputs("b").get("rows", async () => "b1", two);
    expect(await cache.inputs("a").get("rows", async () => "a2", two)).toBe("a1"); // a's rows now the most recent
    await cache.inputs("c").get("rows", async () => "c1", two); // 6 rows > 5: drops b's
    expect(await cache.inputs("b").get("rows", async () => "b2", two)).toBe("b2"); // read again, drops a's
    expect(await cache.inputs("c").get("rows", async () => "c2", two)).toBe("c1");
    expect(await cache.inputs("a").get("rows", async () => "a3", two)).toBe("a3");
    // A value larger than the bound is answered and not kept; the fingerprint and its unsized values stay.
    expect(await cache.inputs("a").get("huge", async () => "h1", { rows: () => 6 })).toBe("h1");
    expect(await cache.inputs("a").get("huge", async () => "h2", { rows: () => 6 })).toBe("h2");
    expect(await cache.inputs("a").get("small", async () => "a-small again")).toBe("a-small");
  });

  it("refuses a bound that keeps nothing", () => {
    expect(() => new CompetitorInputCache(0)).toThrow("maxGroups must be a whole number ≥ 1, got 0");
    expect(() => new CompetitorInputCache(4, -1)).toThrow("maxRows must be a whole number ≥ 0, got -1");
  });
});
