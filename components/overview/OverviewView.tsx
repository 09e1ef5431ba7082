"use client";

import { useLocale, useTranslations } from "next-intl";
import { useMemo, useState, type ReactNode } from "react";
import type { Overview } from "@/lib/analytics/getOverview";
import type { HeadlineMetrics } from "@/lib/analytics/types";
import type { Period } from "@/lib/days";
import {
  buildRevenueDynamicsOption,
  defaultBucket,
  REVENUE_METRICS,
  type RevenueMetric,
} from "@/lib/charts/revenueDynamics";
import { formatChange, formatDay, formatMoney, formatNumber, formatPeriod } from "@/lib/format";
import { Card } from "../Card";
import { EChart } from "../charts/EChart";
import { useChartFormat } from "../charts/useChartFormat";
import { useEndpoint } from "../hooks/useEndpoint";
import type { Bucket as ChartBucket } from "@/lib/days";
import { KpiCard } from "../KpiCard";
import { Segmented } from "../Segmented";
import { useMerchant } from "../shell/MerchantContext";
import { EmptyState, ErrorState, LoadingState } from "../states";
import { FindingsFeed } from "../findings/FindingsFeed";
import { ForecastCard } from "../findings/ForecastCard";
import { LockedCard, useHasFeature } from "../billing/LockedCard";

type MoneyKey = "grossSalesMinor" | "netRevenueMinor" | "averageCheckMinor" | "refundsMinor";
type CountKey = "purchases" | "customers";

/**
 * The Overview tab: eight headline KPIs against the previous period, the top findings, revenue
 * dynamics and the forecast. `findings` and `forecast` replace the built-in cards (which fetch
 * their data from the browser) when the page streams them with their data (app/m/[slug]).
 */
export function OverviewView({
  period,
  firstDay,
  lastDay,
  findings,
  forecast,
}: {
  period: Period;
  firstDay: string | null;
  lastDay: string | null;
  findings?: ReactNode;
  forecast?: ReactNode;
}) {
  const { slug } = useMerchant();
  const overview = useEndpoint("overview", slug, period);
  const hasFindings = useHasFeature("findings");
  const hasForecasts = useHasFeature("forecasts");
  return (
    <>
      {overview.isPending ? (
        <div className="grid grid-kpi" aria-busy="true">
          {Array.from({ length: 8 }, (_, i) => (
            <LoadingState key={i} height={112} />
          ))}
        </div>
      ) : overview.error || !overview.data ? (
        <Card>
          <ErrorState error={overview.error} onRetry={() => overview.refetch()} />
        </Card>
      ) : (
        <KpiGrid overview={overview.data} firstDay={firstDay} lastDay={lastDay} />
      )}
      {!hasFindings ? <LockedCard feature="findings" /> : (findings ?? <FindingsFeed limit={3} />)}
      <RevenueCard period={period} />
      {!hasForecasts ? <LockedCard feature="forecasts" /> : (forecast ?? <ForecastCard />)}
    </>
  );
}

function KpiGrid({ overview, firstDay, lastDay }: { overview: Overview; firstDay: string | null; lastDay: string | null }) {
  const t = useTranslations("dashboard");
  const locale = useLocale();
  const { currency } = useMerchant();
  const { current, previous, change } = overview;
  const money = (minor: number | null) => formatMoney(minor, currency, locale);
  const count = (n: number | null) => formatNumber(n, locale);
  const frequency = (n: number | null) => formatNumber(n, locale, { maximumFractionDigits: 2, minimumFractionDigits: 2 });
  const changeLabel = (key: keyof HeadlineMetrics) => formatChange(change[key], locale);

  const moneyCard = (key: MoneyKey, goodWhen: "up" | "down" = "up") => (
    <KpiCard
      key={key}
      id={key}
      label={t(`kpi.${key}`)}
      hint={t(`kpi.hints.${key}`)}
      value={money(current[key])}
      change={change[key]}
      changeLabel={changeLabel(key)}
      previousLabel={t("kpi.previous", { value: money(previous[key]) })}
      goodWhen={goodWhen}
    />
  );
  const countCard = (key: CountKey) => (
    <KpiCard
      key={key}
      id={key}
      label={t(`kpi.${key}`)}
      hint={t(`kpi.hints.${key}`)}
      value={count(current[key])}
      change={change[key]}
      changeLabel={changeLabel(key)}
      previousLabel={t("kpi.previous", { value: count(previous[key]) })}
    />
  );
  const total = current.newCustomers + current.returningCustomers;
  const newShare = total > 0 ? (current.newCustomers / total) * 100 : 0;
  const empty = current.purchases === 0 && current.refunds === 0;
  const { coverage } = overview;
  const coverageNote = !coverage.comparable && !empty
    ? t("coverage.notComparable", { current: coverage.current.coveredDays, previous: coverage.previous.coveredDays, days: coverage.current.days })
    : coverage.current.share < 1 && !empty
      ? t("coverage.partial", { covered: coverage.current.coveredDays, days: coverage.current.days })
      : null;

  return (
    <>
      {coverageNote ? (
        <p className="notice" data-testid="coverage-note" role="note">
          {coverageNote}
        </p>
      ) : null}
      {empty ? (
        <Card>
          <EmptyState
            title={t("empty.title")}
            hint={
              firstDay && lastDay
                ? t("empty.hint", { from: formatDay(firstDay, locale), to: formatDay(lastDay, locale) })
                : undefined
            }
          />
        </Card>
      ) : null}
      <div className="grid grid-kpi" data-testid="kpi-grid">
        {moneyCard("grossSalesMinor")}
        {moneyCard("netRevenueMinor")}
        {countCard("purchases")}
        {countCard("customers")}
        {moneyCard("averageCheckMinor")}
        <KpiCard
          id="frequency"
          label={t("kpi.frequency")}
          hint={t("kpi.hints.frequency")}
          value={frequency(current.frequency)}
          change={change.frequency}
          changeLabel={changeLabel("frequency")}
          previousLabel={t("kpi.previous", { value: frequency(previous.frequency) })}
        />
        <KpiCard
          id="refundsMinor"
          label={t("kpi.refundsMinor")}
          hint={t("kpi.hints.refundsMinor")}
          value={money(current.refundsMinor)}
          change={change.refundsMinor}
          changeLabel={changeLabel("refundsMinor")}
          previousLabel={t("kpi.refundCount", { count: current.refunds })}
          goodWhen="down"
        />
        <KpiCard
          id="newVsReturning"
          label={t("kpi.newVsReturning")}
          hint={t("kpi.hints.newVsReturning")}
          value={`${count(current.newCustomers)} / ${count(current.returningCustomers)}`}
          change={change.newCustomers}
          changeLabel={`${t("kpi.new")} ${changeLabel("newCustomers")}`}
          previousLabel={`${t("kpi.returning")} ${changeLabel("returningCustomers")}`}
        >
          <div className="split-bar" aria-hidden="true">
            <span style={{ width: `${newShare}%` }} />
            <span style={{ width: `${100 - newShare}%` }} />
          </div>
          <div className="kpi-split">
            <span data-testid="kpi-newCustomers">
              {t("kpi.new")}: <strong>{count(current.newCustomers)}</strong>
            </span>
            <span data-testid="kpi-returningCustomers">
              {t("kpi.returning")}: <strong>{count(current.returningCustomers)}</strong>
            </span>
          </div>
        </KpiCard>
      </div>
    </>
  );
}

function RevenueCard({ period }: { period: Period }) {
  const t = useTranslations("dashboard.revenue");
  const locale = useLocale();
  const { slug } = useMerchant();
  const format = useChartFormat();
  const [bucket, setBucket] = useState<ChartBucket>(() => defaultBucket(period));
  const [metric, setMetric] = useState<RevenueMetric>("netRevenueMinor");
  const dynamics = useEndpoint("dynamics", slug, { from: period.from, to: period.to, bucket }, { keepPrevious: true });
  const data = dynamics.data;

  const option = useMemo(
    () =>
      data
        ? buildRevenueDynamicsOption(
            data,
            { current: t("current"), previous: t("previous"), change: t("change") },
            format,
            metric,
          )
        : null,
    [data, format, metric, t],
  );
  const empty = data ? [...data.series, ...data.comparison].every((b) => b.purchases === 0 && b.refunds === 0) : false;

  return (
    <Card
      title={t("title")}
      subtitle={
        data
          ? t("subtitle", { period: formatPeriod(data.period, locale), previous: formatPeriod(data.previousPeriod, locale) })
          : undefined
      }
      actions={
        <div className="period-picker">
          <Segmented
            label={t("metric.label")}
            value={metric}
            onChange={setMetric}
            options={REVENUE_METRICS.map((m) => ({ value: m, label: t(`metric.${m}`) }))}
            testId="revenue-metric"
          />
          <Segmented
            label={t("bucket.label")}
            value={bucket}
            onChange={setBucket}
            options={(["day", "week", "month"] as const).map((b) => ({ value: b, label: t(`bucket.${b}`) }))}
            testId="revenue-bucket"
          />
        </div>
      }
      data-testid="revenue-card"
    >
      {dynamics.isPending ? (
        <LoadingState height={320} />
      ) : dynamics.error || !option ? (
        <ErrorState error={dynamics.error} onRetry={() => dynamics.refetch()} />
      ) : empty ? (
        <EmptyState />
      ) : (
        <EChart
          option={option}
          height={320}
          ariaLabel={t("chartLabel", { metric: t(`metric.${metric}`), bucket: t(`bucket.${bucket}`) })}
          data-testid="revenue-chart"
        />
      )}
    </Card>
  );
}
