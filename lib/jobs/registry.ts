import type { Database } from "@/db/client";
import { MODEL_KINDS, type ModelKind } from "@/db/schema/models";
// Type only: the plan feature that shows a model (lib/billing/plans.ts is pure, imports nothing).
import type { Feature } from "@/lib/billing/plans";
import type { PeerIndexInput } from "@/lib/findings/types";
import { CONTRACTS, type ContractOf } from "@/lib/runs";
import type { ComputedRun } from "@/lib/runs/contract";
import type { MerchantRef } from "@/lib/tenancy/context";
import { computeChurnRun, type ChurnPoolCache } from "./churn";
import { computeClvRun } from "./clv";
import { computeFindingsRun } from "./findings";
import { computeForecastRun } from "./forecast";
import { computeSegmentsRun } from "./segments";
import { computeSwitchRun, type SwitchPoolCache } from "./switching";

/*
 * The MODELS registry (docs/adr/0011-run-contracts.md): every stored model kind with the job
 * that computes it, the contract its run is checked against (lib/runs), the plan feature whose
 * page shows it, and the kinds it reads. runMerchantModels iterates it in MODEL_ORDER. A new
 * model is one entry here, one pure file in lib/models and one contract file in lib/runs (plus
 * its kind in db/schema/models.ts's check and its words in messages/).
 */

/** What a model's job gets: the owner database, the merchant, the as-of day and shared inputs. */
interface ModelEnv {
  database: Database;
  merchant: MerchantRef;
  /** Exclusive end of the data ('YYYY-MM-DD'). */
  asOf: string;
  /** customer id → the bank's pseudonymous id (owner connection), for per-customer outputs. */
  bankIds: ReadonlyMap<number, string>;
  /** The released (or withheld) peer revenue index; undefined → no market finding. */
  peerIndex: (merchant: MerchantRef, asOf: string) => Promise<PeerIndexInput | undefined>;
  /** Peers' churn rows shared by the merchants of one worker pass (./churn.ts); undefined: not shared. */
  poolCache?: ChurnPoolCache;
  /** Peers' switching rows in a map the caller keeps (./switching.ts); undefined: the process's segment cache. */
  switchPoolCache?: SwitchPoolCache;
}

/** One registered model kind. */
export interface ModelEntry<K extends ModelKind = ModelKind> {
  kind: K;
  contract: ContractOf<K>;
  /** The plan feature (lib/billing/plans.ts) of the page that shows this kind's runs. */
  feature: Feature;
  /** Kinds whose latest run this one reads: they run before it in the same pass. */
  dependsOn: readonly ModelKind[];
  /** Computes the run (reads its inputs, fits, summarises); throws ModelInputError on unusable data. */
  compute(env: ModelEnv): Promise<ComputedRun<ContractOf<K>>>;
}

export const MODELS: { readonly [K in ModelKind]: ModelEntry<K> } = {
  clv: {
    kind: "clv",
    contract: CONTRACTS.clv,
    feature: "value",
    dependsOn: [],
    compute: (env) => computeClvRun(env.database, env.merchant, env.asOf, env.bankIds),
  },
  churn: {
    kind: "churn",
    contract: CONTRACTS.churn,
    feature: "churn",
    // Revenue at risk uses the customers' CLV from the latest CLV run.
    dependsOn: ["clv"],
    compute: (env) => computeChurnRun(env.database, env.merchant, env.asOf, env.bankIds, env.poolCache),
  },
  segments: {
    kind: "segments",
    contract: CONTRACTS.segments,
    feature: "segments",
    dependsOn: [],
    compute: (env) => computeSegmentsRun(env.database, env.merchant, env.asOf),
  },
  forecast: {
    kind: "forecast",
    contract: CONTRACTS.forecast,
    feature: "forecasts",
    dependsOn: [],
    compute: (env) => computeForecastRun(env.database, env.merchant, env.asOf),
  },
  findings: {
    kind: "findings",
    contract: CONTRACTS.findings,
    feature: "findings",
    // "Days outside the band" and the outlook read the forecast run of the same as-of day.
    dependsOn: ["forecast"],
    compute: async (env) => computeFindingsRun(env.database, env.merchant, env.asOf, await env.peerIndex(env.merchant, env.asOf)),
  },
  switching: {
    kind: "switching",
    contract: CONTRACTS.switching,
    // Shown on the churn page ("Leaving for a competitor"), under the same plan feature.
    feature: "churn",
    // The value at risk uses the customers' CLV from the latest CLV run.
    dependsOn: ["clv"],
    compute: (env) => computeSwitchRun(env.database, env.merchant, env.asOf, env.switchPoolCache),
  },
};

/**
 * The order to run the kinds in: every kind after the kinds it depends on, otherwise in
 * declaration order (Kahn's algorithm with a stable tie-break).
 * @throws Error on a dependency cycle or an unknown dependency (a registry bug, at module load)
 */
export function runOrder(models: { readonly [K in ModelKind]?: Pick<ModelEntry, "dependsOn"> }, declared: readonly ModelKind[] = MODEL_KINDS): ModelKind[] {
  const kinds = declared.filter((k) => models[k] !== undefined);
  for (const k of kinds) {
    for (const d of models[k]!.dependsOn) if (!kinds.includes(d)) throw new Error(`model ${k} depends on unknown model ${d}`);
  }
  const done: ModelKind[] = [];
  while (done.length < kinds.length) {
    const next = kinds.find((k) => !done.includes(k) && models[k]!.dependsOn.every((d) => done.includes(d)));
    if (next === undefined) throw new Error(`model dependencies form a cycle among ${kinds.filter((k) => !done.includes(k)).join(", ")}`);
    done.push(next);
  }
  return done;
}

/** The kinds in run order: clv before churn, forecast before findings. */
export const MODEL_ORDER: readonly ModelKind[] = runOrder(MODELS);
