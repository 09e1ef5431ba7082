import { describe, expect, it } from "vitest";
import { MerchantRows } from "@/lib/ingest/formats/merchants-rows";
import { merchantProblems } from "@/lib/ingest/merchants";
import { ErrorLog } from "@/lib/ingest/report";

/*
 * The pure steps of the merchants CSV (lib/ingest/formats/merchants-rows.ts) without a database:
 * the same files as tests/integration/ingest-customers-merchants.test.ts, which loads them into
 * PGlite and PostgreSQL.
 */

/** Rows of a merchants CSV (without the header) from lines 2…, checked in two batches. */
function rowsOf(lines: string[]) {
  const errors = new ErrorLog();
  const rows = new MerchantRows(errors);
  const records = lines.map((l) => l.split(","));
  const numbers = records.map((_, i) => i + 2);
  rows.add(records.slice(0, 2), numbers.slice(0, 2));
  rows.add(records.slice(2), numbers.slice(2));
  return { rows, errors: errors.errors };
}

describe("merchants CSV rows", () => {
  it("logs bad attributes, disagreeing rows and duplicate ids in file order, like the integration test", () => {
    const b = "shop-b";
    const { errors } = rowsOf([
      `${b}-T1,${b},Shop B,9999,Kazan,,RU,Mars/Base,RUB`,
      `${b}-T2,${b},Shop B,5411,Kazan,,RU,Europe/Moscow,RUB`,
      `${b}-T3,${b},Shop B2,5411,Kazan,,RU,Europe/Moscow,RUB`,
      `${b}-T2,${b},Shop B,5411,Kazan,,RU,Europe/Moscow,RUB`,
      `${b}-T4,Bad_Slug,X,5411,,,RUS,Europe/Moscow,rub`,
    ]);
    expect(errors).toEqual([
      { line: 2, column: "mcc", reason: '"9999" is not an ISO 18245 merchant category code' },
      { line: 2, column: "time_zone", reason: '"Mars/Base" is not an IANA time zone' },
      { line: 4, column: "name", reason: `"Shop B2" differs from line 3 ("Shop B") for slug ${b}` },
      { line: 5, column: "bank_merchant_id", reason: "duplicate of line 3" },
      { line: 6, column: "slug", reason: '"Bad_Slug" must be 1–63 characters of a-z, 0-9 and "-", not starting with "-"' },
      { line: 6, column: "country", reason: '"RUS" is not an ISO 3166-1 alpha-2 country code' },
      { line: 6, column: "currency", reason: '"rub" is not an ISO 4217 currency code' },
    ]);
  });

  it("groups bank ids by slug and writes the JSON the set-based statements read (empty city or region = null)", () => {
    const { rows, errors } = rowsOf([
      "cafe-T1,cafe,Cafe Pushkin,5812,Moscow,Moscow,RU,Europe/Moscow,RUB",
      "cafe-T2,cafe,Cafe Pushkin,5812,Moscow,Moscow,RU,Europe/Moscow,RUB",
      "ivy-T1,ivy,Ivy Flowers,5992,London,,GB,Europe/London,GBP",
    ]);
    expect(errors).toEqual([]);
    expect([...rows.bySlug.keys()]).toEqual(["cafe", "ivy"]);
    expect(JSON.parse(rows.merchantsJson())).toEqual([
      { slug: "cafe", name: "Cafe Pushkin", mcc: "5812", city: "Moscow", region: "Moscow", country: "RU", time_zone: "Europe/Moscow", currency: "RUB" },
      { slug: "ivy", name: "Ivy Flowers", mcc: "5992", city: "London", region: null, country: "GB", time_zone: "Europe/London", currency: "GBP" },
    ]);
    expect(JSON.parse(rows.idsJson())).toEqual([
      { bank_merchant_id: "cafe-T1", slug: "cafe" },
      { bank_merchant_id: "cafe-T2", slug: "cafe" },
      { bank_merchant_id: "ivy-T1", slug: "ivy" },
    ]);
  });

  it("turns the stored merchants' conflicts into errors in file order: a moved bank id, a changed currency", () => {
    const a = "shop-a";
    const b = "shop-b";
    const { rows } = rowsOf([
      `${b}-T1,${b},Shop B,5411,Kazan,,RU,Europe/Moscow,RUB`,
      `${a}-T1,${b},Shop B,5411,Kazan,,RU,Europe/Moscow,RUB`,
      `${a}-T2,${a},Shop A,5411,,,RU,Europe/Moscow,EUR`,
    ]);
    const conflicts = rows.conflicts([{ slug: a, time_zone: "Europe/Moscow", currency: "RUB" }], [{ bank_merchant_id: `${a}-T1`, slug: a }]);
    expect(conflicts).toEqual([
      { line: 3, column: "bank_merchant_id", reason: `"${a}-T1" already belongs to merchant ${a}` },
      { line: 4, column: "currency", reason: `merchant ${a} already has currency RUB; it cannot change` },
    ]);
    expect(rows.conflicts([{ slug: b, time_zone: "Europe/Kaliningrad", currency: "EUR" }], [])).toEqual([
      { line: 2, column: "time_zone", reason: `merchant ${b} already has time zone Europe/Kaliningrad; it cannot change` },
      { line: 2, column: "currency", reason: `merchant ${b} already has currency EUR; it cannot change` },
    ]);
  });

  it("counts the rows that changed something: the changed merchant's first line and new bank ids (2 of 3 on the renamed file)", () => {
    const a = "cafe";
    const { rows } = rowsOf([
      `${a}-T1,${a},Cafe Pushkin Bar,5813,Moscow,Moscow,RU,Europe/Moscow,RUB`,
      `${a}-T3,${a},Cafe Pushkin Bar,5813,Moscow,Moscow,RU,Europe/Moscow,RUB`,
      "ivy-T1,ivy,Ivy Flowers,5992,London,,GB,Europe/London,GBP",
    ]);
    expect(rows.rowsInserted(new Set([a]), new Set([`${a}-T3`]))).toBe(2);
    expect(rows.rowsInserted(new Set(), new Set())).toBe(0);
    expect(rows.rowsInserted(new Set([a, "ivy"]), new Set([`${a}-T1`, `${a}-T3`, "ivy-T1"]))).toBe(3);
  });
});

describe("merchantProblems", () => {
  it("adds the bank id rule to the attribute checks", () => {
    const spec = { slug: "shop", name: "Shop", mcc: "5411", timeZone: "Europe/Moscow", currency: "RUB", country: "RU" };
    expect(merchantProblems(spec)).toEqual([]);
    expect(merchantProblems({ ...spec, mcc: "9999", bankMerchantIds: ["ok-1", " leading-space"] }).map(([column]) => column)).toEqual(["mcc", "bank_merchant_id"]);
  });
});
