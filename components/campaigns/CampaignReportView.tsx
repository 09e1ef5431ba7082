"use client";

import Link from "next/link";
import { useLocale, useTranslations } from "next-intl";
import { useMemo } from "react";
import type { ActionReport, CampaignReport, GroupLift, OutcomeStat } from "@/lib/campaigns/types";
import { buildFactorImportanceOption } from "@/lib/charts/buildFactorImportanceOption";
import { buildQiniOption } from "@/lib/charts/buildQiniOption";
import { formatMoney, formatNumber, formatPercent, humanizeColumnName } from "@/lib/format";
import { Card } from "../Card";
import { DataTable, type Column } from "../DataTable";
import { EChart } from "../charts/EChart";
import { useChartFormat } from "../charts/useChartFormat";
import { campaignEffectsUrl } from "../hooks/useCampaigns";
import { useEndpoint } from "../hooks/useEndpoint";
import { useMerchant } from "../shell/MerchantContext";
import { EmptyState, ErrorState, LoadingState } from "../states";
import { ModelKpi } from "../value/ModelParts";
import styles from "../value/model.module.css";

/** Signed percentage points from a difference of shares (0.0766 -> "+7.66 pp"). */
function usePp() {
  const t = useTranslations("campaigns.report");
  const locale = useLocale();
  return (v: number | null | undefined) =>
    v === null || v === undefined || !Number.isFinite(v)
      ? "—"
      : t("pp", { value: formatNumber(v * 100, locale, { maximumFractionDigits: 2, minimumFractionDigits: 2 }).replace(/^(?=\d)/, v > 0 ? "+" : "") });
}

/** One campaign's report: lifts per action, uplift models and Qini, segments, clusters, targeting, planner. */
export function CampaignReportView({ id }: { id: number }) {
  const t = useTranslations("campaigns.report");
  const { slug } = useMerchant();
  // A report still queued or running (no stored version yet): poll every 5 s until it lands. On
  // the embedded database the server's worker computes it only in quiet moments (1.5 s without a
  // request, instrumentation-node.ts), so a faster poll would starve the very job it waits for.
  const query = useEndpoint("campaign-report", slug, { id }, { refetchEveryMs: (d) => (d && d.status === null ? 5000 : false) });
  if (query.isPending) return <LoadingState height={420} />;
  if (query.error || !query.data) return <ErrorState error={query.error} onRetry={() => query.refetch()} />;
  const view = query.data;
  return (
    <>
      <p>
        <Link href={`/m/${slug}/campaigns`}>← {t("back")}</Link>
      </p>
      <h2 data-testid="campaign-title">{view.name}</h2>
      {!view.report && view.status === null ? (
        <p role="status" className="notice" data-testid="campaign-report-computing">
          {t("computing")}
        </p>
      ) : !view.report ? (
        <EmptyState title={t("noReport")} hint={view.error ? t("reason", { reason: view.error }) : ""} />
      ) : (
        <ReportBody report={view.report} id={id} />
      )}
    </>
  );
}

function ReportBody({ report, id }: { report: CampaignReport; id: number }) {
  const t = useTranslations("campaigns.report");
  const locale = useLocale();
  const { slug } = useMerchant();
  const c = report.campaign;
  return (
    <>
      <p className="legend-note" data-testid="campaign-summary">
        {t("summary", {
          rows: formatNumber(c.analysedRows, locale),
          source: c.outcomeSource === "file" ? t("sourceFile") : t("sourceDerived", { days: c.windowDays }),
        })}{" "}
        {c.unknownCustomers > 0 && c.outcomeSource === "derived" ? t("unknown", { count: formatNumber(c.unknownCustomers, locale) }) : null}
      </p>
      {report.actions.map((a) => (
        <ActionSection key={a.action} action={a} report={report} />
      ))}
      <TargetingCard report={report} />
      <p>
        <a className="btn" href={campaignEffectsUrl(slug, id)} download data-testid="campaign-effects-csv">
          {t("download")}
        </a>
      </p>
      <PlannerCard report={report} />
    </>
  );
}

function ActionSection({ action, report }: { action: ActionReport; report: CampaignReport }) {
  const t = useTranslations("campaigns.report");
  const locale = useLocale();
  return (
    <section data-testid="campaign-action">
      <h3>{t("action", { action: action.action })}</h3>
      <p className="legend-note">{t("groups", { treatment: formatNumber(action.treatment, locale), control: formatNumber(action.control, locale) })}</p>
      {action.suppressed ? <p className="legend-note" data-testid="campaign-action-suppressed">{t("actionSuppressed")}</p> : null}
      <LiftTable action={action} currency={report.campaign.currency} />
      {action.uplift ? <UpliftCard action={action} outcome={report.primaryOutcome} /> : <p className="legend-note">{t("noModel")}</p>}
      {action.segments.map((s) => (
        <GroupCard key={s.feature} title={`${t("segmentsTitle")}: ${humanizeColumnName(s.feature)}`} groups={s.groups} label={(k) => (k === "" ? t("missingValue") : k)} />
      ))}
      {action.clusters.length > 0 ? (
        <GroupCard title={t("clustersTitle")} subtitle={t("clustersSubtitle")} groups={action.clusters} label={(k) => t("cluster", { n: k })} />
      ) : null}
    </section>
  );
}

function LiftTable({ action, currency }: { action: ActionReport; currency: string }) {
  const t = useTranslations("campaigns.report");
  const locale = useLocale();
  const pp = usePp();
  const value = (o: OutcomeStat, v: number) => (o.kind === "rate" ? formatPercent(v, locale, 2) : formatMoney(v, currency, locale));
  const diff = (o: OutcomeStat, v: number) => (o.kind === "rate" ? pp(v) : `${v > 0 ? "+" : ""}${formatMoney(v, currency, locale)}`);
  const columns: Column<OutcomeStat>[] = [
    { key: "outcome", header: t("outcome"), cell: (o) => t(`outcomes.${o.outcome}`) },
    { key: "treatment", header: t("treatment"), numeric: true, cell: (o) => value(o, o.treatment) },
    { key: "control", header: t("control"), numeric: true, cell: (o) => value(o, o.control) },
    { key: "lift", header: t("lift"), numeric: true, cell: (o) => <strong>{diff(o, o.absolute)}</strong> },
    {
      key: "ci",
      header: t("interval"),
      numeric: true,
      cell: (o) => `${diff(o, o.ci.lower)} … ${diff(o, o.ci.upper)} (${t(`methods.${o.method}`)})`,
    },
    { key: "relative", header: t("relative"), numeric: true, cell: (o) => (o.relative === null ? "—" : formatPercent(o.relative, locale, 1)) },
    {
      key: "p",
      header: t("pValue"),
      numeric: true,
      cell: (o) => `${o.pValue < 0.0001 ? "< 0.0001" : formatNumber(o.pValue, locale, { maximumFractionDigits: 4 })} · ${o.pValue < 0.05 ? t("significant") : t("notSignificant")}`,
    },
    { key: "mde", header: <span title={t("mdeHint")}>{t("mde")}</span>, numeric: true, cell: (o) => (o.mde === null ? "—" : diff(o, o.mde)) },
  ];
  return (
    <Card title={t("liftTitle")} subtitle={t("liftSubtitle")}>
      <DataTable columns={columns} rows={action.outcomes} rowKey={(o) => o.outcome} data-testid="campaign-lift-table" />
    </Card>
  );
}

function UpliftCard({ action, outcome }: { action: ActionReport; outcome: CampaignReport["primaryOutcome"] }) {
  const t = useTranslations("campaigns.report");
  const locale = useLocale();
  const format = useChartFormat();
  const pp = usePp();
  const u = action.uplift!;
  const qini = useMemo(
    () =>
      buildQiniOption(
        u.qiniCurve,
        { model: t("chartModel"), classTransformation: t("chartAlternative"), random: t("random"), perfect: t("perfect"), targeted: t("targeted"), incremental: t("incremental") },
        format,
      ),
    [u, t, format],
  );
  const shap = useMemo(
    () =>
      buildFactorImportanceOption(
        u.shap.map((s) => ({ feature: s.feature, meanAbsShap: s.meanAbs })),
        { factor: humanizeColumnName, share: t("shapShare"), meanAbsShap: t("shapRaw") },
        format,
      ),
    [u, t, format],
  );
  const rows = [
    { id: "t", name: t("tLearner"), e: u.tLearner },
    { id: "ct", name: t("classTransformation"), e: u.classTransformation },
    { id: "r", name: t("random"), e: u.random },
  ];
  const ks = u.tLearner.upliftAtK.map((k) => k.k);
  const columns: Column<(typeof rows)[number]>[] = [
    { key: "model", header: t("model"), cell: (r) => r.name },
    { key: "qini", header: t("qini"), numeric: true, cell: (r) => <span data-testid={`qini-${r.id}`}>{formatNumber(r.e.qini, locale, { maximumFractionDigits: 3, minimumFractionDigits: 3 })}</span> },
    { key: "auuc", header: t("auuc"), numeric: true, cell: (r) => formatNumber(r.e.auuc, locale, { maximumFractionDigits: 3, minimumFractionDigits: 3 }) },
    ...ks.map((k, i) => ({
      key: `k${k}`,
      header: t("upliftAt", { k: formatPercent(k, locale, 0) }),
      numeric: true,
      cell: (r: (typeof rows)[number]) => pp(r.e.upliftAtK[i]?.value),
    })),
  ];
  const verdict = u.verdict ?? null;
  const two = (v: number) => formatNumber(v, locale, { maximumFractionDigits: 3, minimumFractionDigits: 3 });
  return (
    <div className="grid grid-2">
      <Card title={t("modelTitle")} subtitle={t("modelSubtitlePlain", { heldOut: formatNumber(u.tLearner.heldOut, locale), outcome: outcome ? t(`outcomes.${outcome}`) : "" })}>
        {verdict !== null ? (
          <p data-testid="campaign-uplift-verdict" className={verdict === "better" ? undefined : styles.caution}>
            {t(`upliftVerdict.${verdict}`)}
          </p>
        ) : null}
        <EChart option={qini} height={300} ariaLabel={t("qiniAria")} data-testid="campaign-qini-chart" />
        <details className={styles.method} data-testid="campaign-specialists">
          <summary>{t("specialists")}</summary>
          <p>{t("modelSubtitle", { heldOut: formatNumber(u.tLearner.heldOut, locale), outcome: outcome ? t(`outcomes.${outcome}`) : "" })}</p>
          {u.qiniCi ? (
            <p data-testid="campaign-qini-ci">
              {t("qiniCi", { qini: two(u.tLearner.qini), lower: two(u.qiniCi.lower), upper: two(u.qiniCi.upper), replicates: u.qiniCi.replicates })}
            </p>
          ) : null}
          <DataTable columns={columns} rows={rows} rowKey={(r) => r.id} data-testid="campaign-model-table" />
          <p>{t("shapMethod")}</p>
        </details>
      </Card>
      <Card title={t("shapTitle")} subtitle={t("shapSubtitle")}>
        <EChart option={shap} height={300} ariaLabel={t("shapTitle")} />
      </Card>
    </div>
  );
}

function GroupCard({ title, subtitle, groups, label }: { title: string; subtitle?: string; groups: GroupLift[]; label: (key: string) => string }) {
  const t = useTranslations("campaigns.report");
  const locale = useLocale();
  const pp = usePp();
  const columns: Column<GroupLift>[] = [
    { key: "key", header: t("segment"), cell: (g) => label(g.key) },
    { key: "size", header: t("size"), numeric: true, cell: (g) => (g.suppressed || g.treatment === null || g.control === null ? t("suppressedCell") : formatNumber(g.treatment + g.control, locale)) },
    { key: "t", header: t("treatment"), numeric: true, cell: (g) => formatPercent(g.treatmentRate, locale, 2) },
    { key: "c", header: t("control"), numeric: true, cell: (g) => formatPercent(g.controlRate, locale, 2) },
    { key: "lift", header: t("lift"), numeric: true, cell: (g) => <strong>{pp(g.lift)}</strong> },
    { key: "ci", header: t("interval"), numeric: true, cell: (g) => (g.ci ? `${pp(g.ci.lower)} … ${pp(g.ci.upper)}` : "—") },
  ];
  return (
    <Card title={title} subtitle={subtitle}>
      <DataTable columns={columns} rows={groups} rowKey={(g) => g.key} />
    </Card>
  );
}

function TargetingCard({ report }: { report: CampaignReport }) {
  const t = useTranslations("campaigns.report");
  const locale = useLocale();
  const pp = usePp();
  const total = Object.values(report.categories).reduce((s, n) => s + n, 0);
  if (report.targeting === "notAssessed") {
    return (
      <Card title={t("categoriesTitle")} data-testid="campaign-targeting-not-assessed">
        <EmptyState title={t("notAssessed")} hint={t("notAssessedHint")} />
      </Card>
    );
  }
  if (total === 0) return null;
  return (
    <Card title={t("categoriesTitle")} subtitle={t("categoriesSubtitle", { threshold: pp(report.effectThreshold) })}>
      <div className="grid grid-kpi">
        {(["persuadable", "sure thing", "lost cause", "do-not-disturb"] as const).map((k) => (
          <ModelKpi
            key={k}
            id={`category-${k.replace(/\s/g, "-")}`}
            label={t(`categories.${k}`)}
            value={formatNumber(report.categories[k] ?? 0, locale)}
            foot={formatPercent((report.categories[k] ?? 0) / total, locale, 1)}
          />
        ))}
      </div>
    </Card>
  );
}

function PlannerCard({ report }: { report: CampaignReport }) {
  const t = useTranslations("campaigns.report");
  const locale = useLocale();
  const pp = usePp();
  const p = report.planner;
  if (!p || !report.primaryOutcome) return null;
  const columns: Column<(typeof p.rows)[number]>[] = [
    { key: "lift", header: t("plannerLift"), numeric: true, cell: (r) => pp(r.lift) },
    { key: "power", header: t("plannerPower"), numeric: true, cell: (r) => formatPercent(r.power, locale, 0) },
    { key: "n", header: t("plannerPerGroup"), numeric: true, cell: (r) => formatNumber(r.perGroup, locale) },
  ];
  return (
    <Card title={t("plannerTitle")} subtitle={t("plannerSubtitle", { baseline: formatPercent(p.baseline, locale, 2), outcome: t(`outcomes.${report.primaryOutcome}`) })}>
      <DataTable columns={columns} rows={p.rows} rowKey={(r) => `${r.lift}-${r.power}`} data-testid="campaign-planner" />
    </Card>
  );
}
