import {
  previousGrainPeriod,
  referenceWindow,
  requireGrain,
  retentionWindows,
  yearAgoPeriod,
  type DayPeriod,
} from "../periods";

/*
 * The windows one Competitors request reads (docs/competitors.md, "Period"): all derived from
 * the requested whole month, quarter or year, never chosen by the asker (docs/adr/0006). Pure.
 */

/** The windows of one request: the period, its grain and the windows derived from it. */
export type ReportWindows = ReturnType<typeof reportWindows>;

/**
 * The windows of a request for `period` (a whole month, quarter or year): previous period of the
 * grain, the same period a year earlier, the 3-month retention windows and the 12-month
 * reference window (lib/privacy/periods.ts).
 * @throws Error when the period is not one whole calendar month, quarter or year
 */
export function reportWindows(period: DayPeriod) {
  const grain = requireGrain(period);
  return {
    grain,
    period: { from: period.from, to: period.to },
    prev: previousGrainPeriod(period, grain),
    yearAgo: yearAgoPeriod(period),
    retention: retentionWindows(period),
    window: referenceWindow(period),
  };
}

/** The months the customer-category figures of `w` read: [min(window, previous period), period end). */
export function categoryRange(w: ReportWindows): DayPeriod {
  return { from: w.window.from < w.prev.from ? w.window.from : w.prev.from, to: w.period.to };
}
