"use client";

import { useLocale, useTranslations } from "next-intl";
import { formatMoney, formatNumber, formatPercent } from "@/lib/format";
import { FORECAST_METRICS } from "@/lib/runs/forecast";
import { Card } from "../Card";
import { useEndpoint } from "../hooks/useEndpoint";
import { useMerchant } from "../shell/MerchantContext";
import { FindingsFeed } from "./FindingsFeed";
import { ForecastCard } from "./ForecastCard";
import { LockedCard, useHasFeature } from "../billing/LockedCard";

/** The Findings tab: the whole feed, the revenue forecast and every forecast's accuracy. */
export function FindingsView() {
  const hasForecasts = useHasFeature("forecasts");
  return (
    <>
      <FindingsFeed />
      {hasForecasts ? (
        <>
          <ForecastCard />
          <ForecastTable />
        </>
      ) : (
        <LockedCard feature="forecasts" />
      )}
    </>
  );
}

/** Next week / next 4 weeks of every metric with the 80 % interval and the accuracy in words. */
function ForecastTable() {
  const t = useTranslations("findings.forecast");
  const tl = useTranslations("findings.labels.metric");
  const locale = useLocale();
  const { slug, currency } = useMerchant();
  const query = useEndpoint("forecast", slug, {});
  const weekly = query.data?.run?.summary.weekly;
  if (!weekly) return null;
  const value = (metric: string, v: number) =>
    metric === "netRevenue" || metric === "averageCheck" ? formatMoney(v, currency, locale, { whole: true }) : formatNumber(v, locale, { maximumFractionDigits: metric === "customers" || metric === "purchases" ? 0 : 2 });
  return (
    <Card title={t("weeklyTitle")} subtitle={t("weeklySubtitle")} data-testid="forecast-table">
      <table className="table">
        <thead>
          <tr>
            <th>{t("columns.metric")}</th>
            <th>{t("columns.nextWeek")}</th>
            <th>{t("columns.interval")}</th>
            <th>{t("columns.accuracy")}</th>
            <th>{t("columns.coverage")}</th>
          </tr>
        </thead>
        <tbody>
          {FORECAST_METRICS.map((m) => {
            const f = weekly.metrics[m];
            if (!f) return null;
            const next = f.forecast[0];
            return (
              <tr key={m}>
                <td>{tl(m)}</td>
                <td>{value(m, next.point)}</td>
                <td>
                  {value(m, next.lower80)} – {value(m, next.upper80)}
                </td>
                <td>{t(`grade.${f.backtest.accuracy}`)}</td>
                <td>{f.backtest.coverage80 === null ? "—" : formatPercent(f.backtest.coverage80, locale, 0)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </Card>
  );
}
