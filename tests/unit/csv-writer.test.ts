import { describe, expect, it } from "vitest";
import { defuseFormula, toCsv } from "@/lib/csv";
import { copyCsvField, copyCsvLine } from "@/lib/csv/copy";
import { EFFECTS_CSV_HEADER, effectsCsvLines } from "@/lib/campaigns/queries";
import type { EndpointData } from "@/lib/endpoints/define";
import { tableToCsv } from "@/lib/endpoints/export";
import { churn } from "@/lib/endpoints/views/churn";
import type { RevenueAtRiskRowWithText } from "@/lib/runs/churn";

/** The churn view's revenue-at-risk download (churn.tables through lib/endpoints' CSV export). */
function revenueAtRiskCsv(rows: RevenueAtRiskRowWithText[], currency: string, lang: "en" | "ru", grossMarginBp: number | null = null): string {
  const data = { run: { summary: { revenueAtRisk: rows } }, latestAttempt: null, valueBasis: { grossMarginBp } } as unknown as EndpointData<typeof churn>;
  return tableToCsv(churn.tables!(data, { locale: lang })![0], lang, currency);
}

describe("toCsv, the one CSV writer for downloads", () => {
  it("quotes per RFC 4180 with CRLF line ends and a header", () => {
    expect(toCsv(["a", "b"], [["x,y", 'say "hi"'], ["line\nbreak", null]])).toBe('a,b\r\n"x,y","say ""hi"""\r\n"line\nbreak",\r\n');
  });

  it("defuses every formula start but keeps plain numbers as numbers", () => {
    const csv = toCsv(
      ["c1", "c2", "c3", "c4", "c5", "c6", "c7", "c8"],
      [['=HYPERLINK("http://evil","x")', "+1+2", "-2+3", "@SUM(A1)", "\tx", -12.5, "-12.50", 12n]],
    );
    expect(csv.split("\r\n")[1]).toBe(`"'=HYPERLINK(""http://evil"",""x"")",'+1+2,'-2+3,'@SUM(A1),'\tx,-12.5,-12.50,12`);
  });

  it("refuses a row whose length differs from the header", () => {
    expect(() => toCsv(["a", "b"], [["only one"]])).toThrow(RangeError);
  });

  it("defuseFormula leaves ordinary text alone", () => {
    expect(defuseFormula("Ivanov")).toBe("Ivanov");
    expect(defuseFormula("=1")).toBe("'=1");
    expect(defuseFormula("\r=1")).toBe("'\r=1");
  });
});

describe("toCsv pages of a streamed download", () => {
  it("writes the header alone, or rows without it, with LF when asked", () => {
    expect(toCsv(["id", "n"], [], { lineEnd: "\n" })).toBe("id,n\n");
    expect(toCsv(["id", "n"], [["=cmd", 1], ["b,c", 2]], { header: false, lineEnd: "\n" })).toBe(`'=cmd,1\n"b,c",2\n`);
    expect(toCsv(["id"], [], { header: false })).toBe("");
  });
});

describe("copyCsvField, the data-file encoder (COPY staging, synthetic bank files)", () => {
  it("quotes only what COPY needs quoted and never defuses formulas", () => {
    expect(copyCsvField("=HYPERLINK(1)")).toBe("=HYPERLINK(1)");
    expect(copyCsvField("+7 900")).toBe("+7 900");
    expect(copyCsvField('say "hi", twice')).toBe('"say ""hi"", twice"');
    expect(copyCsvField("cr\rlf\n")).toBe('"cr\rlf\n"');
  });

  it("writes unknown as the empty field COPY reads as NULL, numbers and booleans as String() does", () => {
    expect([copyCsvField(null), copyCsvField(undefined), copyCsvField("")]).toEqual(["", "", ""]);
    expect([copyCsvField(12.5), copyCsvField(-3), copyCsvField(12345678901234567890n), copyCsvField(true)]).toEqual([
      "12.5",
      "-3",
      "12345678901234567890",
      "true",
    ]);
    expect(copyCsvLine(["C-1", null, 1990, false, "Moscow, centre"])).toBe('C-1,,1990,false,"Moscow, centre"\n');
  });
});

describe("every CSV a user downloads goes through toCsv", () => {
  it("the revenue-at-risk list defuses an uploaded id that would run as a formula", () => {
    const row: RevenueAtRiskRowWithText = { customerId: 1, bankCustomerId: "=cmd|'/c calc'!A1", pChurn: 0.5, clvMinor: 1000, clvSource: "clv", revenueAtRiskMinor: 500, factors: [], text: { en: "-2 visits", ru: "x" } };
    expect(revenueAtRiskCsv([row], "GBP", "en").split("\r\n")[1]).toBe(`'=cmd|'/c calc'!A1,0.5000,10.00,clv,5.00,'-2 visits`);
  });

  it("the campaign effects download keeps its LF lines, numbers as numbers and defuses uploaded text", () => {
    expect(EFFECTS_CSV_HEADER).toBe("customer_id,action,effect,recommended,category\n");
    const page: Parameters<typeof effectsCsvLines>[0] = [
      { customerRef: "C1", effects: { SMS: 0.0123456789, "@mail": -0.5 }, recommended: "SMS", category: "persuadable" },
      { customerRef: "+44 20", effects: { SMS: 0 }, recommended: null, category: "sure thing" },
    ];
    expect(effectsCsvLines(page, ["SMS", "@mail"])).toBe(
      "C1,SMS,0.012346,1,persuadable\nC1,'@mail,-0.500000,0,persuadable\n'+44 20,SMS,0.000000,0,sure thing\n",
    );
  });
});
