import { formatChange, formatDay, formatMoney, formatMonth, formatNumber, formatPercent } from "@/lib/format";
import type { ChartFormat } from "./types";

/**
 * lib/format bound to a locale and a currency: what the chart builders format with (pure; the
 * client hook components/charts/useChartFormat and server code share it, so it lives in lib/).
 */
export function makeChartFormat(locale: string, currency: string): ChartFormat {
  return {
    money: (minor) => formatMoney(minor, currency, locale),
    moneyCompact: (minor) => formatMoney(minor, currency, locale, { compact: true }),
    number: (value, fractionDigits = 0) =>
      formatNumber(value, locale, { maximumFractionDigits: fractionDigits, minimumFractionDigits: fractionDigits }),
    percent: (ratio) => formatPercent(ratio, locale),
    change: (ratio) => formatChange(ratio, locale),
    day: (day) => formatDay(day, locale, "short"),
    month: (month) => formatMonth(month, locale),
  };
}
