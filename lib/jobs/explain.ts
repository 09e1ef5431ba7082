/*
 * Churn explanations as facts: a customer's top SHAP factors, each with the feature code, its
 * value and unit, the SHAP value, its direction, and whether the value is plainly on the risky
 * side. The words are rendered at read time from messages/<locale>/churn.json
 * (lib/runs/render/churn.ts), so a stored run needs no refit for a new language or wording.
 * Pure; unit-tested in tests/unit/jobs-explain.test.ts.
 *
 * A factor with SHAP > 0 raises the customer's churn risk, ≤ 0 lowers it. `risk` is set only
 * where the model says the factor raises the risk AND the value is plainly on the risky side:
 * recency at least the merchant's purchase cycle, competitor share of at least 50 %, a rising
 * competitor share, a falling average check, intervals longer than the cycle. Anything else gets
 * the neutral wording, so the model is never made to say what it did not find.
 */
import { CHURN_FEATURE_UNITS, type ChurnFactor, type ChurnFeatureName } from "@/lib/runs/churn";

/** What the facts need besides the factor. */
export interface ExplainContext {
  /** Region ordinal → name (the run's mapping). */
  regions: readonly string[];
  /** The merchant's purchase cycle in days (median inter-purchase days): the "long since" threshold. */
  cycleDays: number;
}

/**
 * Whether a value is plainly on the risky side for a factor the model says raises the risk (see
 * the module comment); false for features without such a rule.
 */
function isRiskyValue(feature: ChurnFeatureName, value: number, ctx: Pick<ExplainContext, "cycleDays">): boolean {
  switch (feature) {
    case "recencyDays":
      return value >= ctx.cycleDays;
    case "meanInterPurchaseDays":
      return value > ctx.cycleDays;
    case "checkTrend":
      return value < 1;
    case "competitorShare90d":
      return value >= 0.5;
    case "competitorShareTrend":
      return value > 0;
    default:
      return false;
  }
}

/**
 * One factor as a fact.
 * @param feature the model column
 * @param value   the customer's value of it (units of CHURN_FEATURE_UNITS); null or NaN = unknown
 * @param shap    its SHAP value (log-odds; > 0 raises the risk)
 * @returns SHAP rounded to 6 decimals, the value to 4, the region's name for "region"
 */
export function churnFactor(feature: ChurnFeatureName, value: number | null, shap: number, ctx: ExplainContext): ChurnFactor {
  const v = value === null || !Number.isFinite(value) ? null : value;
  const raises = shap > 0;
  return {
    feature,
    shap: Math.round(shap * 1e6) / 1e6,
    direction: raises ? "raises" : "lowers",
    value: v === null ? null : Math.round(v * 1e4) / 1e4,
    unit: CHURN_FEATURE_UNITS[feature],
    risk: raises && v !== null && isRiskyValue(feature, v, ctx),
    category: feature === "region" && v !== null ? (ctx.regions[Math.round(v)] ?? null) : null,
  };
}

/**
 * The top `k` factors of one customer: the features raising the churn risk most (largest
 * positive SHAP first); when fewer than `k` raise it, the strongest ones lowering it (largest
 * |SHAP|) complete the list. Ties go to the model column order; a SHAP of exactly 0 counts as
 * lowering.
 * @param values  the customer's feature values in model column order (NaN = missing)
 * @param shap    SHAP values in the same order
 * @param allowed when given, only these features may be shown (the per-person outputs pass
 *                PER_PERSON_FEATURES: the merchant's own history, never a bank attribute)
 */
export function topFactors(
  features: readonly ChurnFeatureName[],
  values: ArrayLike<number>,
  shap: ArrayLike<number>,
  ctx: ExplainContext,
  k = 3,
  allowed?: ReadonlySet<ChurnFeatureName>,
): ChurnFactor[] {
  const idx = features.map((_, i) => i).filter((i) => !allowed || allowed.has(features[i]));
  const raising = idx.filter((i) => shap[i] > 0).sort((a, b) => shap[b] - shap[a] || a - b);
  const lowering = idx.filter((i) => !(shap[i] > 0)).sort((a, b) => Math.abs(shap[b]) - Math.abs(shap[a]) || a - b);
  return [...raising, ...lowering].slice(0, k).map((i) => churnFactor(features[i], Number.isNaN(values[i]) ? null : values[i], shap[i], ctx));
}
