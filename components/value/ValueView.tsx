"use client";

import { useLocale, useTranslations } from "next-intl";
import { useMemo } from "react";
import type { CustomerValueResults, CustomerValueRow } from "@/lib/analytics/getModelResults";
import { buildClvHistogramOption } from "@/lib/charts/buildClvHistogramOption";
import { buildPAliveHeatmapOption } from "@/lib/charts/buildPAliveHeatmapOption";
import { formatDay, formatMoney, formatNumber, formatPercent, inMargin, SUPPRESSED_LABEL } from "@/lib/format";
import { renderNextPurchase } from "@/lib/runs/render/value";
import { Card } from "../Card";
import { DataTable, type Column } from "../DataTable";
import { EChart } from "../charts/EChart";
import { useChartFormat } from "../charts/useChartFormat";
import { useEndpoint } from "../hooks/useEndpoint";
import { useMerchant } from "../shell/MerchantContext";
import { EmptyState } from "../states";
import { FailedAttemptNote, localDay, ModelError, ModelKpi, ModelLoading, NoRunYet, RunLine } from "./ModelParts";
import styles from "./model.module.css";
import { useBasisLabel, ValueBasisNote } from "./ValueBasisNote";

/**
 * The Customer value tab: KPIs, next purchase of the most valuable customers, CLV distribution,
 * P(alive) heatmap, how it is computed. CLV is shown in margin when the merchant set a gross
 * margin, in revenue otherwise, and the page says which.
 */
export function ValueView() {
  const { slug } = useMerchant();
  const tp = useTranslations("common.privacy");
  const query = useEndpoint("customer-value", slug, {});
  if (query.isPending) return <ModelLoading kpis={4} blocks={[420, 300, 320]} />;
  if (query.error || !query.data) return <ModelError error={query.error} onRetry={() => query.refetch()} />;
  const { run, latestAttempt, valueBasis, customers } = query.data;
  if (!run) return <NoRunYet ns="value" attempt={latestAttempt} />;
  const bp = valueBasis.grossMarginBp;
  return (
    <>
      <RunLine ns="value" run={run} />
      <FailedAttemptNote ns="value" attempt={latestAttempt} shownRunId={run.id} />
      <ValueBasisNote grossMarginBp={bp} />
      <ValueKpis run={run} grossMarginBp={bp} />
      <NextPurchaseCard run={run} customers={customers} grossMarginBp={bp} />
      <ClvHistogramCard run={run} grossMarginBp={bp} />
      <PAliveCard run={run} />
      <MethodCard run={run} />
      <p className="legend-note" data-privacy-note="">{tp("note")}</p>
    </>
  );
}

function ValueKpis({ run, grossMarginBp }: { run: CustomerValueResults; grossMarginBp: number | null }) {
  const t = useTranslations("value.kpi");
  const basis = useBasisLabel(grossMarginBp);
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
        label={basis(t("meanClv", { months: run.params.horizonMonths }))}
        hint={t("meanClvHint")}
        value={formatMoney(inMargin(s.meanClvMinor, grossMarginBp), currency, locale)}
        foot={t("median", { value: formatMoney(inMargin(s.medianClvMinor, grossMarginBp), currency, locale) })}
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
        label={basis(t("totalClv", { months: run.params.horizonMonths }))}
        hint={t("totalClvHint")}
        value={formatMoney(inMargin(s.totalClvMinor, grossMarginBp), currency, locale, { whole: true })}
        foot={t("purchases", { count: Math.round(s.expectedPurchases90d), days: run.params.predictionDays })}
      />
    </div>
  );
}

/**
 * The next purchase of the most valuable customers (lib/models/nextPurchase.ts): expected buyers
 * within 30 and 90 days, and per customer the chances and the likely day with its 80 % range,
 * or "not expected" when a purchase within 12 months is less likely than not.
 */
function NextPurchaseCard({
  run,
  customers,
  grossMarginBp,
}: {
  run: CustomerValueResults;
  customers: CustomerValueRow[];
  grossMarginBp: number | null;
}) {
  const t = useTranslations("value.next");
  const tv = useTranslations("value");
  const locale = useLocale();
  const { currency } = useMerchant();
  const basis = useBasisLabel(grossMarginBp);
  const s = run.summary;
  const [d30, d90] = run.params.nextPurchase.chanceDays;
  const share = (v: number) => formatPercent(s.customers > 0 ? v / s.customers : null, locale);
  const columns: Column<CustomerValueRow>[] = [
    // the likely day second: on a 390 px phone the id and the day show before the table scrolls
    { key: "customer", header: t("customer"), cell: (row) => <code className={styles.id}>{row.bankCustomerId}</code> },
    {
      key: "next",
      header: t("next"),
      cell: (row) => {
        const text = renderNextPurchase(row.nextPurchase, locale, tv);
        return text.day ? (
          <span className={styles.nextDate} data-next-purchase={row.nextPurchase?.median}>
            <strong>{text.day}</strong>
            <br />
            <span className="muted">{text.detail}</span>
          </span>
        ) : (
          <span className={`muted ${styles.nextDate}`} title={t("notExpectedHint")} data-next-purchase="">
            {text.detail}
          </span>
        );
      },
    },
    {
      key: "clv",
      header: basis(t("clv", { months: run.params.horizonMonths })),
      numeric: true,
      cell: (row) => formatMoney(inMargin(row.clvMinor, grossMarginBp), currency, locale),
    },
    { key: "p30", header: t("within", { days: d30 }), numeric: true, cell: (row) => formatPercent(row.pBuy30d, locale, 0) },
    { key: "p90", header: t("within", { days: d90 }), numeric: true, cell: (row) => formatPercent(row.pBuy90d, locale, 0) },
  ];
  return (
    <Card title={t("title")} subtitle={t("subtitle", { count: customers.length })} data-testid="next-purchase-card">
      <div className="grid grid-kpi" data-testid="next-purchase-kpis">
        <ModelKpi id="buyers30" label={t("buyers", { days: d30 })} hint={t("buyersHint", { days: d30 })} value={formatNumber(Math.round(s.expectedBuyers30d), locale)} foot={t("buyersFoot", { share: share(s.expectedBuyers30d) })} />
        <ModelKpi id="buyers90" label={t("buyers", { days: d90 })} hint={t("buyersHint", { days: d90 })} value={formatNumber(Math.round(s.expectedBuyers90d), locale)} foot={t("buyersFoot", { share: share(s.expectedBuyers90d) })} />
        <ModelKpi id="dated" label={t("dated")} hint={t("datedHint")} value={formatNumber(s.nextPurchaseExpected, locale)} foot={t("datedFoot", { count: s.customers })} />
      </div>
      {customers.length === 0 ? (
        <EmptyState title={t("empty")} />
      ) : (
        <DataTable columns={columns} rows={customers} rowKey={(row) => String(row.customerId)} data-testid="next-purchase-table" />
      )}
      <p className="legend-note">{t("legend", { end: formatDay(run.params.calibrationEnd, locale) })}</p>
    </Card>
  );
}

function ClvHistogramCard({ run, grossMarginBp }: { run: CustomerValueResults; grossMarginBp: number | null }) {
  const t = useTranslations("value.clv");
  const format = useChartFormat();
  const basis = useBasisLabel(grossMarginBp);
  // In margin, every customer's CLV is scaled by the same m, so the bins' edges scale with it.
  const bins = useMemo(
    () => run.summary.clvHistogram.map((b) => ({ ...b, from: inMargin(b.from, grossMarginBp), to: inMargin(b.to, grossMarginBp) })),
    [run.summary.clvHistogram, grossMarginBp],
  );
  const rangeLabel = basis(t("range", { months: run.params.horizonMonths }));
  const option = useMemo(() => buildClvHistogramOption(bins, { customers: t("customers"), clv: rangeLabel }, format), [bins, format, t, rangeLabel]);
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
