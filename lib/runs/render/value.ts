import { addDays } from "@/lib/days";
import { formatDay, formatPeriod } from "@/lib/format";
import type { ClvCustomerOutput } from "../clv";
import type { Translate } from "./translator";

/*
 * A customer's next purchase in words (CLV run format 4, lib/models/nextPurchase.ts): the one
 * renderer of the stored days for every reader (the value page, the API's readers), with the
 * templates in messages/<locale>/value.json (`next.*`) and days formatted for the locale by
 * lib/format. Pure: the caller passes a translator of the `value` namespace (useTranslations in
 * React, runsTranslator("value", locale) elsewhere).
 */

/** The next purchase as the page shows it: the likely day, and its 80 % range or "not expected". */
export interface NextPurchaseText {
  /** The median day ("Mar 12, 2025"); null when not expected. */
  day: string | null;
  /** "likely Mar 2 – Apr 20, 2025" (inclusive range), or "not expected". */
  detail: string;
}

/**
 * The words of a stored next purchase.
 * @param next the output's `nextPurchase` (null: not expected within the run's horizon)
 * @param t    a translator of the `value` namespace
 */
export function renderNextPurchase(next: ClvCustomerOutput["nextPurchase"], locale: string, t: Translate): NextPurchaseText {
  if (next === null) return { day: null, detail: t("next.notExpected") };
  return {
    day: formatDay(next.median, locale),
    detail: t("next.range", { range: formatPeriod({ from: next.from, to: addDays(next.to, 1) }, locale) }),
  };
}
