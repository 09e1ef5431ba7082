"use client";

import { useLocale } from "next-intl";
import { useMemo } from "react";
import { makeChartFormat } from "@/lib/charts/format";
import type { ChartFormat } from "@/lib/charts/types";
import { useMerchant } from "../shell/MerchantContext";

/** The chart formatters for the user's locale and the merchant's currency. */
export function useChartFormat(): ChartFormat {
  const locale = useLocale();
  const { currency } = useMerchant();
  return useMemo(() => makeChartFormat(locale, currency), [locale, currency]);
}
