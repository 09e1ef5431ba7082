"use client";

import { useLocale, useTranslations } from "next-intl";
import { useMemo } from "react";
import { buildForecastBandOption } from "@/lib/charts/forecastBand";
import { formatPercent } from "@/lib/format";
import { Card } from "../Card";
import { EChart } from "../charts/EChart";
import { useChartFormat } from "../charts/useChartFormat";
import { useEndpoint } from "../hooks/useEndpoint";
import { useMerchant } from "../shell/MerchantContext";
import { EmptyState, ErrorState, LoadingState } from "../states";

/**
 * Daily net revenue of the last 8 weeks and the 4-week forecast with its 80 % and 95 % bands
 * (latest forecast run), with the backtest's accuracy in words.
 */
export function ForecastCard() {
  const t = useTranslations("findings.forecast");
  const locale = useLocale();
  const { slug } = useMerchant();
  const format = useChartFormat();
  const query = useEndpoint("forecast", slug, {});
  const run = query.data?.run;
  const revenue = run?.summary.daily.metrics.netRevenue;
  const option = useMemo(
    () =>
      query.data && revenue
        ? buildForecastBandOption(query.data.history, revenue.forecast, { actual: t("actual"), forecast: t("forecastLine"), band80: t("band80"), band95: t("band95") }, format)
        : null,
    [query.data, revenue, format, t],
  );
  let body;
  if (query.isPending) body = <LoadingState height={300} />;
  else if (query.error || !query.data) body = <ErrorState error={query.error} onRetry={() => query.refetch()} />;
  else if (!revenue || !option) body = <EmptyState title={t("none")} />;
  else {
    const b = revenue.backtest;
    body = (
      <>
        <EChart option={option} height={300} ariaLabel={t("chartLabel")} data-testid="forecast-chart" />
        <p className="legend-note" data-testid="forecast-accuracy">
          {t(`accuracy.${b.accuracy}`)}{" "}
          {b.coverage80 !== null && b.coverage95 !== null
            ? t("coverage", { coverage80: formatPercent(b.coverage80, locale, 0), coverage95: formatPercent(b.coverage95, locale, 0) })
            : null}{" "}
          {t(`method.${revenue.method}`)}
        </p>
      </>
    );
  }
  return (
    <Card title={t("title")} subtitle={t("subtitle")} data-testid="forecast-card">
      {body}
    </Card>
  );
}
