"use client";

import { useLocale, useTranslations } from "next-intl";
import { useMemo } from "react";
import type { CustomerValueResults } from "@/lib/analytics/getModelResults";
import { buildClvHistogramOption } from "@/lib/charts/buildClvHistogramOption";
import { buildPAliveHeatmapOption } from "@/lib/charts/buildPAliveHeatmapOption";
import { formatDay, formatMoney, formatNumber, formatPercent, SUPPRESSED_LABEL } from "@/lib/format";
import { Card } from "../Card";
import { EChart } from "../charts/EChart";
import { useChartFormat } from "../charts/useChartFormat";
import { useEndpoint } from "../hooks/useEndpoint";
import { useMerchant } from "../shell/MerchantContext";
import { EmptyState } from "../states";
import { FailedAttemptNote, localDay, ModelError, ModelKpi, ModelLoading, NoRunYet, RunLine } from "./ModelParts";
import styles from "./model.module.css";

/** The Customer value tab: KPIs, CLV distribution, P(alive) heatmap, how it is computed. */
export function ValueView() {
  const { slug } = useMerchant();
  const tp = useTranslations("common.privacy");
  const query = useEndpoint("customer-value", slug, {});
  if (query.isPending) return <ModelLoading kpis={4} blocks={[300, 320]} />;
  if (query.error || !query.data) return <ModelError error={query.error} onRetry={() => query.refetch()} />;
  const { run, latestAttempt } = query.data;
  if (!run) return <NoRunYet ns="value" attempt={latestAttempt} />;
  return (
    <>
      <RunLine ns="value" run={run} />
      <FailedAttemptNote ns="value" attempt={latestAttempt} shownRunId={run.id} />
      <ValueKpis run={run} />
      <ClvHistogramCard run={run} />
      <PAliveCard run={run} />
      <MethodCard run={run} />
      <p className="legend-note" data-privacy-note="">{tp("note")}</p>
    </>
  );
}

function ValueKpis({ run }: { run: CustomerValueResults }) {
  const t = useTranslations("value.kpi");
  const locale = useLocale();
  const { currency } = useMerchant();
  const s = run.summary;
  const returningShare = s.customers > 0 ? s.expectedReturningCustomers12m / s.customers : null;
  const months = run.params.buyAgainMonths;
  return (
    <div className="grid grid-kpi" data-testid="value-kpis">
      <ModelKpi
        id="customersModelled"
        label={t("customers")}
        hint={t("customersHint")}
        value={formatNumber(s.customers, locale)}
        foot={t("repeat", { count: s.repeatCustomers })}
      />
      <ModelKpi
        id="meanClv"
        label={t("meanClv", { months: run.params.horizonMonths })}
        hint={t("meanClvHint")}
        value={formatMoney(s.meanClvMinor, currency, locale)}
        foot={t("median", { value: formatMoney(s.medianClvMinor, currency, locale) })}
      />
      <ModelKpi
        id="buyAgain"
        label={t("buyAgain", { months })}
        hint={t("buyAgainHint", { months })}
        value={formatPercent(returningShare, locale)}
        foot={t("buyAgainCount", { count: Math.round(s.expectedReturningCustomers12m) })}
      />
      <ModelKpi
        id="totalClv"
        label={t("totalClv", { months: run.params.horizonMonths })}
        hint={t("totalClvHint")}
        value={formatMoney(s.totalClvMinor, currency, locale, { whole: true })}
        foot={t("purchases", { count: Math.round(s.expectedPurchases90d), days: run.params.predictionDays })}
      />
    </div>
  );
}

function ClvHistogramCard({ run }: { run: CustomerValueResults }) {
  const t = useTranslations("value.clv");
  const format = useChartFormat();
  const bins = run.summary.clvHistogram;
  const option = useMemo(
    () => buildClvHistogramOption(bins, { customers: t("customers"), clv: t("range", { months: run.params.horizonMonths }) }, format),
    [bins, format, t, run.params.horizonMonths],
  );
  const empty = bins.every((b) => b.customers === 0);
  return (
    <Card title={t("title", { months: run.params.horizonMonths })} subtitle={t("subtitle")} data-testid="clv-card">
      {empty ? (
        <div data-testid="clv-histogram">
          <EmptyState />
        </div>
      ) : (
        <EChart option={option} height={300} ariaLabel={t("chartLabel")} data-testid="clv-histogram" />
      )}
    </Card>
  );
}

function PAliveCard({ run }: { run: CustomerValueResults }) {
  const t = useTranslations("value.pAlive");
  const format = useChartFormat();
  // The chance of buying again within 12 months: observable, and it separates customers even
  // where P(alive) is ≈ 1 for everyone (docs/models/clv.md §2a).
  const grid = run.summary.buyAgainGrid;
  const option = useMemo(
    () =>
      buildPAliveHeatmapOption(
        grid,
        {
          frequency: t("frequency"),
          recency: t("recency"),
          pAlive: t("pAlive"),
          customers: t("customers"),
          suppressed: SUPPRESSED_LABEL,
        },
        format,
      ),
    [grid, format, t],
  );
  const empty = grid.cells.length === 0 || grid.cells.every((c) => c.suppressed);
  return (
    <Card title={t("title")} subtitle={t("subtitle")} data-testid="palive-card">
      {empty ? (
        <div data-testid="palive-heatmap">
          <EmptyState />
        </div>
      ) : (
        <EChart
          option={option}
          height={Math.max(220, grid.frequencyBuckets.length * 40 + 90)}
          ariaLabel={t("chartLabel")}
          data-testid="palive-heatmap"
        />
      )}
    </Card>
  );
}

function MethodCard({ run }: { run: CustomerValueResults }) {
  const t = useTranslations("value.method");
  const locale = useLocale();
  const { timeZone, currency } = useMerchant();
  const { mbgnbd, gammaGamma } = run.metrics;
  const s = run.summary;
  const p = run.params;
  const n = (v: number, digits = 3) => formatNumber(v, locale, { maximumFractionDigits: digits, minimumFractionDigits: 0 });
  const param = (name: string, value: string) => (
    <>
      <dt>{name}</dt>
      <dd>{value}</dd>
    </>
  );
  return (
    <Card data-testid="value-method">
      <details className={styles.method}>
        <summary>{t("title")}</summary>
        <p>{t("bgnbd")}</p>
        <p data-testid="value-still-active">
          {t("stillActive", {
            share: formatPercent(s.customers > 0 ? s.expectedActiveCustomers / s.customers : null, locale),
            count: Math.round(s.expectedActiveCustomers),
            months: p.buyAgainMonths,
          })}
        </p>
        <p>{t("churnDifference")}</p>
        <p>{t("gammaGamma")}</p>
        <p>
          {t("clv", {
            months: p.horizonMonths,
            rate: formatPercent(p.monthlyDiscountRate, locale, 2),
          })}
        </p>
        <p>
          {t("data", {
            end: formatDay(p.calibrationEnd, locale),
            customers: run.summary.customers,
            repeat: run.summary.repeatCustomers,
          })}
        </p>
        {p.pooling.mode === "pooled" ? (
          <p data-testid="value-pooled">{t("pooled", { merchants: p.pooling.merchants ?? 0, level: p.pooling.level ?? "mcc" })}</p>
        ) : null}
        <div className={styles.params}>
          <div>
            <h3>{t("bgnbdParams")}</h3>
            <dl>
              {param("r", n(mbgnbd.r))}
              {param(t("alphaWeeks"), n(mbgnbd.alpha))}
              {param("a", n(mbgnbd.a))}
              {param("b", n(mbgnbd.b))}
              {mbgnbd.logLikelihood === null ? null : param(t("logLikelihood"), n(mbgnbd.logLikelihood, 1))}
              {param(t("converged"), mbgnbd.converged ? t("yes") : t("no"))}
            </dl>
          </div>
          <div>
            <h3>{t("gammaGammaParams")}</h3>
            <dl>
              {param("p", n(gammaGamma.p))}
              {param("q", n(gammaGamma.q))}
              {param("γ", n(gammaGamma.gamma))}
              {gammaGamma.customers === null ? null : param(t("fittedOn"), t("customersCount", { count: gammaGamma.customers }))}
              {gammaGamma.logLikelihood === null ? null : param(t("logLikelihood"), n(gammaGamma.logLikelihood, 1))}
            </dl>
          </div>
          <div>
            <h3>{t("runTitle")}</h3>
            <dl>
              {param(t("computedOn"), formatDay(localDay(run.finishedAt, timeZone), locale))}
              {param(t("version"), String(run.version))}
              {param(t("horizon"), t("monthsCount", { count: p.horizonMonths }))}
              {param(t("discount"), formatPercent(p.monthlyDiscountRate, locale, 2))}
              {param(t("currency"), currency)}
            </dl>
          </div>
        </div>
        <ul className={styles.cite} data-testid="value-citations">
          <li>
            Batislam, E. P., Denizel, M., &amp; Filiztekin, A. (2007). Empirical validation and comparison of models for customer base
            analysis. <i>International Journal of Research in Marketing</i>, 24(3), 201–209.
          </li>
          <li>
            Fader, P. S., Hardie, B. G. S., &amp; Lee, K. L. (2005). “Counting Your Customers” the Easy Way: An Alternative to the
            Pareto/NBD Model. <i>Marketing Science</i>, 24(2), 275–284.
          </li>
          <li>
            Fader, P. S., Hardie, B. G. S., &amp; Lee, K. L. (2005). RFM and CLV: Using Iso-Value Curves for Customer Base Analysis.{" "}
            <i>Journal of Marketing Research</i>, 42(4), 415–430.
          </li>
          <li>
            Colombo, R., &amp; Jiang, W. (1999). A stochastic RFM model. <i>Journal of Interactive Marketing</i>, 13(3), 2–12.
          </li>
        </ul>
      </details>
    </Card>
  );
}
