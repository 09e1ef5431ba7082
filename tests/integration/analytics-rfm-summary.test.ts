import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/db/client";
import { getRfmSummary, type CustomerRfm } from "@/lib/analytics/getRfmSummary";
import { TEST_DIALECT, openTestDatabase } from "../helpers/db";
import { scoped, seedMerchant, type SeedTx } from "./analytics-seed";

let database: Database;
beforeAll(async () => {
  database = await openTestDatabase();
});
afterAll(async () => {
  await database.close();
});

/*
 * Calibration ends 2024-02-29 (inclusive):
 *   c0 1000 + 500 on 01-01 (one occasion, 1500), 2000 on 01-15, 700 and a refund of 300 on 01-29,
 *      a refund only on 02-10 (no occasion), 999 on 03-05 (after the end)
 *      → x = 2, t_x = 28 days, T = 59 days, m_x = (2000 + 700) / 2 = 1350
 *   c1 one purchase on 02-01 → x = 0, t_x = 0, T = 28 days, m_x null
 *   c2 first purchase 03-01, after the end → not returned
 *   c3 refunds only → not returned
 *   c4 one purchase on the end day itself → x = 0, T = 0
 *   c5 400 on 2023-12-20, 600 on 02-29 → x = 1, t_x = T = 71 days, m_x = 600
 *   c6 500 and a larger refund of 800 on 01-10 (a purchase day all the same: value 500), 333 on 01-20
 *      → x = 1, t_x = 10 days, T = 50 days, m_x = 333
 */
const TXS: SeedTx[] = [
  [0, 1000, "2024-01-01", 9],
  [0, 500, "2024-01-01", 18],
  [0, 2000, "2024-01-15"],
  [0, 700, "2024-01-29"],
  [0, -300, "2024-01-29"],
  [0, -200, "2024-02-10"],
  [0, 999, "2024-03-05"],
  [1, 1234, "2024-02-01"],
  [2, 5000, "2024-03-01"],
  [3, -100, "2024-01-05"],
  [4, 42, "2024-02-29"],
  [5, 400, "2023-12-20"],
  [5, 600, "2024-02-29"],
  [6, 500, "2024-01-10"],
  [6, -800, "2024-01-10"],
  [6, 333, "2024-01-20"],
];
const SEVEN = [{}, {}, {}, {}, {}, {}, {}];

describe(`getRfmSummary (${TEST_DIALECT})`, () => {
  it("merges same-day purchases, ignores refunds and computes x, t_x, T, m_x exactly (weeks)", async () => {
    const { merchant, customerIds: ids } = await seedMerchant(database, SEVEN, TXS);
    // Another merchant's purchases by the same days must not appear (tenant scope).
    await seedMerchant(database, [{}], [[0, 100, "2024-01-01"], [0, 100, "2024-01-02"]]);
    const rows = await scoped(database, merchant, (ctx) =>
      getRfmSummary(ctx, { calibrationEnd: "2024-02-29", timeUnit: "week" }),
    );
    const expected: CustomerRfm[] = [
      { customerId: ids[0], x: 2, tx: 28 / 7, T: 59 / 7, mx: 1350, firstDay: "2024-01-01", lastDay: "2024-01-29" },
      { customerId: ids[1], x: 0, tx: 0, T: 28 / 7, mx: null, firstDay: "2024-02-01", lastDay: "2024-02-01" },
      { customerId: ids[4], x: 0, tx: 0, T: 0, mx: null, firstDay: "2024-02-29", lastDay: "2024-02-29" },
      { customerId: ids[5], x: 1, tx: 71 / 7, T: 71 / 7, mx: 600, firstDay: "2023-12-20", lastDay: "2024-02-29" },
      { customerId: ids[6], x: 1, tx: 10 / 7, T: 50 / 7, mx: 333, firstDay: "2024-01-10", lastDay: "2024-01-20" },
    ];
    expect(rows).toEqual(expected);
  });

  it("counts days in the day unit, and `from` keeps the cohort whose first purchase is on or after it", async () => {
    const { merchant, customerIds: ids } = await seedMerchant(database, SEVEN, TXS);
    const rows = await scoped(database, merchant, (ctx) =>
      getRfmSummary(ctx, { calibrationEnd: "2024-02-29", timeUnit: "day", from: "2024-01-01" }),
    );
    // c5 first bought on 2023-12-20, before `from`: left out, not cut at `from`.
    expect(rows.map((r) => [r.customerId, r.x, r.tx, r.T, r.mx])).toEqual([
      [ids[0], 2, 28, 59, 1350],
      [ids[1], 0, 0, 28, null],
      [ids[4], 0, 0, 0, null],
      [ids[6], 1, 10, 50, 333],
    ]);
  });

  it("a later calibration end takes in the later purchases (mean of repeat occasions only)", async () => {
    const { merchant, customerIds: ids } = await seedMerchant(database, SEVEN, TXS);
    const rows = await scoped(database, merchant, (ctx) =>
      getRfmSummary(ctx, { calibrationEnd: "2024-03-31", timeUnit: "day" }),
    );
    const c0 = rows.find((r) => r.customerId === ids[0]);
    // Occasions 01-01 (1500, first), 01-15 (2000), 01-29 (700), 03-05 (999).
    expect(c0).toEqual({ customerId: ids[0], x: 3, tx: 64, T: 90, mx: (2000 + 700 + 999) / 3, firstDay: "2024-01-01", lastDay: "2024-03-05" });
    expect(rows.find((r) => r.customerId === ids[2])).toEqual({
      customerId: ids[2],
      x: 0,
      tx: 0,
      T: 30,
      mx: null,
      firstDay: "2024-03-01",
      lastDay: "2024-03-01",
    });
  });

  it("rejects a malformed day, an unknown unit and `from` after the end", async () => {
    const { merchant } = await seedMerchant(database, [], []);
    const run = (opts: Parameters<typeof getRfmSummary>[1]) => scoped(database, merchant, (ctx) => getRfmSummary(ctx, opts));
    await expect(run({ calibrationEnd: "2024-02-30", timeUnit: "week" })).rejects.toThrow(/calendar day/);
    await expect(run({ calibrationEnd: "2024-02-28", timeUnit: "month" as "week" })).rejects.toThrow();
    await expect(run({ calibrationEnd: "2024-02-28", timeUnit: "week", from: "2024-03-01" })).rejects.toThrow(/from/);
    expect(await run({ calibrationEnd: "2024-02-28", timeUnit: "week" })).toEqual([]);
  });
});
