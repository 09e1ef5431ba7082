import type { Database } from "@/db/client";
import {
  addCompetitorShare,
  getChurnFeatures,
  type ChurnFeatureRowWithShare,
  getPurchaseCycle,
  INTERVAL_LOOKBACK_DAYS,
  OBSERVATION_DAYS,
  TREND_WINDOW_DAYS,
} from "@/lib/analytics/getChurnFeatures";
import { churnFeaturesFromDays } from "@/lib/analytics/churnFeaturesFromDays";
import { getClvByCustomer } from "@/lib/analytics/getModelResults";
import { addDays } from "@/lib/days";
import { getDataRange } from "@/lib/analytics/getDataRange";
import { getCategorySpendByCustomer } from "@/lib/privacy/categorySpend";
import { poolSegmentChurnRows, readChurnDays, type PeerChurnData } from "@/lib/privacy/churnDays";
import { segmentFingerprint } from "@/lib/privacy/pooledTraining";
import type { churnContract } from "@/lib/runs/churn";
import type { ComputedRun } from "@/lib/runs/contract";
import type { MerchantRef } from "@/lib/tenancy/context";
import { withMerchantScope } from "@/lib/tenancy/scope";
import { buildChurnRun, CHURN_SETTINGS, churnHorizonDays, ownChurnProblem, type ChurnRunInputs } from "./churnModel";
import { ModelInputError } from "./errors";

/*
 * The churn job's I/O (docs/models/jobs.md): reads the features as of three cutoffs
 * (lib/analytics/getChurnFeatures.ts, the merchant's own rollups in its read-only scope), the
 * latest CLV run, and competitor share through lib/privacy/categorySpend.ts on the owner
 * connection; the modelling itself is pure (./churnModel.ts).
 *
 * Horizon H = the merchant's purchase cycle: 2 × the median over repeat customers of their mean
 * days between purchase days (last 365 days), rounded to whole days, clamped to [30, 180].
 * Label at a cutoff c: a customer with a purchase day in [c − 180, c) churned when they have no
 * purchase day in [c, c + H).
 * Holdout: train at c₁ = asOf − 2H, validate at c₂ = asOf − H (both label windows lie inside the
 * data); then refit at c₂ and score the customers active as of asOf: P(no purchase in
 * [asOf, asOf + H)).
 */

/** Peers' churn feature rows at (training, validation) cutoffs, keyed by peer, cutoffs and horizon. */
export type ChurnPoolCache = Map<string, ChurnFeatureRowWithShare[][]>;

/**
 * Days of a member's customer-day rows read for its churn features (lib/privacy/churnDays.ts
 * readChurnDays): the lookback before the earliest training cutoff (as-of − 2 × 180).
 */
export const CHURN_SPAN_DAYS = INTERVAL_LOOKBACK_DAYS + 2 * CHURN_SETTINGS.maxHorizonDays;

/**
 * The span of category-spend days every churn and switching job of one as-of day reads
 * (lib/privacy/categorySpend.ts keeps the MCC's purchase days of a span in memory, so one span
 * for every member's windows, whatever its horizon): [asOf − 540, asOf), the trend windows
 * before the earliest possible training cutoff (asOf − 2 × 180).
 */
export function categorySpendSpan(asOf: string): { from: string; to: string } {
  return { from: addDays(asOf, -(2 * CHURN_SETTINGS.maxHorizonDays + 2 * TREND_WINDOW_DAYS)), to: asOf };
}

/** Two windows per cutoff for categorySpend: [c − 90, c) and [c − 180, c − 90). */
function spendWindows(cutoffs: readonly string[]) {
  return cutoffs.flatMap((c) => [
    { from: addDays(c, -TREND_WINDOW_DAYS), to: c },
    { from: addDays(c, -2 * TREND_WINDOW_DAYS), to: addDays(c, -TREND_WINDOW_DAYS) },
  ]);
}

/**
 * The stored churn run as of `asOf` (see the module comment). Reads the merchant's rollups in
 * its scope (read-only), competitor spend through lib/privacy on the owner connection, and the
 * latest succeeded CLV run for revenue at risk; then fits with buildChurnRun.
 *
 * @param bankIds customer id → bank customer id (owner connection), copied into the outputs
 * @param poolCache peers' feature rows by (peer, cutoffs, horizon), shared by the callers that pass
 *        it (tests that re-read a pool); default: the worker process's cache keyed by the
 *        segment's data version (lib/privacy/segmentCache.ts), so a segment's rows are read once per data
 *        version, not once per member
 * @throws ModelInputError when the history or the customers are too few for the holdout
 */
export async function computeChurnRun(
  database: Database,
  merchant: MerchantRef,
  asOf: string,
  bankIds: ReadonlyMap<number, string>,
  poolCache?: ChurnPoolCache,
): Promise<ComputedRun<typeof churnContract>> {
  return buildChurnRun(await readChurnInputs(database, merchant, asOf, bankIds, poolCache));
}

/**
 * The inputs of buildChurnRun as of `asOf` (computeChurnRun's reads; exported so that the privacy
 * tests can compare a stored run with the pool it was trained on).
 * @throws ModelInputError when the purchase cycle is unknown (no repeat customers)
 */
export async function readChurnInputs(
  database: Database,
  merchant: MerchantRef,
  asOf: string,
  bankIds: ReadonlyMap<number, string>,
  poolCache?: ChurnPoolCache,
): Promise<ChurnRunInputs> {
  // The merchant's own customer-day rows, as its peers' are read for their pools: once per
  // segment data version and as-of day, shared with the switching job (features at any cutoff in
  // memory, the rows of getChurnFeatures to the bit).
  const version = await segmentFingerprint(database, merchant.id);
  const days = await readChurnDays(database, version, merchant, asOf, CHURN_SPAN_DAYS);
  const scoped = await withMerchantScope(database, merchant.id, async (tx) => {
    const ctx = { tx, merchant };
    const cycle = await getPurchaseCycle(ctx, asOf);
    if (cycle.medianInterPurchaseDays === null) {
      throw new ModelInputError(`no repeat customers in the ${INTERVAL_LOOKBACK_DAYS} days before ${asOf}: the purchase cycle is unknown`);
    }
    const horizonDays = churnHorizonDays(cycle.medianInterPurchaseDays);
    const trainCutoff = addDays(asOf, -2 * horizonDays);
    const validationCutoff = addDays(asOf, -horizonDays);
    const features = (opts: { cutoff: string; labelDays?: number }) => (days ? Promise.resolve(churnFeaturesFromDays(days, opts)) : getChurnFeatures(ctx, opts));
    const train = await features({ cutoff: trainCutoff, labelDays: horizonDays });
    const validation = await features({ cutoff: validationCutoff, labelDays: horizonDays });
    const score = await features({ cutoff: asOf });
    const clv = await getClvByCustomer(ctx);
    const { firstDay } = await getDataRange(ctx);
    return { medianInterPurchaseDays: cycle.medianInterPurchaseDays, horizonDays, trainCutoff, validationCutoff, train, validation, score, clv, firstDay };
  });
  const { trainCutoff, validationCutoff } = scoped;

  // One span for every member's windows (whatever its horizon): the MCC's purchase days are read
  // once per data version by lib/privacy and the sums taken in memory there.
  const spendSpan = categorySpendSpan(asOf);
  const spend = await getCategorySpendByCustomer(database, merchant.id, spendWindows([trainCutoff, validationCutoff, asOf]), { span: spendSpan });
  const byCustomer = spend.available ? spend.byCustomer : null;
  const train = addCompetitorShare(scoped.train, byCustomer, 0, 1);
  const validation = addCompetitorShare(scoped.validation, byCustomer, 2, 3);

  // The segment's pool (lib/privacy/churnDays.ts, pooledTraining.ts): every peer's rows at the
  // same two cutoffs with the same horizon, read by lib/privacy in the peer's own read-only scope;
  // a peer whose data end before asOf would have every customer "churned" in the validation label
  // window, so it gives none. A peer's customer-day rows are read once per segment data version
  // and as-of day (whatever the asker's horizon), and its features at the asker's cutoffs computed
  // from them in memory (lib/analytics/churnFeaturesFromDays.ts: the rows of getChurnFeatures).
  const own = {
    asOf,
    horizonDays: scoped.horizonDays,
    medianInterPurchaseDays: scoped.medianInterPurchaseDays,
    trainCutoff,
    validationCutoff,
    train,
    validation,
    score: addCompetitorShare(scoped.score, byCustomer, 4, 5),
    competitorSpend: { available: spend.available, reason: spend.available ? null : spend.reason, peerMerchants: spend.peerMerchants },
    clv: scoped.clv,
    bankIds,
    // The data the run describes starts at the lookback or at the merchant's first day, whichever
    // is later (issue 19: Online Retail's churn page dated its data from Apr 28, 2010; it starts Dec 1).
    periodFrom: maxDay(addDays(trainCutoff, -INTERVAL_LOOKBACK_DAYS), scoped.firstDay),
    observationDays: OBSERVATION_DAYS,
  };
  // A merchant that can train a model of its own keeps it (ADR 0019, "what landed"), so its pool
  // would be read, capped and anonymised for nothing: it is not asked for (ADR 0027), as the CLV
  // job asks only when the merchant's own fit fails. The run then says "merchant-only, no pool
  // asked" (pooling.merchants and withheld null).
  if (ownChurnProblem(own) === null) return own;

  // The shaping of a peer's rows (lib/privacy/churnDays.ts reads them in the peer's scope): its
  // features at these cutoffs with its customers' competitor share; a peer whose data end before
  // asOf gives none. A caller's cache (tests re-reading a pool) keeps the rows at these cutoffs;
  // without one the features come from the process's cached days and spend sums (in memory).
  const shape = async (peer: PeerChurnData): Promise<ChurnFeatureRowWithShare[][]> => {
    if (peer.days === null) return [[], []];
    const rows = [
      churnFeaturesFromDays(peer.days, { cutoff: trainCutoff, labelDays: scoped.horizonDays }),
      churnFeaturesFromDays(peer.days, { cutoff: validationCutoff, labelDays: scoped.horizonDays }),
    ];
    const peerSpend = await peer.spend(spendWindows([trainCutoff, validationCutoff]), spendSpan);
    const peerByCustomer = peerSpend.available ? peerSpend.byCustomer : null;
    return [addCompetitorShare(rows[0], peerByCustomer, 0, 1), addCompetitorShare(rows[1], peerByCustomer, 2, 3)];
  };
  const pooled = await poolSegmentChurnRows(
    database,
    merchant,
    version,
    { asOf, spanDays: CHURN_SPAN_DAYS, window: { from: addDays(trainCutoff, -OBSERVATION_DAYS), to: asOf } },
    [train, validation],
    shape,
    { map: poolCache, mapKey: `${trainCutoff}|${validationCutoff}|${scoped.horizonDays}` },
  );
  return {
    ...own,
    pool: pooled.available
      ? { available: true, level: pooled.level, merchants: pooled.merchants, train: pooled.sets[0], validation: pooled.sets[1] }
      : { available: false, merchants: pooled.merchants, reason: pooled.reason },
  };
}

/** The later of a day and an optional day ('YYYY-MM-DD' compares as text). */
function maxDay(day: string, other: string | null): string {
  return other !== null && other > day ? other : day;
}
