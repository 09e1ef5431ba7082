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

  it("refuses a bound that keeps nothing", () => {
    expect(() => new CompetitorInputCache(0)).toThrow("maxGroups must be a whole number ≥ 1, got 0");
  });
});
