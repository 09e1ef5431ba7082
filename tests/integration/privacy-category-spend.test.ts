import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/db/client";
import type { MerchantRef } from "@/lib/tenancy/context";
import { getCategorySpendByCustomer, MIN_PEER_MERCHANTS } from "@/lib/privacy/categorySpend";
import { openTestDatabase } from "../helpers/db";
import { seedBank } from "./jobs-seed";

/*
 * Category spend at competitors (lib/privacy/categorySpend.ts) on a hand-built bank:
 * MCC 5411: M (the merchant) and peers P1..P6, where P3 sells only outside the windows;
 * MCC 5999: O, where c0 also shops (another category: never counted);
 * MCC 5812: N and four peers Q1..Q4, all active (one short of the guard).
 */
let database: Database;
let m: Record<string, MerchantRef>;
let ids: number[];

const W0 = { from: "2024-03-01", to: "2024-04-01" };
const W1 = { from: "2024-02-01", to: "2024-03-01" };

beforeAll(async () => {
  database = await openTestDatabase();
  const seeded = await seedBank(database, {
    merchants: {
      M: { mcc: "5411" },
      P1: { mcc: "5411" },
      P2: { mcc: "5411" },
      P3: { mcc: "5411" },
      P4: { mcc: "5411" },
      P5: { mcc: "5411" },
      P6: { mcc: "5411" },
      O: { mcc: "5999" },
      N: { mcc: "5812" },
      Q1: { mcc: "5812" },
      Q2: { mcc: "5812" },
      Q3: { mcc: "5812" },
      Q4: { mcc: "5812" },
    },
    customers: [{}, {}, {}, {}],
    txs: [
      // c0: here 1000 + 500 in W0 (the refund is not subtracted), 700 in W1.
      ["M", 0, 1000, "2024-03-05"],
      ["M", 0, 500, "2024-03-06"],
      ["M", 0, -200, "2024-03-07"],
      ["M", 0, 700, "2024-02-10"],
      ["P1", 0, 300, "2024-03-10"],
      ["P2", 0, 400, "2024-02-15"],
      ["P3", 0, 250, "2024-04-02"],
      ["O", 0, 9999, "2024-03-10"],
      // c1: here 2000 in W1; at peers 100 + 50 + 60 in W0 (two purchases at P5 on one day).
      ["M", 1, 2000, "2024-02-20"],
      ["P4", 1, 100, "2024-03-01"],
      ["P5", 1, 50, "2024-03-31"],
      ["P5", 1, 60, "2024-03-31"],
      // c2 never bought at M: absent whatever they spend at peers.
      ["P1", 2, 800, "2024-03-03"],
      ["P6", 2, 100, "2024-03-20"],
      // c3: bought at M only before the windows; 500 at P2 in W0.
      ["M", 3, 100, "2024-01-05"],
      ["P2", 3, 500, "2024-03-05"],
      // MCC 5812: N and four active peers.
      ["N", 0, 1000, "2024-03-05"],
      ["Q1", 0, 100, "2024-03-05"],
      ["Q2", 0, 100, "2024-03-06"],
      ["Q3", 1, 100, "2024-03-07"],
      ["Q4", 1, 100, "2024-02-07"],
    ],
  });
  m = seeded.merchants;
  ids = seeded.customerIds;
});
afterAll(async () => {
  await database?.close();
});

describe("getCategorySpendByCustomer", () => {
  it("sums spend here and at all peers of the MCC per window, for the merchant's customers only", async () => {
    expect(MIN_PEER_MERCHANTS).toBe(5);
    const r = await getCategorySpendByCustomer(database, m.M.id, [W0, W1]);
    expect(r.available).toBe(true);
    if (!r.available) return;
    // P1, P2, P4, P5, P6 sold inside the windows; P3 only after them.
    expect(r.peerMerchants).toBe(5);
    // purchase days: c0 here 03-05 and 03-06 in W0 (the refund day is not a purchase day), 02-10 in
    // W1; at peers P1 03-10 and P2 02-15. c1 here 02-20; at peers 03-01 (P4) and 03-31 (P5's two
    // purchases are one day). c3 at P2 on 03-05.
    expect([...r.byCustomer.entries()].sort((a, b) => a[0] - b[0])).toEqual([
      [ids[0], { spendHereMinor: [1500, 700], spendAtPeersMinor: [300, 400], daysHere: [2, 1], daysAtPeers: [1, 1] }],
      [ids[1], { spendHereMinor: [0, 2000], spendAtPeersMinor: [210, 0], daysHere: [0, 1], daysAtPeers: [2, 0] }],
      [ids[3], { spendHereMinor: [0, 0], spendAtPeersMinor: [500, 0], daysHere: [0, 0], daysAtPeers: [1, 0] }],
    ]);
  });

  it("gives the same sums from the MCC's purchase days in memory (a span covering the windows)", async () => {
    const span = { from: "2023-06-01", to: "2024-12-01" };
    const r = await getCategorySpendByCustomer(database, m.M.id, [W0, W1], { span });
    expect(r.available).toBe(true);
    if (!r.available) return;
    expect(r.peerMerchants).toBe(5);
    const sums = [...r.byCustomer.entries()].map(([id, x]) => [id, { spendHereMinor: x.spendHereMinor, spendAtPeersMinor: x.spendAtPeersMinor }]);
    expect(sums.sort((a, b) => Number(a[0]) - Number(b[0]))).toEqual([
      [ids[0], { spendHereMinor: [1500, 700], spendAtPeersMinor: [300, 400] }],
      [ids[1], { spendHereMinor: [0, 2000], spendAtPeersMinor: [210, 0] }],
      [ids[3], { spendHereMinor: [0, 0], spendAtPeersMinor: [500, 0] }],
    ]);
    // Every peer's sums too, against the query (the churn pool asks for each member).
    for (const merchant of Object.values(m)) {
      const byQuery = await getCategorySpendByCustomer(database, merchant.id, [W0, W1]);
      const inMemory = await getCategorySpendByCustomer(database, merchant.id, [W0, W1], { span });
      const entries = (x: typeof byQuery) => (x.available ? { ...x, byCustomer: [...x.byCustomer.entries()].sort((a, b) => a[0] - b[0]) } : x);
      expect(entries(inMemory), merchant.slug).toEqual(entries(byQuery));
    }
  });

  it("withholds when fewer than 5 peers sold inside the windows, naming the rule", async () => {
    // Only P2 sold in February.
    expect(await getCategorySpendByCustomer(database, m.M.id, [W1])).toEqual({
      available: false,
      peerMerchants: 1,
      reason: "fewer than 5 peer merchants",
    });
    // MCC 5812: four active peers.
    expect(await getCategorySpendByCustomer(database, m.N.id, [W0, W1])).toEqual({
      available: false,
      peerMerchants: 4,
      reason: "fewer than 5 peer merchants",
    });
  });

  it("refuses bad windows and unknown merchants", async () => {
    await expect(getCategorySpendByCustomer(database, m.M.id, [])).rejects.toThrow(/between 1 and 16 windows/);
    await expect(getCategorySpendByCustomer(database, m.M.id, [{ from: "2024-03-01", to: "2024-03-01" }])).rejects.toThrow(/invalid window/);
    await expect(getCategorySpendByCustomer(database, m.M.id, [{ from: "2024-02-30", to: "2024-03-01" }])).rejects.toThrow(/invalid window/);
    await expect(getCategorySpendByCustomer(database, 987654, [W0])).rejects.toThrow(/unknown merchant/);
  });
});
