import { describe, expect, it } from "vitest";
import { buildChurnRun } from "@/lib/jobs/churnModel";
import { buildSegmentsRun } from "@/lib/jobs/segments";
import { encodeSegmentTreeRows } from "@/lib/analytics/getSegmentTreeData";
import { LOCALES } from "@/lib/i18n/config";
import { CHURN_FEATURES, CHURN_FEATURE_UNITS, PER_PERSON_FEATURES, type ChurnFactor, type ChurnFeatureName } from "@/lib/runs/churn";
import { renderChurnFactor, withChurnTexts } from "@/lib/runs/render/churn";
import { renderSegmentCondition, renderSegmentProfile, segmentTreeNodes } from "@/lib/runs/render/segments";
import { RUN_MESSAGES, runsTranslator, type RunNamespace } from "@/lib/runs/render/translator";
import { renderNextPurchase } from "@/lib/runs/render/value";
import { SEGMENT_FLAGS, type AgeUnknown, type SegmentCondition } from "@/lib/runs/segments";
import { mailTranslator, renderDigestEmail, renderInvitationEmail } from "@/lib/mail/render";
import enMail from "@/messages/en/mail.json";
import ruMail from "@/messages/ru/mail.json";
import { syntheticChurnInputs } from "../helpers/syntheticChurn";

/*
 * Stored runs hold codes; every reader renders words from messages/<locale>. A new language must
 * need no refit: these tests render every code a run can store, in every UI locale (LOCALES, so a
 * third language is checked as soon as it is listed), with translators that throw on a missing
 * key or a bad argument, and prove that a missing key does fail.
 */

const strict = (ns: RunNamespace, locale: string) => runsTranslator(ns, locale, { strict: true });

/** Every leaf key of a messages object, dotted. */
function keys(o: object, prefix = ""): string[] {
  return Object.entries(o).flatMap(([k, v]) => (typeof v === "object" && v !== null ? keys(v, `${prefix}${k}.`) : [`${prefix}${k}`]));
}

/** A rendered text with no placeholder, key path or empty part left. */
function expectWords(text: string) {
  expect(text.trim().length).toBeGreaterThan(0);
  expect(text).not.toMatch(/[{}]|factorText\.|conditions\.|regions\.|undefined|NaN/);
}

/** Every factor fact a churn run can store: each feature × risk × directions × values (missing, low, high, negative, zero). */
function everyFactor(): ChurnFactor[] {
  const out: ChurnFactor[] = [];
  for (const feature of CHURN_FEATURES) {
    for (const value of [null, 0, 0.3, 0.7, 1, -0.2, 48, 1234.5]) {
      for (const risk of [false, true]) {
        for (const shap of [0.25, -0.25]) {
          out.push({ feature, shap, direction: shap > 0 ? "raises" : "lowers", value, unit: CHURN_FEATURE_UNITS[feature], risk, category: feature === "region" ? (value === 1 ? null : "Moscow") : null });
        }
      }
    }
  }
  return out;
}

/** Every condition a segments run can store, with each age-unknown state. */
function everyCondition(): Array<[SegmentCondition, AgeUnknown]> {
  const out: Array<[SegmentCondition, AgeUnknown]> = [];
  for (const feature of SEGMENT_FLAGS) for (const present of [true, false]) out.push([{ type: "flag", feature, present }, "none"]);
  for (const region of ["Moscow", "Saint Petersburg", "Tver Oblast", "St. Mary's"]) for (const present of [true, false]) out.push([{ type: "region", region, present }, "none"]);
  for (const op of ["<=", ">"] as const) for (const age of ["none", "some", "all"] as const) out.push([{ type: "age", op, threshold: 30.5 }, age]);
  for (const op of ["<=", ">"] as const) out.push([{ type: "number", feature: "visits", op, threshold: 2.5 }, "none"]);
  return out;
}

describe("every stored code renders in every UI locale", () => {
  it("lists en and ru (a third language is checked here as soon as LOCALES lists it)", () => {
    expect([...LOCALES]).toEqual(expect.arrayContaining(["en", "ru"]));
  });

  for (const locale of LOCALES) {
    it(`churn factors (${locale})`, () => {
      const t = strict("churn", locale);
      for (const f of everyFactor()) expectWords(renderChurnFactor(f, { locale, currency: "RUB" }, t));
    });

    it(`segment conditions and profiles (${locale})`, () => {
      const t = strict("segments", locale);
      for (const [c, age] of everyCondition()) expectWords(renderSegmentCondition(c, t, age));
      expectWords(renderSegmentProfile({ conditions: [], ageUnknown: "none" }, locale, t));
      expectWords(renderSegmentProfile({ conditions: everyCondition().map(([c]) => c), ageUnknown: "some" }, locale, t));
    });

    it(`a synthetic churn run and a synthetic segments run, every stored code (${locale})`, () => {
      const churn = buildChurnRun(syntheticChurnInputs());
      const t = strict("churn", locale);
      const codes = new Set<string>();
      for (const o of churn.outputs) {
        for (const f of o.output.factors) {
          codes.add(`${f.feature}:${f.risk}`);
          expectWords(renderChurnFactor(f, { locale, currency: "EUR" }, t));
        }
      }
      // Issue 13: per person only the own-history features, every one of their 10 codes seen.
      expect(codes.size).toBe(10);
      for (const code of codes) expect(PER_PERSON_FEATURES.has(code.split(":")[0] as ChurnFeatureName)).toBe(true);
      for (const i of churn.summary.importance) expectWords(t(`factors.${i.feature}`));

      const customers = Array.from({ length: 200 }, (_, i) => ({
        customer_id: i + 1,
        gender: i % 3 === 0 ? null : i % 2 ? "male" : "female",
        birth_year: i % 10 === 0 ? null : 1950 + (i % 50),
        marital_status: ["married", "single", "divorced", "widowed", null][i % 5],
        is_payroll: i % 4 === 0,
        is_corporate: i % 3 === 1,
        is_premium: i % 7 === 0,
        region: ["Moscow", "Saint Petersburg", "Republic of Tatarstan", null][i % 4],
        purchases: 1 + (i % 4),
        gross: 1000 * (1 + (i % 9)) * (i % 3 === 1 ? 3 : 1),
        refunds: 0,
        active_months: i % 6,
      }));
      const segments = buildSegmentsRun(encodeSegmentTreeRows(customers, 2024), { from: "2023-06-01", to: "2024-06-01" });
      const ts = strict("segments", locale);
      expect(segments.summary.table.length).toBeGreaterThan(2);
      for (const row of segments.summary.table) expectWords(renderSegmentProfile(row, locale, ts));
    });
  }

  it("fails on a missing message, so a language file cannot silently lack a code", () => {
    const ru = structuredClone(RUN_MESSAGES.churn.ru) as { factorText: Record<string, unknown> };
    delete ru.factorText.age;
    const t = runsTranslator("churn", "ru", { strict: true, messages: ru });
    const age: ChurnFactor = { feature: "age", shap: 0.1, direction: "raises", value: 30, unit: "years", risk: false, category: null };
    expect(() => renderChurnFactor(age, { locale: "ru", currency: "RUB" }, t)).toThrow(/factorText\.age/);
    // …and the same factor renders with the complete file.
    expect(renderChurnFactor(age, { locale: "ru", currency: "RUB" }, strict("churn", "ru"))).toBe("возраст 30");
  });

  it("en and ru have the same message keys in every namespace the renderers use", () => {
    for (const ns of ["churn", "segments", "value"] as const) expect(keys(RUN_MESSAGES[ns].ru).sort()).toEqual(keys(RUN_MESSAGES[ns].en).sort());
    expect(keys(ruMail).sort()).toEqual(keys(enMail).sort());
  });
});

describe("words rendered at read time", () => {
  it("gives a revenue-at-risk row its factor texts and the joined text in every locale", () => {
    const row = {
      customerId: 1,
      bankCustomerId: "B1",
      pChurn: 0.8,
      clvMinor: 1000,
      clvSource: "clv" as const,
      revenueAtRiskMinor: 800,
      factors: [
        { feature: "recencyDays" as const, shap: 0.5, direction: "raises" as const, value: 48, unit: "days" as const, risk: true, category: null },
        { feature: "region" as const, shap: -0.1, direction: "lowers" as const, value: 0, unit: "ordinal" as const, risk: false, category: "Moscow" },
      ],
    };
    const r = withChurnTexts(row, "RUB");
    expect(r.text).toEqual({ en: "long since last purchase: 48 days; region: Moscow", ru: "давно не покупал: 48 дней; регион: Moscow" });
    // Region names in churn factors print as the bank stores them (as before); segment profiles translate the known ones.
    expect(r.factors[1].text).toEqual({ en: "region: Moscow", ru: "регион: Moscow" });
  });

  it("names the tree's branches in every locale", () => {
    const nodes = segmentTreeNodes({
      featureNames: ["region:Moscow"],
      nodes: [
        { id: 0, depth: 0, samples: 20, value: 10, impurity: 1, feature: 0, threshold: 0.5, left: 1, right: 2 },
        { id: 1, depth: 1, samples: 10, value: 5, impurity: 0, feature: null, threshold: null, left: null, right: null },
        { id: 2, depth: 1, samples: 10, value: 15, impurity: 0, feature: null, threshold: null, left: null, right: null },
      ],
    });
    expect(nodes.map((n) => n.condition)).toEqual([null, { en: "Region not Moscow", ru: "Регион не Москва" }, { en: "Region: Moscow", ru: "Регион: Москва" }]);
  });
});

describe("e-mails from messages/<locale>/mail.json", () => {
  it("renders an invitation in English as before, and in Russian with the plural of days", () => {
    const v = { merchantName: "Corner Shop", role: "merchant_viewer" as const, link: "https://x.example/invite/abc", days: 7 };
    expect(renderInvitationEmail(v, "en")).toEqual({
      subject: "You are invited to Corner Shop on Merchant Insights",
      text: "Hello,\n\nyou have been invited to Corner Shop on Merchant Insights as viewer.\n\nOpen this link to accept and set your password (valid for 7 days, usable once):\nhttps://x.example/invite/abc\n\nIf you did not expect this e-mail, ignore it.\n",
    });
    const ru = renderInvitationEmail({ ...v, role: "merchant_owner", days: 1 }, "ru", mailTranslator("ru", { strict: true }));
    expect(ru.subject).toBe("Приглашение в Corner Shop — Merchant Insights");
    expect(ru.text).toContain("Вас пригласили в Corner Shop в Merchant Insights с ролью «владелец».");
    expect(ru.text).toContain("(действует 1 день, однократно)");
    expect(renderInvitationEmail({ ...v, days: 7 }, "ru").text).toContain("(действует 7 дней, однократно)");
    const rm = renderInvitationEmail({ merchantName: null, role: "relationship_manager", link: "L", days: 7 }, "en", mailTranslator("en", { strict: true }));
    expect(rm.subject).toBe("You are invited to Merchant Insights");
    expect(rm.text).toContain("you have been invited to Merchant Insights as relationship manager.");
  });

  it("renders a digest: numbered findings, merchant names only in a portfolio digest", () => {
    const items = [{ merchantName: "Shop A", headline: "Revenue fell by 8%", explanation: "Fewer customers.", url: "https://x/m/a" }];
    const one = renderDigestEmail({ merchantName: "Shop A", date: "1 June 2026", items, dashboardUrl: "https://x/m/a/findings" }, "en", mailTranslator("en", { strict: true }));
    expect(one).toEqual({
      subject: "Your week: 1 finding for Shop A",
      text: "Hello,\n\nThe most important findings of the week for Shop A (as of 1 June 2026):\n\n1. Revenue fell by 8%\n   Fewer customers.\n   https://x/m/a\n\nOpen the dashboard: https://x/m/a/findings\n\nStop these weekly e-mails with one click: {{unsubscribe_link}}",
    });
    const portfolio = renderDigestEmail({ merchantName: null, date: "1 июня 2026 г.", items: [], dashboardUrl: "https://x/portfolio" }, "ru", mailTranslator("ru", { strict: true }));
    expect(portfolio.subject).toBe("Ваш портфель за неделю: новых выводов нет");
    expect(portfolio.text).toBe("Здравствуйте!\n\nГлавные выводы недели по вашему портфелю (на 1 июня 2026 г.):\n\nНа этой неделе ничего необычного.\nОткрыть панель: https://x/portfolio\n\nОтписаться от еженедельных писем одним нажатием: {{unsubscribe_link}}");
  });
});

describe("next purchase in words (value namespace, CLV format 4)", () => {
  const next = { from: "2024-07-03", median: "2024-07-20", to: "2024-10-30" };

  it("renders the median day and the inclusive 80 % range in every locale, or 'not expected'", () => {
    for (const locale of LOCALES) {
      const t = strict("value", locale);
      const text = renderNextPurchase(next, locale, t);
      expectWords(text.day!);
      expectWords(text.detail);
      const none = renderNextPurchase(null, locale, t);
      expect(none.day).toBeNull();
      expectWords(none.detail);
    }
    expect(renderNextPurchase(next, "en", strict("value", "en"))).toEqual({ day: "Jul 20, 2024", detail: "likely Jul 3 – Oct 30, 2024" });
    expect(renderNextPurchase(null, "en", strict("value", "en"))).toEqual({ day: null, detail: "not expected" });
    expect(renderNextPurchase(next, "ru", strict("value", "ru"))).toEqual({ day: "20 июл. 2024 г.", detail: "вероятно 3 июл. – 30 окт. 2024 г." });
    expect(renderNextPurchase(null, "ru", strict("value", "ru")).detail).toBe("не ожидается");
    // One day: the range is that day alone.
    expect(renderNextPurchase({ from: "2024-07-03", median: "2024-07-03", to: "2024-07-03" }, "en", strict("value", "en")).detail).toBe("likely Jul 3, 2024");
  });

  it("every message of the next-purchase card and the value basis renders in every locale, plurals included", () => {
    for (const locale of LOCALES) {
      const t = strict("value", locale);
      for (const count of [1, 2, 5, 20, 21]) {
        expectWords(t("next.subtitle", { count }));
        expectWords(t("next.datedFoot", { count }));
      }
      for (const days of [30, 90]) {
        expectWords(t("next.buyers", { days }));
        expectWords(t("next.buyersHint", { days }));
        expectWords(t("next.within", { days }));
      }
      expectWords(t("next.buyersFoot", { share: "12 %" }));
      expectWords(t("next.clv", { months: 12 }));
      expectWords(t("next.legend", { end: "Jun 30, 2024" }));
      for (const k of ["title", "dated", "datedHint", "customer", "next", "notExpectedHint", "empty"]) expectWords(t(`next.${k}`));
      expectWords(t("basis.margin", { margin: "35 %" }));
      expectWords(t("basis.inMargin", { label: "CLV" }));
      expectWords(t("basis.inRevenue", { label: "CLV" }));
      for (const k of ["change", "revenue", "set"]) expectWords(t(`basis.${k}`));
    }
    // Russian plurals of the card's subtitle: 1, 21 (one), 3 (few), 20 (many).
    const ru = strict("value", "ru");
    expect(ru("next.subtitle", { count: 1 })).toMatch(/^Когда ваш самый ценный клиент, скорее всего, купит снова\./);
    expect(ru("next.subtitle", { count: 21 })).toMatch(/^Когда ваш 21 самый ценный клиент, скорее всего, купит снова\./);
    expect(ru("next.subtitle", { count: 3 })).toMatch(/^Когда ваши 3 самых ценных клиента, скорее всего, купят снова\./);
    expect(ru("next.subtitle", { count: 20 })).toMatch(/^Когда ваши 20 самых ценных клиентов, скорее всего, купят снова\./);
    expect(strict("value", "en")("next.subtitle", { count: 20 })).toMatch(/^When your 20 most valuable customers will likely buy next/);
  });
});
