/*
 * The stored campaign report (campaign_reports.report), shared by lib/campaigns (writer),
 * the API routes and components (readers). Types only, no imports of db or lib code, so the
 * client components may import it.
 */

export type OutcomeName = "visit" | "conversion" | "revenue";

/** One outcome of one action: treatment vs control. Revenue in minor units of `currency`. */
export interface OutcomeStat {
  outcome: OutcomeName;
  kind: "rate" | "mean";
  treatment: number;
  control: number;
  absolute: number;
  relative: number | null;
  ci: { lower: number; upper: number };
  /** Welch interval as well for revenue (the bootstrap one is `ci`). */
  welchCi?: { lower: number; upper: number };
  pValue: number;
  method: "newcombe" | "welch" | "bootstrap";
  /** Minimum detectable absolute lift at α = 0.05, power 0.8 with these group sizes; null when none is. */
  mde: number | null;
}

export interface GroupLift {
  /** Cluster number or segment value. */
  key: string;
  /** Customers per arm; null when suppressed. */
  treatment: number | null;
  control: number | null;
  treatmentRate: number | null;
  controlRate: number | null;
  lift: number | null;
  ci: { lower: number; upper: number } | null;
  /**
   * True when the cell is withheld: an arm under 5 customers, or complementary suppression (the
   * cell would be the action's total minus the released cells). Every figure is then null.
   */
  suppressed: boolean;
}

export interface UpliftEvaluation {
  /** Rows of the held-out split the figures are computed on. */
  heldOut: number;
  qini: number;
  auuc: number;
  /** uplift@k for k = 10 %, 20 %, 30 %, 50 %. */
  upliftAtK: { k: number; value: number | null }[];
}

export interface ActionReport {
  action: string;
  /** Group sizes of the analysed rows (control = the action's own and the shared control). */
  treatment: number;
  control: number;
  /** True when an arm has fewer than 5 customers: outcomes, models, clusters and segments are withheld (empty). */
  suppressed: boolean;
  outcomes: OutcomeStat[];
  /** Heterogeneous effect on the primary outcome; null when there are no features or too few rows. */
  uplift: {
    tLearner: UpliftEvaluation;
    classTransformation: UpliftEvaluation;
    /** A seeded random ranking on the same held-out rows, for comparison. */
    random: UpliftEvaluation;
    /** Qini curves on the held-out split, down-sampled to ≤ 101 points: x = share targeted (0..1), y = incremental responders. */
    qiniCurve: { x: number[]; model: number[]; classTransformation: number[]; random: number[]; perfect: number[] };
    /** Mean |SHAP| of the T-learner's uplift in log-odds (treated minus control model), by feature, descending. */
    shap: { feature: string; meanAbs: number }[];
  } | null;
  clusters: GroupLift[];
  /** By categorical feature (file columns and the bank's gender / age band). */
  segments: { feature: string; groups: GroupLift[] }[];
}

export interface CampaignReport {
  campaign: {
    id: number;
    name: string;
    format: string;
    rows: number;
    unknownCustomers: number;
    outcomeSource: "file" | "derived";
    windowDays: number;
    /** Rows analysed (derived outcomes leave out unknown customers). */
    analysedRows: number;
    currency: string;
  };
  outcomes: OutcomeName[];
  /** The binary outcome the uplift models, clusters, segments and the effect table use. */
  primaryOutcome: "visit" | "conversion" | null;
  actions: ActionReport[];
  /**
   * k-means clusters: centroid profile in the features' own units; a cluster under 5 customers
   * (or hidden by complementary suppression) has size and centroid null.
   */
  clusters: { k: number; profiles: { cluster: number; size: number | null; centroid: Record<string, number> | null }[] } | null;
  /** Group sizes per arm to detect a lift of the primary outcome from the control rate. */
  planner: { baseline: number; rows: { lift: number; power: number; perGroup: number }[] } | null;
  /** Recommendation rule of the effect table, in probability points. */
  effectThreshold: number;
  categories: Record<string, number>;
  computeMs: number;
  /**
   * The disclosure rules the report was computed under (CAMPAIGN_DISCLOSURE_FORMAT); a stored
   * report without the current one is not served (issue 13: older reports had no cell minimum).
   */
  disclosure: number;
}

/** A row of the table "identifier, action, effect". */
export interface CustomerEffect {
  customerRef: string;
  effects: Record<string, number>;
  recommended: string | null;
  category: "persuadable" | "sure thing" | "lost cause" | "do-not-disturb";
}
