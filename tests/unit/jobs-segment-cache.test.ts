import { describe, expect, it } from "vitest";
import { SegmentRowCache } from "@/lib/privacy/segmentCache";

/*
 * The worker's cache of segment members' rows (lib/privacy/segmentCache.ts): a segment is read once
 * per data version; a new version drops the old one's rows; the row bound evicts the least
 * recently used; a failed read is not kept; concurrent readers of one key share one read.
 */

/** A reader that counts its calls and returns `sets` arrays of `rows` numbered rows. */
function reader(rows: number, sets = 1) {
  const calls = { n: 0 };
  const read = async () => {
    calls.n++;
    return Array.from({ length: sets }, (_, s) => Array.from({ length: rows }, (__, i) => ({ customerId: s * 1000 + i })));
  };
  return { calls, read };
}

describe("SegmentRowCache", () => {
  it("reads a key once per data version and again when the version changes", async () => {
    const cache = new SegmentRowCache(100);
    const r = reader(3, 2);
    const first = await cache.get("RU|59", "v1", "churn|7", r.read);
    const second = await cache.get("RU|59", "v1", "churn|7", r.read);
    expect(second).toBe(first);
    expect(r.calls.n).toBe(1);
    expect(cache.rows).toBe(6);
    expect(cache.stats).toEqual({ hits: 1, misses: 1 });
    // New data anywhere in the group: the old version's rows go at once.
    await cache.get("RU|59", "v2", "churn|7", r.read);
    expect(r.calls.n).toBe(2);
    expect(cache.rows).toBe(6);
    expect(cache.stats).toEqual({ hits: 1, misses: 2 });
  });

  it("keeps other groups' rows when one group's version changes", async () => {
    const cache = new SegmentRowCache(100);
    const a = reader(4);
    const b = reader(5);
    await cache.get("RU|59", "v1", "k", a.read);
    await cache.get("RU|54", "w1", "k", b.read);
    await cache.get("RU|59", "v2", "k", a.read);
    await cache.get("RU|54", "w1", "k", b.read);
    expect([a.calls.n, b.calls.n]).toEqual([2, 1]);
    expect(cache.rows).toBe(9);
  });

  it("evicts the least recently used entries beyond the row bound", async () => {
    const cache = new SegmentRowCache(10);
    const x = reader(4);
    const y = reader(4);
    const z = reader(4);
    await cache.get("g", "v", "x", x.read);
    await cache.get("g", "v", "y", y.read);
    await cache.get("g", "v", "x", x.read); // x is now the most recent
    await cache.get("g", "v", "z", z.read); // 12 rows > 10: y goes
    expect(cache.rows).toBe(8);
    await cache.get("g", "v", "x", x.read);
    await cache.get("g", "v", "y", y.read);
    expect([x.calls.n, y.calls.n, z.calls.n]).toEqual([1, 2, 1]);
  });

  it("shares one read between concurrent callers and keeps no failed read", async () => {
    const cache = new SegmentRowCache(100);
    const r = reader(2);
    const [p, q] = await Promise.all([cache.get("g", "v", "k", r.read), cache.get("g", "v", "k", r.read)]);
    expect(p).toBe(q);
    expect(r.calls.n).toBe(1);
    let attempts = 0;
    const failing = async (): Promise<number[][]> => {
      attempts++;
      throw new Error("database down");
    };
    await expect(cache.get("g", "v", "bad", failing)).rejects.toThrow("database down");
    await expect(cache.get("g", "v", "bad", failing)).rejects.toThrow("database down");
    expect(attempts).toBe(2);
    expect(cache.rows).toBe(2);
  });

  it("refuses a negative or fractional bound", () => {
    expect(() => new SegmentRowCache(-1)).toThrow("maxRows must be a whole number ≥ 0, got -1");
    expect(() => new SegmentRowCache(1.5)).toThrow("maxRows must be a whole number ≥ 0, got 1.5");
  });
});
