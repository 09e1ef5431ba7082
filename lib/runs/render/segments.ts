import { LOCALES } from "@/lib/i18n/config";
import type { RegressionTree } from "@/lib/models/cart";
import type { LocalizedText } from "../contract";
import {
  toSegmentCondition,
  type AgeUnknown,
  type SegmentCondition,
  type SegmentTableRow,
  type SegmentTableRowWithText,
  type SegmentTreeSummary,
  type SegmentTreeSummaryWithText,
} from "../segments";
import { runsTranslator, type Translate } from "./translator";

/*
 * Segment profiles in words: the one renderer of stored segment conditions (lib/runs/segments.ts)
 * for the page, the CLI and the API, with templates in messages/<locale>/segments.json
 * (`conditions.*`, `regions.*`). Reads like the seed's Fixprice table: "Женщина; возраст > 23.5;
 * корпоративный клиент; возраст <= 47.5". Pure: the caller passes a translator of the `segments`
 * namespace (useTranslations in React, runsTranslator("segments", locale) elsewhere).
 */

/** First letter upper case in the locale, like the seed's table, whichever condition comes first. */
function capitalise(text: string, locale: string): string {
  return text.charAt(0).toLocaleUpperCase(locale) + text.slice(1);
}

/**
 * One condition in words: a flag as the attribute or its negation ("corporate client" / "not
 * corporate client"), a region as "region: Moscow" / "region not Moscow" (the bank's region names
 * translated where the messages know them, else as stored), age as "age > 23.5". Unknown ages
 * sit on the `<=` side of an age split: with ageUnknown "some" it reads "age <= 30.5 or unknown",
 * with "all" just "age unknown". Thresholds print as stored (23.5, not a localised 23,5), as the
 * seed writes them.
 *
 * @param t a translator of the `segments` namespace
 */
export function renderSegmentCondition(c: SegmentCondition, t: Translate, ageUnknown: AgeUnknown = "none"): string {
  switch (c.type) {
    case "flag":
      return t(`conditions.flags.${c.feature}.${c.present ? "yes" : "no"}`);
    case "region": {
      const key = `regions.${c.region}`;
      // A region name with a dot would read as a nested key: such names print as stored.
      const region = !c.region.includes(".") && t.has(key) ? t(key) : c.region;
      return t(`conditions.region.${c.present ? "yes" : "no"}`, { region });
    }
    case "age": {
      const threshold = String(c.threshold);
      if (c.op === ">") return t("conditions.age.above", { threshold });
      if (ageUnknown === "all") return t("conditions.age.unknown");
      return t(ageUnknown === "some" ? "conditions.age.atMostOrUnknown" : "conditions.age.atMost", { threshold });
    }
    case "number":
      return t("conditions.number", { feature: c.feature, op: c.op, threshold: String(c.threshold) });
  }
}

/**
 * A leaf's profile: its conditions in path order, joined by "; ", first letter capitalised;
 * "All customers" / "Все клиенты" for a tree without splits.
 */
export function renderSegmentProfile(row: Pick<SegmentTableRow, "conditions" | "ageUnknown">, locale: string, t: Translate): string {
  const text = row.conditions.length === 0 ? t("conditions.all") : row.conditions.map((c) => renderSegmentCondition(c, t, row.ageUnknown)).join(t("conditions.separator"));
  return capitalise(text, locale);
}

/** A profile in every UI locale (server side). */
export function segmentProfileText(row: Pick<SegmentTableRow, "conditions" | "ageUnknown">): LocalizedText {
  return Object.fromEntries(LOCALES.map((locale) => [locale, renderSegmentProfile(row, locale, runsTranslator("segments", locale))])) as LocalizedText;
}

/** One condition, capitalised, in every UI locale (the tree chart's branch labels). */
function segmentConditionText(c: SegmentCondition, ageUnknown: AgeUnknown = "none"): LocalizedText {
  return Object.fromEntries(LOCALES.map((locale) => [locale, capitalise(renderSegmentCondition(c, runsTranslator("segments", locale), ageUnknown), locale)])) as LocalizedText;
}

/** The segment summary as readers hand it out: every table row with its profile in words. */
export function segmentSummaryWithTexts(summary: SegmentTreeSummary): SegmentTreeSummaryWithText {
  return { ...summary, table: summary.table.map((r): SegmentTableRowWithText => ({ ...r, profile: segmentProfileText(r) })) };
}

/**
 * One node of the stored segment tree (lib/models/cart.ts CartNode) as the page draws it, with
 * the condition that leads to it: as a fact, and in words in every UI locale.
 */
export interface SegmentTreeNodeView {
  id: number;
  depth: number;
  /** Customers reaching the node. */
  samples: number;
  /** Mean revenue per customer of the node, whole minor units. */
  valueMinor: number;
  left: number | null;
  right: number | null;
  /** The feature this node splits on (a getSegmentTreeData feature name); null on leaves. */
  splitFeature: string | null;
  /** The parent's split on the way here ("Female", "Age > 23.5"), capitalised; null at the root. */
  condition: LocalizedText | null;
}

/**
 * The tree's nodes with the condition leading to each, from the parent's split: the left child
 * is the `<=` side, the right child the `>` side. Unknown ages sit on the `<=` side of an age
 * split (lib/analytics/getSegmentTreeData), which the page says in a note.
 */
export function segmentTreeNodes(tree: RegressionTree): SegmentTreeNodeView[] {
  const condition = new Map<number, LocalizedText>();
  for (const node of tree.nodes) {
    if (node.feature === null || node.threshold === null) continue;
    const name = tree.featureNames[node.feature] ?? String(node.feature);
    if (node.left !== null) condition.set(node.left, segmentConditionText(toSegmentCondition(name, "<=", node.threshold)));
    if (node.right !== null) condition.set(node.right, segmentConditionText(toSegmentCondition(name, ">", node.threshold)));
  }
  return tree.nodes.map((n) => ({
    id: n.id,
    depth: n.depth,
    samples: n.samples,
    valueMinor: Math.round(n.value),
    left: n.left,
    right: n.right,
    splitFeature: n.feature === null ? null : (tree.featureNames[n.feature] ?? String(n.feature)),
    condition: condition.get(n.id) ?? null,
  }));
}
