import type { Executor } from "@/db/client";
import type { DayPeriod } from "../periods";
import { categoryFigures, loadCategoryBase } from "./categoryFigures.internal";
import type { SwitchingCounts } from "./switching";

/**
 * Classifies the merchant's customers (merchant_customers: bought here at least once) with at
 * least SWITCH_MIN_PURCHASES category purchases (at the group's members) in each of `prev` and
 * `period` (whole months) by their main side in each: the merchant when its spend there is at
 * least twice the peers' (≥ 2/3 of the category spend), the peers in the mirror case. "out" = here
 * then peers, "in" = peers then here, "here"/"peers" = unchanged. NOT GUARDED: internal to
 * lib/privacy (the report releases it through guardSwitching); exported for the test that checks
 * it against the synthetic bank's planted switches.
 */
export async function switchingCounts(executor: Executor, selfId: number, ids: readonly number[], prev: DayPeriod, period: DayPeriod): Promise<SwitchingCounts> {
  const range = { from: prev.from, to: period.to };
  const base = await loadCategoryBase(executor, selfId, ids, range);
  return categoryFigures(base, new Set(ids), { period, prev, window: range }).switching;
}
