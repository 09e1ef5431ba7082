import type { Database } from "@/db/client";
import { churnFeaturesFromDays } from "@/lib/analytics/churnFeaturesFromDays";
import { getChurnFeatures, OBSERVATION_DAYS, type ChurnFeatureRow } from "@/lib/analytics/getChurnFeatures";
import { getDataRange } from "@/lib/analytics/getDataRange";
import { getClvByCustomer } from "@/lib/analytics/getModelResults";
import { addDays } from "@/lib/days";
import { getCategorySpendByCustomer, type SpendWindow } from "@/lib/privacy/categorySpend";
import { poolSegmentChurnRows, readChurnDays, type PeerChurnData } from "@/lib/privacy/churnDays";
import { segmentFingerprint } from "@/lib/privacy/pooledTraining";
import type { ComputedRun } from "@/lib/runs/contract";
import type { switchingContract } from "@/lib/runs/switching";
import type { MerchantRef } from "@/lib/tenancy/context";
import { withMerchantScope } from "@/lib/tenancy/scope";
import { CHURN_SPAN_DAYS, categorySpendSpan } from "./churn";
import { ModelInputError } from "./errors";
import { buildSwitchRun, SWITCH_SETTINGS, type SwitchHoldout, type SwitchRow, type SwitchRunInputs } from "./switchingModel";

/*
 * The "leaving for a competitor" job's I/O (docs/adr/0024-leaving-for-a-competitor.md): the
 * merchant's own-history features at three cutoffs in its read-only scope, its customers' category
 * spend here and at all peers of the MCC through lib/privacy/categorySpend.ts (owner connection,
 * peer guard: ≥ 5 peers), the segment's rows through lib/privacy/pooledTraining.ts (peers' own
 * scopes, ids anonymised), and the latest CLV run for the value at risk. The modelling is pure
 * (./switchingModel.ts). Cutoffs: c₁ = asOf − 2H (training), c₂ = asOf − H (validation), asOf
 * (scoring), H = 90 days.
 */

/** The windows of one cutoff: [c − 30, c), [c − 90, c − 30), [c − 180, c − 90) and, labelled, [c, c + H). */
function windowsAt(cutoff: string, horizonDays: number, labelled: boolean): SpendWindow[] {
  const w = [
    { from: addDays(cutoff, -30), to: cutoff },
    { from: addDays(cutoff, -90), to: addDays(cutoff, -30) },
    { from: addDays(cutoff, -OBSERVATION_DAYS), to: addDays(cutoff, -90) },
  ];
  if (labelled) w.push({ from: cutoff, to: addDays(cutoff, horizonDays) });
  return w;
}

type Spend = { spendHereMinor: number[]; spendAtPeersMinor: number[]; daysHere: number[]; daysAtPeers: number[] };

/** Joins own-history rows with the spend windows starting at index `first` (3 feature windows, then the label's). */
function toRows(rows: readonly ChurnFeatureRow[], spend: ReadonlyMap<number, Spend>, first: number, labelled: boolean): SwitchRow[] {
  const at = (s: Spend | undefined, k: number) => ({
    here: s?.spendHereMinor[first + k] ?? 0,
    peers: s?.spendAtPeersMinor[first + k] ?? 0,
    daysHere: s?.daysHere[first + k] ?? 0,
    daysPeers: s?.daysAtPeers[first + k] ?? 0,
  });
  return rows.map((r) => {
    const s = spend.get(r.customerId);
    return {
      customerId: r.customerId,
      own: {
        recencyDays: r.recencyDays,
        frequency180d: r.frequency180d,
        monetaryMinor: r.monetaryMinor,
        tenureDays: r.tenureDays,
        meanInterPurchaseDays: r.meanInterPurchaseDays,
        revenue365dMinor: r.revenue365dMinor,
        age: r.age,
        female: r.female,
      },
      last30: at(s, 0),
      prior60: at(s, 1),
      prev90: at(s, 2),
      label: labelled ? at(s, 3) : null,
    };
  });
}

/**
 * Peers' rows at (training, validation) cutoffs, keyed by peer and cutoffs, in a map the caller
 * keeps (tests re-reading a pool); without one, the worker process's segment cache.
 */
export type SwitchPoolCache = Map<string, SwitchRow[][]>;

/**
 * The inputs of buildSwitchRun as of `asOf` (see the module comment).
 * @throws ModelInputError when the category spend is withheld (fewer than 5 peer merchants): the
 *         forecast is about spend at peers and cannot exist without it
 */
async function readSwitchInputs(database: Database, merchant: MerchantRef, asOf: string, poolCache?: SwitchPoolCache): Promise<SwitchRunInputs> {
  const H = SWITCH_SETTINGS.horizonDays;
  const trainCutoff = addDays(asOf, -2 * H);
  const validationCutoff = addDays(asOf, -H);
  const windows = [...windowsAt(trainCutoff, H, true), ...windowsAt(validationCutoff, H, true), ...windowsAt(asOf, H, false)];
  // Own history from the merchant's customer-day rows as the churn job read them (the worker's
  // segment cache, lib/privacy/churnDays.ts readChurnDays), else from the feature query.
  const version = await segmentFingerprint(database, merchant.id);
  const days = await readChurnDays(database, version, merchant, asOf, CHURN_SPAN_DAYS);
  const own = await withMerchantScope(database, merchant.id, async (tx) => {
    const ctx = { tx, merchant };
    const features = (cutoff: string) => (days ? Promise.resolve(churnFeaturesFromDays(days, { cutoff })) : getChurnFeatures(ctx, { cutoff }));
    return {
      train: await features(trainCutoff),
      validation: await features(validationCutoff),
      score: await features(asOf),
      clv: await getClvByCustomer(ctx),
      firstDay: (await getDataRange(ctx)).firstDay,
    };
  });
  // Spend sums in memory from the MCC's purchase days of the span the churn jobs read
  // (lib/privacy/categorySpend.ts: the same figures as its query, read once per MCC and version).
  const span = categorySpendSpan(asOf);
  const spend = await getCategorySpendByCustomer(database, merchant.id, windows, { span });
  if (!spend.available) throw new ModelInputError(`category spend at peers is withheld (${spend.reason}): no competitor-leaving forecast`);
  const train = toRows(own.train, spend.byCustomer, 0, true);
  const validation = toRows(own.validation, spend.byCustomer, 4, true);
  const score = toRows(own.score, spend.byCustomer, 8, false);

  // The segment's rows (lib/privacy/churnDays.ts, pooledTraining.ts): each peer's customers at the
  // same cutoffs, own history read by lib/privacy in the peer's read-only scope, category spend bank-side; a peer whose data end
  // before asOf has no complete label window and gives none. The cutoffs follow from asOf alone
  // (H is fixed), so a peer's rows are the same for every member of its segment: they are kept in
  // the worker's segment cache (lib/privacy/segmentCache.ts) per data version and as-of day, and the peer's
  // own history comes from the customer-day rows the churn job reads (readChurnDays; the
  // features of getChurnFeatures to the bit, lib/analytics/getChurnFeatureDays.ts).
  const labelWindows = [...windowsAt(trainCutoff, H, true), ...windowsAt(validationCutoff, H, true)];
  const shape = async (peer: PeerChurnData): Promise<SwitchRow[][]> => {
    if (peer.days === null) return [[], []];
    const peerSpend = await peer.spend(labelWindows, span);
    if (!peerSpend.available) return [[], []];
    return [
      toRows(churnFeaturesFromDays(peer.days, { cutoff: trainCutoff }), peerSpend.byCustomer, 0, true),
      toRows(churnFeaturesFromDays(peer.days, { cutoff: validationCutoff }), peerSpend.byCustomer, 4, true),
    ];
  };
  const pooled = await poolSegmentChurnRows(
    database,
    merchant,
    version,
    { asOf, spanDays: CHURN_SPAN_DAYS, window: { from: addDays(trainCutoff, -OBSERVATION_DAYS), to: asOf } },
    [train, validation],
    shape,
    { map: poolCache, mapKey: `${trainCutoff}|${validationCutoff}`, processKey: "switch" },
  );
  const periodFrom = own.firstDay !== null && own.firstDay > addDays(trainCutoff, -OBSERVATION_DAYS) ? own.firstDay : addDays(trainCutoff, -OBSERVATION_DAYS);
  return {
    asOf,
    horizonDays: H,
    trainCutoff,
    validationCutoff,
    train,
    validation,
    score,
    pool: pooled.available ? { merchants: pooled.merchants, train: pooled.sets[0], validation: pooled.sets[1] } : null,
    peerMerchants: spend.peerMerchants,
    clv: own.clv === null ? null : { runId: own.clv.runId, clvMinor: own.clv.clvMinor },
    periodFrom,
  };
}

/**
 * The stored switching run as of `asOf` and the chosen model's holdout predictions on the
 * merchant's own validation customers (kept in memory only: tests compare them with the synthetic
 * bank's switch_events).
 * @throws ModelInputError when the data cannot train or describe the forecast (see buildSwitchRun)
 */
export async function computeSwitchRunWithHoldout(
  database: Database,
  merchant: MerchantRef,
  asOf: string,
  poolCache?: SwitchPoolCache,
): Promise<{ run: ComputedRun<typeof switchingContract>; holdout: SwitchHoldout }> {
  return buildSwitchRun(await readSwitchInputs(database, merchant, asOf, poolCache));
}

/** The stored switching run as of `asOf` (the MODELS registry's job). */
export async function computeSwitchRun(database: Database, merchant: MerchantRef, asOf: string, poolCache?: SwitchPoolCache): Promise<ComputedRun<typeof switchingContract>> {
  return (await computeSwitchRunWithHoldout(database, merchant, asOf, poolCache)).run;
}
