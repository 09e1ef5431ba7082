import { describe, expect, it } from "vitest";
import { planeBitmapsOf, type BitmapChunk, type CustomerMonthTotal } from "@/lib/rollups/planes";

/** The positions set in a chunk, read the way PostgreSQL reads bit(n): position 0 is the first byte's high bit. */
function positions(c: BitmapChunk): number[] {
  const out: number[] = [];
  for (let pos = 0; pos < c.bytes.length * 8; pos++) if (c.bytes[pos >> 3] & (0x80 >> (pos & 7))) out.push(pos);
  return out;
}

/** Σ_j 2^j × [bit j of the customer] per (merchant, month, side, ordinal): the totals the planes encode. */
function decode(chunks: BitmapChunk[]): Map<string, number> {
  const totals = new Map<string, number>();
  for (const c of chunks) {
    for (const pos of positions(c)) {
      const key = `${c.merchantId}|${c.month}|${c.side}|${c.chunk * 8192 + pos}`;
      totals.set(key, (totals.get(key) ?? 0) + 2 ** c.plane!);
    }
  }
  return totals;
}

describe("planeBitmapsOf (month planes built in Node: gross, refunds, purchases)", () => {
  it("sets bit j of each customer's month totals in plane j, ordinals split into chunks of 8192", () => {
    const totals: CustomerMonthTotal[] = [
      { merchantId: 7, month: "2025-01-01", ordinal: 0, gross: 5, refunds: 0, purchases: 3 }, // 101b; purchases 11b
      { merchantId: 7, month: "2025-01-01", ordinal: 9, gross: 4, refunds: 2, purchases: 1 }, // 100b, 10b, 1b
      { merchantId: 7, month: "2025-01-01", ordinal: 8192, gross: 1, refunds: 0, purchases: 1 }, // chunk 1, position 0
    ];
    const chunks = planeBitmapsOf(totals);
    expect(chunks.map((c) => [c.merchantId, c.month, c.side, c.plane, c.chunk, positions(c)])).toEqual([
      [7, "2025-01-01", 0, 0, 0, [0]],
      [7, "2025-01-01", 0, 0, 1, [0]],
      [7, "2025-01-01", 0, 2, 0, [0, 9]],
      [7, "2025-01-01", 1, 1, 0, [9]],
      [7, "2025-01-01", 2, 0, 0, [0, 9]],
      [7, "2025-01-01", 2, 0, 1, [0]],
      [7, "2025-01-01", 2, 1, 0, [0]],
    ]);
    // bit(8192) layout: position 9 is the second byte's second-highest bit (B'1' >> 9).
    const plane2 = chunks[2];
    expect([...plane2.bytes.slice(0, 3)]).toEqual([0x80, 0x40, 0]);
    expect(plane2.bytes.length).toBe(1024);
  });

  it("round-trips totals up to 10^15 minor units exactly, key-ordered across merchants and months", () => {
    const totals: CustomerMonthTotal[] = [
      { merchantId: 2, month: "2025-02-01", ordinal: 8191, gross: 1_000_000_000_000_000, refunds: 999_999_999_999, purchases: 12 },
      { merchantId: 1, month: "2025-03-01", ordinal: 3, gross: 2 ** 52 + 1, refunds: 0, purchases: 0 },
      { merchantId: 1, month: "2025-02-01", ordinal: 16_400, gross: 123_456_789, refunds: 7, purchases: 0 },
      { merchantId: 1, month: "2025-02-01", ordinal: 1, gross: 0, refunds: 0, purchases: 0 },
    ];
    const chunks = planeBitmapsOf(totals);
    // Key order (merchant, month, side, plane, chunk), as the upsert writes them.
    const keys = chunks.map((c) => `${c.merchantId}|${c.month}|${c.side}|${String(c.plane).padStart(2, "0")}|${c.chunk}`);
    expect(keys).toEqual([...keys].sort());
    expect(keys.slice(0, 3)).toEqual(["1|2025-02-01|0|00|2", "1|2025-02-01|0|02|2", "1|2025-02-01|0|04|2"]);
    expect(keys.filter((k) => k.startsWith("1|2025-03-01"))).toEqual(["1|2025-03-01|0|00|0", "1|2025-03-01|0|52|0"]);
    expect(Object.fromEntries(decode(chunks))).toEqual({
      "2|2025-02-01|0|8191": 1_000_000_000_000_000,
      "2|2025-02-01|1|8191": 999_999_999_999,
      "2|2025-02-01|2|8191": 12,
      "1|2025-03-01|0|3": 2 ** 52 + 1,
      "1|2025-02-01|0|16400": 123_456_789,
      "1|2025-02-01|1|16400": 7,
    });
    // A customer with nothing that month sets no bit (and creates no plane).
    expect(planeBitmapsOf([{ merchantId: 1, month: "2025-01-01", ordinal: 5, gross: 0, refunds: 0, purchases: 0 }])).toEqual([]);
  });

  it("refuses a total it cannot slice exactly", () => {
    expect(() => planeBitmapsOf([{ merchantId: 1, month: "2025-01-01", ordinal: 0, gross: -1, refunds: 0, purchases: 0 }])).toThrow(/non-negative safe integer/);
    expect(() => planeBitmapsOf([{ merchantId: 1, month: "2025-01-01", ordinal: 0, gross: 0, refunds: 1.5, purchases: 0 }])).toThrow(/non-negative safe integer/);
    expect(() => planeBitmapsOf([{ merchantId: 1, month: "2025-01-01", ordinal: 0, gross: 2 ** 53, refunds: 0, purchases: 0 }])).toThrow(/non-negative safe integer/);
    expect(() => planeBitmapsOf([{ merchantId: 1, month: "2025-01-01", ordinal: 0, gross: 0, refunds: 0, purchases: -2 }])).toThrow(/non-negative safe integer/);
  });
});
