/**
 * What lib/endpoints derives from one definition, without a database: the react-query keys and
 * URLs, the OpenAPI document (a path for every definition of the registry, valid against the
 * official OpenAPI 3.1 schema) and the CSV/XLSX bytes of a small table, including a cell that
 * looks like a formula (it must stay text in both files).
 */
import ExcelJS from "exceljs";
import { Validator } from "@seriousme/openapi-schema-validator";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { defineEndpoint, table } from "@/lib/endpoints/define";
import { cellNumber, tablesToXlsx, tableToCsv } from "@/lib/endpoints/export";
import { apiV1Path, endpointKey, endpointPath, exportPath, portfolioKeys, withQuery } from "@/lib/endpoints/keys";
import { openApiDocument, queryParameters } from "@/lib/endpoints/openapi";
import { ALL_ENDPOINTS, ENDPOINTS, endpointByName } from "@/lib/endpoints/registry";
import enApi from "@/messages/en/api.json";
import ruApi from "@/messages/ru/api.json";

describe("keys and URLs", () => {
  it("one convention: [merchant:<name>, slug, query], empty values dropped, keys sorted", () => {
    expect(endpointKey("overview", "shop", { to: "2024-02-01", from: "2024-01-01" })).toEqual(["merchant:overview", "shop", { from: "2024-01-01", to: "2024-02-01" }]);
    expect(endpointKey("churn", "shop", {})).toEqual(["merchant:churn", "shop", {}]);
    expect(endpointKey("dynamics", "shop", { from: "2024-01-01", to: "2024-02-01", bucket: undefined })).toEqual(["merchant:dynamics", "shop", { from: "2024-01-01", to: "2024-02-01" }]);
    // The page's prefetch and the hook pass the same object in either order: one cache entry.
    expect(JSON.stringify(endpointKey("cohorts", "s", { from: "a", to: "b" }))).toBe(JSON.stringify(endpointKey("cohorts", "s", { to: "b", from: "a" })));
  });

  it("URLs: session, token API and export, lists comma-joined", () => {
    expect(endpointPath("regular-customers", "my-shop")).toBe("/api/m/my-shop/regular-customers");
    expect(apiV1Path("churn", "my-shop")).toBe("/api/v1/m/my-shop/churn");
    expect(withQuery("/x", { to: "2024-02-01", from: "2024-01-01", dimensions: ["gender", "region"], empty: "" })).toBe(
      "/x?dimensions=gender%2Cregion&from=2024-01-01&to=2024-02-01",
    );
    expect(exportPath("churn", "s", "xlsx", "ru")).toBe("/api/m/s/churn/export?format=xlsx&lang=ru");
    expect(portfolioKeys.portfolio(null)).toEqual(["portfolio", { from: null, to: null }]);
  });

  it("the registry: keyed by each definition's name, unknown names undefined", () => {
    for (const [key, def] of Object.entries(ENDPOINTS)) expect(def.name).toBe(key);
    expect(endpointByName("churn")).toBe(ENDPOINTS.churn);
    expect(endpointByName("constructor")).toBeUndefined();
    expect(endpointByName("../overview")).toBeUndefined();
    expect(() => defineEndpoint({ name: "Bad Name", feature: null, query: z.object({}), summary: "", description: "", load: async () => 1 })).toThrow(/kebab/);
  });
});

describe("the OpenAPI document", () => {
  const doc = openApiDocument() as { openapi: string; paths: Record<string, { get: { parameters: Array<{ name: string; in: string; required: boolean }> } }> };

  it("has a path for every definition and an export path for every exportable one", () => {
    const expected = ALL_ENDPOINTS.flatMap((d) => [`/api/v1/m/{slug}/${d.name}`, ...(d.tables ? [`/api/v1/m/{slug}/${d.name}/export`] : [])]);
    expect(Object.keys(doc.paths).sort()).toEqual(expected.sort());
    expect(doc.openapi).toBe("3.1.1");
  });

  it("describes each query from its zod schema (required as in the schema, unions flattened)", () => {
    const params = (name: string) => doc.paths[`/api/v1/m/{slug}/${name}`].get.parameters.map((p) => `${p.in}:${p.name}${p.required ? "!" : ""}`);
    expect(params("overview")).toEqual(["path:slug!", "query:from!", "query:to!"]);
    // bucket + (days, to | from, to): `to` is required in both branches, `from` and `days` in one.
    expect(params("dynamics").sort()).toEqual(["path:slug!", "query:bucket", "query:days", "query:from", "query:to!"]);
    expect(params("segments")).toEqual(["path:slug!", "query:from!", "query:to!", "query:dimensions"]);
    expect(params("campaign-report")).toEqual(["path:slug!", "query:id!"]);
    expect(queryParameters(ENDPOINTS.churn)).toEqual([]);
  });

  it("is a valid OpenAPI 3.1 document (official schema)", async () => {
    const validator = new Validator();
    const result = await validator.validate(JSON.parse(JSON.stringify(openApiDocument())));
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe("3.1");
  });
});

describe("exports", () => {
  type Row = { name: string; revenueMinor: number | null; share: number | null; day: string; n: number };
  const rows: Row[] = [
    { name: "=HYPERLINK(\"http://x\",\"y\")", revenueMinor: 123456, share: 0.12345, day: "2024-03-01", n: 7 },
    { name: "Plain, \"quoted\"", revenueMinor: -1250, share: null, day: "2024-03-02", n: 0 },
    { name: "-12.50", revenueMinor: null, share: 1, day: "2024-03-03", n: 3 },
  ];
  const t = table("segment-table", rows, [
    { header: "segment", type: "text", value: (r) => r.name },
    { header: "netRevenue", type: "money", value: (r) => r.revenueMinor },
    { header: "revenueShare", type: "percent", value: (r) => r.share },
    { header: "day", type: "date", value: (r) => r.day },
    { header: "customers", type: "integer", value: (r) => r.n },
  ]);

  it("CSV: translated headers, money in major units with the currency's digits, fractions, a formula defused", () => {
    expect(tableToCsv(t, "en", "GBP")).toBe(
      'Segment,"Net revenue, GBP",Share of revenue,Day,Customers\r\n' +
        `"'=HYPERLINK(""http://x"",""y"")",1234.56,0.1235,2024-03-01,7\r\n` +
        '"Plain, ""quoted""",-12.50,,2024-03-02,0\r\n' +
        "-12.50,,1.0000,2024-03-03,3\r\n",
    );
    expect(tableToCsv(t, "ru", "JPY").split("\r\n").slice(0, 2)).toEqual([
      'Сегмент,"Чистая выручка, JPY",Доля выручки,День,Клиенты',
      `"'=HYPERLINK(""http://x"",""y"")",123456,0.1235,2024-03-01,7`,
    ]);
  });

  it("XLSX: numbers as numeric cells with formats, days as dates, the formula-looking text as defused text", async () => {
    const bytes = await tablesToXlsx([t], "en", "GBP");
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(Buffer.from(bytes) as unknown as ArrayBuffer);
    const sheet = workbook.worksheets[0];
    expect(sheet.name).toBe("Segments");
    expect((sheet.getRow(1).values as unknown[]).slice(1)).toEqual(["Segment", "Net revenue, GBP", "Share of revenue", "Day", "Customers"]);
    const first = sheet.getRow(2);
    expect(first.getCell(1).value).toBe(`'=HYPERLINK("http://x","y")`);
    expect(first.getCell(1).type).toBe(ExcelJS.ValueType.String);
    expect(first.getCell(2).value).toBe(1234.56);
    expect(first.getCell(2).numFmt).toBe("#,##0.00");
    expect(first.getCell(3).value).toBe(0.1235);
    expect(first.getCell(3).numFmt).toBe("0.00%");
    expect((first.getCell(4).value as Date).toISOString()).toBe("2024-03-01T00:00:00.000Z");
    expect(first.getCell(5).value).toBe(7);
    expect(sheet.getRow(3).getCell(2).value).toBe(-12.5);
    expect(sheet.getRow(3).getCell(3).value).toBeNull();
    // "-12.50" is a plain number in text: harmless, kept as it is.
    expect(sheet.getRow(4).getCell(1).value).toBe("-12.50");
    // No cell of the workbook is a formula.
    sheet.eachRow((row) => row.eachCell((cell) => expect(cell.type).not.toBe(ExcelJS.ValueType.Formula)));
  });

  it("refuses text in a numeric column", () => {
    expect(() => cellNumber("money", "12" as unknown as number, "GBP")).toThrow(TypeError);
    expect(cellNumber("money", 5, "KWD")).toBe(0.005);
  });

  it("every header and table title a definition can use has both languages", () => {
    const headers = new Set<string>();
    const tables = new Set<string>();
    const source = ALL_ENDPOINTS.filter((d) => d.tables).map((d) => d.tables!.toString()).join("\n");
    for (const m of source.matchAll(/header: "([A-Za-z]+)"/g)) headers.add(m[1]);
    for (const m of source.matchAll(/table\("([a-z-]+)"/g)) tables.add(m[1]);
    expect(headers.size).toBeGreaterThan(20);
    for (const h of headers) {
      expect(enApi.export.columns, h).toHaveProperty(h);
      expect(ruApi.export.columns, h).toHaveProperty(h);
    }
    for (const id of tables) {
      expect(enApi.export.tables, id).toHaveProperty(id);
      expect(ruApi.export.tables, id).toHaveProperty(id);
    }
  });
});
