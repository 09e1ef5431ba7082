import { describe, expect, it } from "vitest";
import { analyseCampaign, campaignColumns, encodeColumn, type CampaignDataRow, type CampaignMeta } from "@/lib/campaigns/analysis";
import { CampaignFileCheck, campaignName, checkGroups } from "@/lib/campaigns/importRows";
import { ErrorLog } from "@/lib/ingest/report";

/*
 * The pure steps of campaign import and report (lib/campaigns/importRows.ts, analysis.ts), with
 * no database: the same files and figures as tests/integration/campaigns.test.ts, which runs
 * them through PGlite and PostgreSQL.
 */

/** Runs a whole file's records through the checker: header, rows on lines 2…, end. */
function check(records: string[][], format: "campaign" | "hillstrom" = "campaign", scale = 2) {
  const errors = new ErrorLog();
  const c = new CampaignFileCheck(format, scale, errors);
  const staged: (string | null)[] = [];
  if (c.header(records[0])) {
    records.slice(1).forEach((r, i) => staged.push(c.row(r, i + 2)));
    c.end();
  }
  return { errors: errors.errors, staged, layout: c.layout };
}

const split = (lines: string[]) => lines.map((l) => l.split(","));

describe("campaign rows (importRows)", () => {
  it("logs each bad row with line, column and reason, like the integration test, and stages nothing after the first error", () => {
    const r = check(
      split([
        "customer_id,group,action,sent_at,conversion",
        "a1,treatment,Coupon,2024-03-01,1",
        "a2,treated,Coupon,2024-03-01,0",
        "a3,treatment,,2024-03-01,0",
        "a4,control,,2024-02-30,0",
        "a5,control,,2024-03-01,yes",
        "a6,control,,2024-03-01",
      ]),
    );
    expect(r.errors).toEqual([
      { line: 3, column: "group", reason: 'must be "treatment" or "control", found "treated"' },
      { line: 4, column: "action", reason: "a treatment row needs its action" },
      { line: 5, column: "sent_at", reason: 'must be a date YYYY-MM-DD, found "2024-02-30"' },
      { line: 6, column: "conversion", reason: 'must be 0 or 1, found "yes"' },
      { line: 7, column: null, reason: "expected 5 fields, found 4" },
    ]);
    expect(r.staged).toEqual(["a1,treatment,Coupon,2024-03-01,,1,,{}", null, null, null, null, null]);
  });

  it("stages COPY fields: revenue in minor units, time part dropped, features as JSON, the shared control's empty action quoted", () => {
    const r = check(split(["customer_id,group,action,sent_at,conversion,revenue,tier", "a1,treatment,Coupon,2024-03-01T10:00,1,12.5,gold", "a2,control,,2024-03-01,0,0,"]));
    expect(r.errors).toEqual([]);
    expect(r.staged).toEqual(['a1,treatment,Coupon,2024-03-01,,1,1250,"{""tier"":""gold""}"', 'a2,control,"",2024-03-01,,0,0,{}']);
    expect(r.layout).toMatchObject({ outcomeColumns: ["conversion", "revenue"], features: [{ name: "tier", index: 6 }], width: 7 });
  });

  it("refuses a missing required column and a duplicated one on line 1", () => {
    const r = check(split(["customer_id,group,group,conversion", "a,treatment,x,1"]));
    expect(r.errors.map((e) => [e.line, e.column])).toEqual([
      [1, "group"],
      [1, "action"],
      [1, "sent_at"],
    ]);
    expect(r.layout).toBeNull();
  });

  it("a header without rows is an error on line 2", () => {
    expect(check(split(["customer_id,group,action,sent_at,conversion"])).errors).toEqual([{ line: 2, column: null, reason: "the file has a header but no rows" }]);
  });

  it("Hillstrom rows: the segment gives group and action, the row number is the customer", () => {
    const header = "recency,history_segment,history,mens,womens,zip_code,newbie,channel,segment,visit,conversion,spend";
    const r = check(
      [header.split(","), ["10", "2) $100 - $200", "142.44", "1", "0", "Surburban", "0", "Phone", "Womens E-Mail", "0", "0", "0.00"], ["6", "3) $200 - $350", "329.08", "1", "1", "Rural", "1", "Web", "No E-Mail", "1", "0", "0"]],
      "hillstrom",
    );
    expect(r.errors).toEqual([]);
    expect(r.staged[0]).toBe(
      '1,treatment,Womens E-Mail,,0,0,0,"{""recency"":""10"",""history_segment"":""2) $100 - $200"",""history"":""142.44"",""mens"":""1"",""womens"":""0"",""zip_code"":""Surburban"",""newbie"":""0"",""channel"":""Phone""}"',
    );
    expect(r.staged[1]!.slice(0, 19)).toBe('2,control,"",,1,0,0');
  });

  it("group rules over the staged counts, at each action's first line", () => {
    const errors = new ErrorLog();
    checkGroups(
      [
        { action: "X", treatment: 1, control: 1, first_line: 2 },
        { action: "Y", treatment: 1, control: 0, first_line: 4 },
        { action: "Z", treatment: 0, control: 1, first_line: 5 },
      ],
      errors,
    );
    expect(errors.errors).toEqual([
      { line: 4, column: "action", reason: 'action "Y" has no control group (neither its own nor a shared one with an empty action)' },
      { line: 5, column: "action", reason: 'action "Z" has a control group but no treatment group' },
    ]);
    const none = new ErrorLog();
    checkGroups([{ action: "X", treatment: 1, control: 0, first_line: 2 }, { action: "Y", treatment: 1, control: 0, first_line: 3 }], none);
    expect(none.errors[0].reason).toMatch(/^the campaign has no control group/);
    const shared = new ErrorLog();
    checkGroups([{ action: "", treatment: 0, control: 4, first_line: 5 }, { action: "SMS", treatment: 3, control: 0, first_line: 2 }], shared);
    expect(shared.errors).toEqual([]);
  });

  it("names the campaign after the file when no name is given", () => {
    expect(campaignName(undefined, "/tmp/up/March SMS.csv.gz")).toBe("March SMS");
    expect(campaignName("  ", "spring.gz")).toBe("spring");
    expect(campaignName(" Spring sale ", "x.csv")).toBe("Spring sale");
  });
});

describe("campaign report computation (analysis)", () => {
  const meta: CampaignMeta = {
    id: 7,
    merchant_id: 3,
    name: "March SMS",
    format: "campaign",
    row_count: 11,
    unknown_customers: 1,
    outcome_columns: [],
    outcome_source: "derived",
    window_days: 14,
    feature_names: [],
    currency: "EUR",
  };
  /**
   * The integration test's merchant: c0 bought twice in the window (1000 + 500), c3 once (300);
   * the others not in the window; "ghost" unknown. Five customers per arm: the smallest campaign
   * the privacy rules analyse (issue 13).
   */
  const row = (line: number, ref: string, grp: string, action: string, purchases: number | null, sales: number | null, known = true, gender: string | null = "female"): CampaignDataRow => ({
    line, customer_ref: ref, grp, action, visit: null, conversion: null, revenue_minor: null, features: "{}", known, purchases, sales, gender, age: known ? 34 : null,
  });
  const rows = [
    row(2, "c0", "treatment", "SMS", 2, 1500),
    row(3, "c1", "treatment", "SMS", 0, 0, true, "male"),
    row(4, "c2", "treatment", "SMS", 0, 0),
    row(5, "c3", "control", "", 1, 300, true, "male"),
    row(6, "c4", "control", "", 0, 0),
    row(7, "c5", "control", "", 0, 0, true, "male"),
    row(8, "ghost", "control", "", null, null, false, null),
    row(9, "c6", "treatment", "SMS", 0, 0, true, "male"),
    row(10, "c7", "treatment", "SMS", 0, 0),
    row(11, "c8", "control", "", 0, 0, true, "male"),
    row(12, "c9", "control", "", 0, 0),
  ];

  it("folds pages of rows into columns: derived conversion and revenue, unknown customers left out, bank gender and age band as features", () => {
    const columns = campaignColumns(meta);
    columns.add(rows.slice(0, 3));
    columns.add(rows.slice(3));
    const data = columns.finish();
    expect(data.refs).toEqual(["c0", "c1", "c2", "c3", "c4", "c5", "c6", "c7", "c8", "c9"]);
    expect([...data.treatment]).toEqual([1, 1, 1, 0, 0, 0, 1, 1, 0, 0]);
    expect([...data.outcomes.conversion!]).toEqual([1, 0, 0, 1, 0, 0, 0, 0, 0, 0]);
    expect([...data.outcomes.revenue!]).toEqual([1500, 0, 0, 300, 0, 0, 0, 0, 0, 0]);
    expect(data.features.map((f) => [f.name, f.kind, f.levels])).toEqual([
      ["bank_gender", "categorical", ["female", "male"]],
      ["bank_age_band", "categorical", ["25–34"]],
    ]);
  });

  it("lifts of the derived example equal the integration test's: conversion 1/5 vs 1/5, revenue 300 vs 60 (+240)", () => {
    const columns = campaignColumns(meta);
    columns.add(rows);
    const { report, effects } = analyseCampaign(meta, columns.finish());
    expect(report.campaign).toEqual({ id: 7, name: "March SMS", format: "campaign", rows: 11, unknownCustomers: 1, outcomeSource: "derived", windowDays: 14, analysedRows: 10, currency: "EUR" });
    expect(report.computeMs).toBe(0);
    expect(report.disclosure).toBe(2);
    const [sms] = report.actions;
    expect(sms).toMatchObject({ action: "SMS", treatment: 5, control: 5, suppressed: false, uplift: null });
    const conv = sms.outcomes.find((o) => o.outcome === "conversion")!;
    expect(conv.treatment).toBeCloseTo(1 / 5, 15);
    expect(conv.control).toBeCloseTo(1 / 5, 15);
    const rev = sms.outcomes.find((o) => o.outcome === "revenue")!;
    expect(rev.treatment).toBeCloseTo(1500 / 5, 10);
    expect(rev.control).toBeCloseTo(300 / 5, 10);
    expect(rev.absolute).toBeCloseTo(240, 10);
    // Bank gender cells: female 3 treated / 2 controls, male 2 / 3: every cell under 5 per arm is
    // withheld (both, so neither is the action's total minus the other); the age band (all
    // 25–34) is the whole action and released.
    const gender = sms.segments.find((s) => s.feature === "bank_gender")!;
    expect(gender.groups).toEqual([
      { key: "female", treatment: null, control: null, treatmentRate: null, controlRate: null, lift: null, ci: null, suppressed: true },
      { key: "male", treatment: null, control: null, treatmentRate: null, controlRate: null, lift: null, ci: null, suppressed: true },
    ]);
    const age = sms.segments.find((s) => s.feature === "bank_age_band")!;
    expect(age.groups.map((g) => [g.key, g.treatment, g.control, g.suppressed])).toEqual([["25–34", 5, 5, false]]);
    expect(report.primaryOutcome).toBe("conversion");
    expect(effects).toEqual([]);
  });

  it("refuses a campaign without analysable rows", () => {
    const columns = campaignColumns(meta);
    columns.add([row(2, "ghost", "control", "", null, null, false, null)]);
    expect(() => analyseCampaign(meta, columns.finish())).toThrow(/no analysable rows/);
  });

  it("refuses a campaign under 10 customers, and withholds an action with an arm under 5 (issue 13: a two-row file described two people)", () => {
    const two = campaignColumns(meta);
    two.add([row(2, "c0", "treatment", "SMS", 2, 1500), row(3, "c3", "control", "", 1, 300, true, "male")]);
    expect(() => analyseCampaign(meta, two.finish())).toThrow(/2 analysable customers, at least 10 needed/);
    const lopsided = campaignColumns(meta);
    lopsided.add([...rows, row(13, "c10", "treatment", "Push", 1, 100)]);
    const { report } = analyseCampaign(meta, lopsided.finish());
    const push = report.actions.find((a) => a.action === "Push")!;
    expect(push).toMatchObject({ treatment: 1, control: 5, suppressed: true, outcomes: [], segments: [], clusters: [], uplift: null });
    expect(report.actions.find((a) => a.action === "SMS")!.suppressed).toBe(false);
  });

  it("encodes a column as numeric when every present value is a number, else as sorted categories", () => {
    const n = encodeColumn("history", ["142.44", undefined, "1e2"]);
    expect(n.kind).toBe("numeric");
    expect([...n.values]).toEqual([142.44, Number.NaN, 100]);
    const c = encodeColumn("channel", ["Web", "Phone", undefined, "Web"]);
    expect([c.kind, c.levels]).toEqual(["categorical", ["Phone", "Web"]]);
    expect([...c.values]).toEqual([1, 0, Number.NaN, 1]);
  });
});
