"use client";

import { useLocale, useTranslations } from "next-intl";
import type { SwitchFactor, SwitchSegment } from "@/lib/runs/switching";
import { formatDay, formatMoney, formatNumber, formatPercent, SUPPRESSED_LABEL } from "@/lib/format";
import { Card } from "../Card";
import { DataTable, type Column } from "../DataTable";
import { useEndpoint } from "../hooks/useEndpoint";
import { useMerchant } from "../shell/MerchantContext";
import { EmptyState } from "../states";
import { ModelKpi } from "../value/ModelParts";
import styles from "../value/model.module.css";

/**
 * "Leaving for a competitor" on the churn page (issue 17, ADR 0024): the latest switching run's
 * aggregates (share and revenue at risk, past switching rates, groups, factors in points of risk
 * and money) and the trend across runs. Nothing per customer: the model reads spend at other shops.
 */
export function SwitchingSection() {
  const { slug, currency } = useMerchant();
  const t = useTranslations("churn.switching");
  const locale = useLocale();
  const query = useEndpoint("switching", slug, {});
  if (query.isPending) return <p className="legend-note">{t("loading")}</p>;
  if (query.error || !query.data) return null;
  const { run, latestAttempt, trend } = query.data;
  if (!run) {
    return (
      <Card title={t("title")} data-testid="switching">
        <EmptyState title={t("none")} hint={latestAttempt?.status === "failed" && latestAttempt.error ? t("failed", { error: latestAttempt.error }) : undefined} />
      </Card>
    );
  }
  const s = run.summary;
  const money = (minor: number) => formatMoney(minor, currency, locale, { whole: true });
  const auc = run.metrics.rocAuc === null ? "—" : formatNumber(run.metrics.rocAuc, locale, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  return (
    <Card title={t("title")} subtitle={t("subtitle", { days: s.horizonDays })} data-testid="switching">
      <div className="grid grid-kpi" data-testid="switching-kpis">
        <ModelKpi id="switchingScored" label={t("kpi.scored")} value={formatNumber(s.scoredCustomers, locale)} foot={t("kpi.scoredFoot")} />
        <ModelKpi
          id="switchingShare"
          label={t("kpi.share")}
          value={formatPercent(s.expectedShare, locale)}
          foot={t("kpi.shareFoot", { count: Math.round(s.expectedSwitchers), days: s.horizonDays })}
        />
        <ModelKpi
          id="switchingRevenueAtRisk"
          label={t("kpi.revenueAtRisk")}
          value={money(s.totalRevenueAtRiskMinor)}
          foot={t("kpi.revenueAtRiskFoot", { source: run.params.clvRunId === null ? t("kpi.sourceHistorical") : t("kpi.sourceClv") })}
        />
      </div>
      <ul className={styles.plain}>
        <li data-testid="switching-verdict" className={s.verdict === "better" ? undefined : styles.caution}>
          {t(`verdict.${s.verdict}`, { auc })}
        </li>
        <li>{run.params.training === "pooled" ? t("trainedOn.pooled", { merchants: run.params.poolMerchants ?? 0 }) : t("trainedOn.merchantOnly")}</li>
        {s.observed.map((o) => (
          <li key={o.cutoff} className="faint">
            {o.switchRate === null
              ? t("observedHidden", { day: formatDay(o.cutoff, locale) })
              : t("observed", { rate: formatPercent(o.switchRate, locale), days: s.horizonDays, day: formatDay(o.cutoff, locale) })}
          </li>
        ))}
      </ul>
      <div className="grid grid-2">
        <SwitchFactors factors={s.factors} />
        <SwitchSegments segments={s.segments} />
      </div>
      <h3>{t("trend.title")}</h3>
      {trend.length < 2 ? (
        <p className="legend-note">{t("trend.single")}</p>
      ) : (
        <DataTable
          columns={[
            { key: "asOf", header: t("trend.asOf"), cell: (r) => formatDay(r.asOf, locale) },
            { key: "share", header: t("trend.share"), numeric: true, cell: (r) => formatPercent(r.expectedShare, locale) },
            { key: "risk", header: t("trend.revenueAtRisk"), numeric: true, cell: (r) => money(r.totalRevenueAtRiskMinor) },
          ]}
          rows={trend}
          rowKey={(r) => r.asOf}
          caption={t("trend.title")}
          data-testid="switching-trend"
        />
      )}
      <p className="legend-note" data-privacy-note="">{t("privacy")}</p>
    </Card>
  );
}

function SwitchFactors({ factors }: { factors: SwitchFactor[] }) {
  const t = useTranslations("churn.switching.factors");
  const locale = useLocale();
  const { currency } = useMerchant();
  const columns: Column<SwitchFactor>[] = [
    {
      key: "factor",
      header: t("factor"),
      cell: (f) => (
        <>
          <span className={f.direction === "raises" ? styles.up : styles.down} aria-label={t(f.direction)}>
            {f.direction === "raises" ? "▲" : "▼"}
          </span>{" "}
          {t.has(`names.${f.feature}`) ? t(`names.${f.feature}`) : f.feature}
        </>
      ),
    },
    { key: "points", header: t("points"), numeric: true, cell: (f) => t("pointsValue", { points: formatNumber(f.points, locale, { maximumFractionDigits: 1 }) }) },
    { key: "money", header: t("revenueAtRisk"), numeric: true, cell: (f) => formatMoney(f.revenueAtRiskMinor, currency, locale, { whole: true }) },
  ];
  return (
    <div data-testid="switching-factors">
      <h3>{t("title")}</h3>
      <DataTable columns={columns} rows={factors.slice(0, 6)} rowKey={(f) => f.feature} caption={t("title")} />
      <p className="legend-note">{t("legend")}</p>
    </div>
  );
}

function SwitchSegments({ segments }: { segments: SwitchSegment[] }) {
  const t = useTranslations("churn.switching.segments");
  const locale = useLocale();
  const { currency } = useMerchant();
  const name = (row: SwitchSegment) => `${t(`dimensions.${row.dimension}`)}: ${t.has(`values.${row.value}`) ? t(`values.${row.value}`) : row.value}`;
  const hidden = <span className="suppressed">{SUPPRESSED_LABEL}</span>;
  const columns: Column<SwitchSegment>[] = [
    { key: "segment", header: t("segment"), cell: name },
    { key: "customers", header: t("customers"), numeric: true, cell: (r) => (r.customers === null ? hidden : formatNumber(r.customers, locale)) },
    { key: "share", header: t("share"), numeric: true, cell: (r) => (r.expectedShare === null ? hidden : formatPercent(r.expectedShare, locale)) },
    { key: "money", header: t("revenueAtRisk"), numeric: true, cell: (r) => (r.revenueAtRiskMinor === null ? hidden : formatMoney(r.revenueAtRiskMinor, currency, locale, { whole: true })) },
  ];
  return (
    <div data-testid="switching-segments">
      <h3>{t("title")}</h3>
      <DataTable columns={columns} rows={segments} rowKey={(r) => `${r.dimension}:${r.value}`} caption={t("title")} />
      <p className="legend-note">{t("legend")}</p>
    </div>
  );
}
