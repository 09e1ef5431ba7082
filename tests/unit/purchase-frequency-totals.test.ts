import { describe, expect, it } from "vitest";
import { PeriodCustomerTotals } from "@/lib/analytics/getPurchaseFrequency";
import { planeBitmapsOf, type CustomerMonthTotal } from "@/lib/rollups/planes";

/** A bit(8192) chunk's bytes, position 0 in the first byte's high bit, trailing zero bytes left out (as the page reads them). */
function chunk(positions: number[]): Uint8Array {
  const bytes = new Uint8Array(1024);
  for (const p of positions) bytes[p >> 3] |= 0x80 >> (p & 7);
  let end = bytes.length;
  while (end > 0 && bytes[end - 1] === 0) end--;
  return bytes.subarray(0, end);
}

describe("PeriodCustomerTotals (purchase frequency from month planes)", () => {
  it("adds bit-sliced purchases, gross and refunds per ordinal across months and chunks, then bands the buyers", () => {
    const t = new PeriodCustomerTotals();
    // Month 1: ordinal 3 bought 3 times (planes 0 and 1) for 500 gross (111110100b), ordinal 8200 once for 8.
    t.addPlane(2, 0, 0, chunk([3]));
    t.addPlane(2, 1, 0, chunk([3]));
    for (const j of [2, 4, 5, 6, 7, 8]) t.addPlane(0, j, 0, chunk([3]));
    t.addPlane(2, 0, 1, chunk([8])); // chunk 1, position 8: ordinal 8200
    t.addPlane(0, 3, 1, chunk([8]));
    // Month 2: ordinal 3 bought twice more for 6 and refunded 4; ordinal 9 only refunded 2 (no band).
    t.addPlane(2, 1, 0, chunk([3]));
    t.addPlane(0, 1, 0, chunk([3]));
    t.addPlane(0, 2, 0, chunk([3]));
    t.addPlane(1, 2, 0, chunk([3]));
    t.addPlane(1, 1, 0, chunk([9]));
    // A cut day read per customer: ordinal 8200 bought 5 more times for 100, ordinal 7 once for 1.
    t.addCustomer(8200, 5, 100);
    t.addCustomer(7, 1, 1);
    expect(t.bandRows()).toEqual([
      { band: 0, customers: 1, purchases: 1, net: 1 },
      { band: 3, customers: 1, purchases: 3 + 2, net: 500 + 6 - 4 }, // ordinal 3: band 4-5
      { band: 4, customers: 1, purchases: 1 + 5, net: 8 + 100 }, // ordinal 8200: band 6-9
    ]);
  });

  it("puts 10 and more purchases in the open band and refuses a malformed plane", () => {
    const t = new PeriodCustomerTotals();
    t.addPlane(2, 3, 0, chunk([0, 1])); // 8
    t.addPlane(2, 1, 0, chunk([1])); // +2 = 10 for ordinal 1
    t.addPlane(2, 0, 0, chunk([0])); // 9 for ordinal 0
    expect(t.bandRows()).toEqual([
      { band: 4, customers: 1, purchases: 9, net: 0 },
      { band: 5, customers: 1, purchases: 10, net: 0 },
    ]);
    expect(() => t.addPlane(3, 0, 0, chunk([0]))).toThrow(/unknown plane side 3/);
    expect(() => t.addPlane(2, 0, 0, new Uint8Array(1025))).toThrow(/1025 bytes/);
  });

  it("equals a per-customer count over 3 months of planes and cut days, 9,000 customers in two chunks", () => {
    // A deterministic pseudo-random bank (mulberry32): month totals as the ingest's planes encode
    // them, plus cut-day rows; the reference adds every customer's figures one by one.
    let seed = 20261204;
    const random = () => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
    };
    const customers = 9000;
    const months: CustomerMonthTotal[] = [];
    const expected = new Map<number, { purchases: number; net: number }>();
    const add = (ordinal: number, purchases: number, net: number) => {
      const e = expected.get(ordinal) ?? { purchases: 0, net: 0 };
      expected.set(ordinal, { purchases: e.purchases + purchases, net: e.net + net });
    };
    for (const month of ["2025-01-01", "2025-02-01", "2025-03-01"]) {
      for (let ordinal = 0; ordinal < customers; ordinal++) {
        if (random() < 0.45) continue;
        const purchases = random() < 0.2 ? 0 : Math.floor(random() ** 3 * 14) + 1; // some refund-only months
        const gross = purchases * Math.floor(random() * 500_000);
        const refunds = random() < 0.1 ? Math.floor(random() * 90_000) : 0;
        months.push({ merchantId: 1, month, ordinal, gross, refunds, purchases });
        add(ordinal, purchases, gross - refunds);
      }
    }
    const t = new PeriodCustomerTotals();
    for (const c of planeBitmapsOf(months)) t.addPlane(c.side!, c.plane!, c.chunk, c.bytes);
    for (let ordinal = 0; ordinal < customers; ordinal += 7) {
      const purchases = Math.floor(random() * 4);
      const net = Math.floor(random() * 200_000) - 20_000;
      t.addCustomer(ordinal, purchases, net);
      add(ordinal, purchases, net);
    }
    const bounds = [1, 2, 3, 4, 6, 10];
    const reference = bounds.map((_, band) => ({ band, customers: 0, purchases: 0, net: 0 }));
    for (const e of expected.values()) {
      if (e.purchases === 0) continue;
      const band = bounds.filter((b) => e.purchases >= b).length - 1;
      reference[band].customers += 1;
      reference[band].purchases += e.purchases;
      reference[band].net += e.net;
    }
    expect(reference.every((r) => r.customers > 50)).toBe(true);
    expect(t.bandRows()).toEqual(reference);
    // The cut days are folded into the sums once: asking again gives the same bands.
    expect(t.bandRows()).toEqual(reference);
    expect(() => t.addCustomer(1, 1, 1)).toThrow(/after bandRows/);
  });
});
