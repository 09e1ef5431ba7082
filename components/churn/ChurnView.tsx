"use client";

import { useLocale, useTranslations } from "next-intl";
import { useMemo, useState } from "react";
import type { ChurnResults, RevenueAtRiskRowWithText as RevenueAtRiskRow, SegmentEffect } from "@/lib/runs/churn";
import { buildCalibrationOption } from "@/lib/charts/buildCalibrationOption";
import { buildFactorImportanceOption, importanceBars } from "@/lib/charts/buildFactorImportanceOption";
import { buildRiskDistributionOption } from "@/lib/charts/buildRiskDistributionOption";
import { buildWinBackOption } from "@/lib/charts/buildWinBackOption";
import { addDays } from "@/lib/days";
import { formatDay, formatMoney, formatNumber, formatPercent, inMargin, SUPPRESSED_LABEL } from "@/lib/format";
import { Card } from "../Card";
import { DataTable, type Column } from "../DataTable";
import { EChart } from "../charts/EChart";
import { useChartFormat } from "../charts/useChartFormat";
import { useEndpoint } from "../hooks/useEndpoint";
import { useMerchant } from "../shell/MerchantContext";
import { EmptyState } from "../states";
import { FailedAttemptNote, ModelError, ModelKpi, ModelLoading, NoRunYet, RunLine } from "../value/ModelParts";
import styles from "../value/model.module.css";
import Link from "next/link";
import { LockIcon } from "../billing/LockIcon";
import { uiLocale } from "@/lib/i18n/translator";
import { SwitchingSection } from "./SwitchingSection";
import { useBasisLabel, ValueBasisNote } from "../value/ValueBasisNote";

/** "8 times out of 10" from the ROC AUC as shown (0.75 -> 8), so the words and the figure agree. */
function timesOutOfTen(auc: number): number {
  return Math.round(Math.round(auc * 100) / 10);
}

/** Rows of the revenue-at-risk list shown before "show all". */
const FIRST_ROWS = 20;

/** The factor's name in the user's language, the raw feature name when the messages lack it. */
function useFactorName() {
  const t = useTranslations("churn.factors");
  return (feature: string) => (t.has(feature) ? t(feature) : feature);
}

/**
 * The Churn tab: horizon, model quality, risk distribution, factors, revenue at risk. Revenue at
 * risk and CLV are shown in margin when the merchant set a gross margin, in revenue otherwise.
 */
export function ChurnView() {
  const { slug } = useMerchant();
  const tp = useTranslations("common.privacy");
  const query = useEndpoint("churn", slug, {});
  if (query.isPending) return <ModelLoading kpis={4} blocks={[120, 300, 300, 360]} />;
  if (query.error || !query.data) return <ModelError error={query.error} onRetry={() => query.refetch()} />;
  const { run, latestAttempt, valueBasis } = query.data;
  if (!run) return <NoRunYet ns="churn" attempt={latestAttempt} />;
  const bp = valueBasis.grossMarginBp;
  return (
    <>
      <RunLine ns="churn" run={run} />
      <FailedAttemptNote ns="churn" attempt={latestAttempt} shownRunId={run.id} />
      <ValueBasisNote grossMarginBp={bp} />
      <HorizonCard run={run} />
      <ChurnKpis run={run} grossMarginBp={bp} />
      <QualityCard run={run} />
      <div className="grid grid-2">
        <RiskDistributionCard run={run} />
        <FactorImportanceCard run={run} grossMarginBp={bp} />
      </div>
      <SegmentEffectsCard run={run} />
      <RevenueAtRiskCard run={run} grossMarginBp={bp} />
      <WinBackCard />
      <SwitchingSection />
      <p className="legend-note" data-privacy-note="">{tp("note")}</p>
    </>
  );
}

function HorizonCard({ run }: { run: ChurnResults }) {
  const t = useTranslations("churn.horizon");
  const locale = useLocale();
  const days = run.params.horizonDays;
  return (
    <Card data-testid="churn-horizon">
      <p className={styles.horizon}>
        {t.rich("statement", {
          days,
          from: formatDay(run.params.asOf, locale),
          to: formatDay(addDays(run.params.asOf, days - 1), locale),
          strong: (chunks) => <strong>{chunks}</strong>,
        })}
      </p>
      <p className="legend-note" style={{ margin: "6px 0 0" }}>
        {t("why", { days, median: formatNumber(run.params.medianInterPurchaseDays, locale, { maximumFractionDigits: 0 }) })}
      </p>
      <p className="legend-note" style={{ margin: "6px 0 0" }} data-testid="churn-value-difference">
        {t("valueDifference")}
      </p>
    </Card>
  );
}

function ChurnKpis({ run, grossMarginBp }: { run: ChurnResults; grossMarginBp: number | null }) {
  const t = useTranslations("churn.kpi");
  const basis = useBasisLabel(grossMarginBp);
  const locale = useLocale();
  const { currency } = useMerchant();
  const s = run.summary;
  const share = s.scoredCustomers > 0 ? s.expectedChurners / s.scoredCustomers : null;
  const auc = run.metrics.rocAuc;
  return (
    <div className="grid grid-kpi" data-testid="churn-kpis">
      <ModelKpi
        id="scoredCustomers"
        label={t("scored")}
        hint={t("scoredHint", { days: run.params.observationDays })}
        value={formatNumber(s.scoredCustomers, locale)}
        foot={t("scoredFoot", { days: run.params.observationDays })}
      />
      <ModelKpi
        id="expectedChurners"
        label={t("expected")}
        hint={t("expectedHint")}
        value={formatNumber(Math.round(s.expectedChurners), locale)}
        foot={t("expectedFoot", { share: formatPercent(share, locale) })}
      />
      <ModelKpi
        id="revenueAtRisk"
        label={basis(t("revenueAtRisk"))}
        hint={t("revenueAtRiskHint")}
        value={formatMoney(inMargin(s.totalRevenueAtRiskMinor, grossMarginBp), currency, locale, { whole: true })}
        foot={t("revenueAtRiskFoot")}
      />
      <ModelKpi
        id="rocAuc"
        label={t("quality")}
        hint={t("qualityHint")}
        value={auc === null ? "—" : t("qualityValue", { times: timesOutOfTen(auc) })}
        foot={t(`verdictShort.${run.summary.verdict}`)}
      />
    </div>
  );
}

function QualityCard({ run }: { run: ChurnResults }) {
  const t = useTranslations("churn.quality");
  const locale = useLocale();
  const format = useChartFormat();
  const m = run.metrics;
  const two = (v: number) => formatNumber(v, locale, { maximumFractionDigits: 2, minimumFractionDigits: 2 });
  const three = (v: number) => formatNumber(v, locale, { maximumFractionDigits: 3, minimumFractionDigits: 3 });
  const rate = m.validationChurnRate;
  const option = useMemo(
    () =>
      buildCalibrationOption(
        run.summary.calibration,
        {
          predicted: t("predicted"),
          observed: t("observed"),
          model: t("model"),
          perfect: t("perfect"),
          customers: t("customers"),
        },
        format,
      ),
    [run.summary.calibration, format, t],
  );
  const hasPoints = run.summary.calibration.some((p) => p.customers > 0 && p.meanPredicted !== null && p.observedRate !== null);
  return (
    <Card title={t("title")} subtitle={t("subtitle")} data-testid="churn-quality">
      <div className="grid grid-2">
        <div>
          <p data-testid="churn-verdict" className={run.summary.verdict === "better" ? undefined : styles.caution}>
            {t(`verdict.${run.summary.verdict}`, { times: m.rocAuc === null ? 5 : timesOutOfTen(m.rocAuc) })}
          </p>
          <ul className={styles.plain} data-testid="churn-quality-words">
            <li data-testid="quality-plain">
              {m.rocAuc === null ? t("rocMissing") : t("plain", { times: timesOutOfTen(m.rocAuc) })}
            </li>
            <li data-testid="churn-pooling">{poolingText(run, t)}</li>
            {run.params.pooling.mode !== "merchantOnly" ? (
              <li>{t("pooling.privacy", { share: formatPercent(run.params.pooling.maxMerchantShare, locale) })}</li>
            ) : null}
            <li>{t("calibration")}</li>
            <li className="faint">
              {t("test", {
                train: formatDay(run.params.trainCutoff, locale),
                validation: formatDay(run.params.validationCutoff, locale),
                customers: m.validationRows,
                days: run.params.horizonDays,
              })}
            </li>
          </ul>
          <details className={styles.method} data-testid="churn-specialists">
            <summary>{t("specialists")}</summary>
            <ul className={styles.plain}>
              {m.rocAuc !== null ? (
                <li data-testid="quality-roc">
                  {m.rocAucCi === null
                    ? t("roc", { auc: two(m.rocAuc) })
                    : t("rocCi", { auc: two(m.rocAuc), lower: two(m.rocAucCi.lower), upper: two(m.rocAucCi.upper) })}
                </li>
              ) : null}
              {m.prAuc !== null ? (
                <li data-testid="quality-pr">{t("pr", { pr: two(m.prAuc), base: two(rate), rate: formatPercent(rate, locale) })}</li>
              ) : null}
              <li data-testid="quality-brier">
                {t("brier", { brier: three(m.brierScore), reference: three(rate * (1 - rate)), rate: formatPercent(rate, locale) })}
              </li>
              <li data-testid="quality-holdout-auc">
                {t("holdoutAuc", {
                  own: m.holdoutAuc.merchantOnly === null ? "—" : two(m.holdoutAuc.merchantOnly),
                  pooled: m.holdoutAuc.pooled === null ? "—" : two(m.holdoutAuc.pooled),
                  blended: m.holdoutAuc.blended === null ? "—" : two(m.holdoutAuc.blended),
                })}
              </li>
              <li>{t("shap")}</li>
            </ul>
          </details>
        </div>
        {hasPoints ? (
          <EChart option={option} height={300} ariaLabel={t("chartLabel")} data-testid="calibration-chart" />
        ) : (
          <EmptyState />
        )}
      </div>
    </Card>
  );
}

function RiskDistributionCard({ run }: { run: ChurnResults }) {
  const t = useTranslations("churn.risk");
  const format = useChartFormat();
  const bins = run.summary.riskHistogram;
  const option = useMemo(() => buildRiskDistributionOption(bins, { customers: t("customers"), risk: t("risk") }, format), [bins, format, t]);
  const empty = bins.every((b) => b.customers === 0);
  return (
    <Card title={t("title")} subtitle={t("subtitle", { days: run.params.horizonDays })} data-testid="risk-card">
      {empty ? (
        <div data-testid="risk-distribution">
          <EmptyState />
        </div>
      ) : (
        <EChart option={option} height={300} ariaLabel={t("chartLabel")} data-testid="risk-distribution" />
      )}
    </Card>
  );
}

function FactorImportanceCard({ run, grossMarginBp }: { run: ChurnResults; grossMarginBp: number | null }) {
  const t = useTranslations("churn.importance");
  const basis = useBasisLabel(grossMarginBp);
  const factorName = useFactorName();
  const format = useChartFormat();
  const importance = run.summary.importance;
  const option = useMemo(
    () =>
      buildFactorImportanceOption(importance, { factor: factorName, share: t("share"), meanAbsShap: t("meanAbsShap") }, format),
    // factorName is derived from the messages, like t.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [importance, format, t],
  );
  const bars = importanceBars(importance);
  const omitted = run.params.omittedFeatures;
  const locale = useLocale();
  const { currency } = useMerchant();
  const effectColumns: Column<ChurnResults["summary"]["factorEffects"][number]>[] = [
    {
      key: "factor",
      header: t("money.factor"),
      cell: (f) => (
        <>
          <span className={f.direction === "raises" ? styles.up : styles.down} aria-label={t(`money.${f.direction}`)}>
            {f.direction === "raises" ? "▲" : "▼"}
          </span>{" "}
          {factorName(f.feature)}
        </>
      ),
    },
    { key: "points", header: t("money.points"), numeric: true, cell: (f) => t("money.pointsValue", { points: formatNumber(f.points, locale, { maximumFractionDigits: 1 }) }) },
    { key: "money", header: basis(t("money.revenueAtRisk")), numeric: true, cell: (f) => formatMoney(inMargin(f.revenueAtRiskMinor, grossMarginBp), currency, locale, { whole: true }) },
  ];
  return (
    <Card title={t("title")} subtitle={t("subtitle")} data-testid="importance-card">
      {bars.length === 0 ? (
        <div data-testid="factor-importance">
          <EmptyState />
        </div>
      ) : (
        <EChart option={option} height={Math.max(200, bars.length * 30 + 40)} ariaLabel={t("chartLabel")} data-testid="factor-importance" />
      )}
      {run.summary.factorEffects.length > 0 ? (
        <>
          <DataTable
            columns={effectColumns}
            rows={run.summary.factorEffects.slice(0, 6)}
            rowKey={(f) => f.feature}
            caption={t("money.title")}
            data-testid="factor-effects-money"
          />
          <p className="legend-note">{t("money.legend")}</p>
        </>
      ) : null}
      {omitted.length > 0 ? (
        <p className="legend-note" data-testid="omitted-factors">
          {t("omitted", { factors: omitted.map((o) => factorName(o.feature)).join(", ") })}
        </p>
      ) : null}
    </Card>
  );
}

function SegmentEffectsCard({ run }: { run: ChurnResults }) {
  const t = useTranslations("churn.effects");
  const locale = useLocale();
  const factorName = useFactorName();
  const rows = run.summary.segmentEffects;
  // Columns: the features the effects mention, in global importance order.
  const features = useMemo(() => {
    const mentioned = new Set(rows.flatMap((r) => r.effects.map((e) => e.feature)));
    const ordered = run.summary.importance.map((i) => i.feature).filter((f) => mentioned.has(f));
    return [...ordered, ...[...mentioned].filter((f) => !ordered.includes(f))];
  }, [rows, run.summary.importance]);
  const segmentName = (row: SegmentEffect) => {
    const value = t.has(`values.${row.value}`) ? t(`values.${row.value}`) : row.value;
    return `${t(`dimensions.${row.dimension}`)}: ${value}`;
  };
  const effectCell = (row: SegmentEffect, feature: string) => {
    if (row.suppressed) return <span className="suppressed">{SUPPRESSED_LABEL}</span>;
    const effect = row.effects.find((e) => e.feature === feature);
    if (!effect) return "—";
    const v = effect.meanShap;
    const text = formatNumber(Math.abs(v), locale, { maximumFractionDigits: 2, minimumFractionDigits: 2 });
    if (Math.abs(v) < 0.005) return <span className="faint">{text}</span>;
    return v > 0 ? (
      <span className={styles.up} title={t("raises")}>
        ▲ {text}
      </span>
    ) : (
      <span className={styles.down} title={t("lowers")}>
        ▼ {text}
      </span>
    );
  };
  const columns: Column<SegmentEffect>[] = [
    { key: "segment", header: t("segment"), cell: (row) => segmentName(row) },
    {
      key: "customers",
      header: t("customers"),
      numeric: true,
      cell: (row) => (row.suppressed ? <span className="suppressed">{SUPPRESSED_LABEL}</span> : formatNumber(row.customers, locale)),
    },
    ...features.map((feature) => ({
      key: feature,
      header: <span className={styles.wrapHead}>{factorName(feature)}</span>,
      numeric: true,
      cell: (row: SegmentEffect) => effectCell(row, feature),
    })),
  ];
  return (
    <Card title={t("title")} subtitle={t("subtitle")} data-testid="effects-card">
      {rows.length === 0 ? (
        <EmptyState />
      ) : (
        <>
          <DataTable
            columns={columns}
            rows={rows}
            rowKey={(row) => `${row.dimension}:${row.value}`}
            caption={t("title")}
            data-testid="segment-effects"
          />
          <p className="legend-note">{t("legend")}</p>
          {rows.every((r) => r.value === "unknown") ? (
            <p className="notice" data-testid="effects-no-attributes" role="note">
              {t("noAttributes")}
            </p>
          ) : null}
        </>
      )}
    </Card>
  );
}

function RevenueAtRiskCard({ run, grossMarginBp }: { run: ChurnResults; grossMarginBp: number | null }) {
  const t = useTranslations("churn.atRisk");
  const basis = useBasisLabel(grossMarginBp);
  const locale = useLocale();
  const lang = uiLocale(locale);
  const { currency, slug, features = [] } = useMerchant();
  const [showAll, setShowAll] = useState(false);
  const rows = run.summary.revenueAtRisk;
  const shown = showAll ? rows : rows.slice(0, FIRST_ROWS);
  const money = (minor: number) => formatMoney(inMargin(minor, grossMarginBp), currency, locale);

  // The CSV comes from the server, which checks the "exports" feature (Business plan, lib/billing).
  const canExport = features.includes("exports");
  const exportHref = `/api/m/${slug}/churn/export?lang=${lang}`;

  const columns: Column<RevenueAtRiskRow>[] = [
    { key: "rank", header: "#", numeric: true, cell: (_row, i) => formatNumber(i + 1, locale) },
    { key: "customer", header: t("customer"), cell: (row) => <code className={styles.id}>{row.bankCustomerId}</code> },
    { key: "risk", header: t("risk"), numeric: true, cell: (row) => formatPercent(row.pChurn, locale, 0) },
    {
      key: "clv",
      header: basis(t("clv")),
      numeric: true,
      cell: (row) => (
        <>
          {money(row.clvMinor)}
          {row.clvSource === "historical" ? (
            <span className={styles.tag} title={t("historicalHint")}>
              {t("historical")}
            </span>
          ) : null}
        </>
      ),
    },
    { key: "atRisk", header: basis(t("atRisk")), numeric: true, cell: (row) => <strong>{money(row.revenueAtRiskMinor)}</strong> },
    {
      key: "factors",
      header: t("factors"),
      cell: (row) => (
        <ul className={styles.factors}>
          {row.factors.slice(0, 3).map((f) => (
            <li key={f.feature}>
              <span className={f.shap > 0 ? styles.up : styles.down} aria-hidden="true">
                {f.shap > 0 ? "▲" : "▼"}
              </span>{" "}
              {f.text[lang]}
            </li>
          ))}
        </ul>
      ),
    },
  ];
  return (
    <Card
      title={t("title")}
      subtitle={t("subtitle", { count: rows.length })}
      actions={
        rows.length > 0 ? (
          canExport ? (
            <a className="btn" href={exportHref} download data-testid="revenue-at-risk-csv">
              {t("download")}
            </a>
          ) : (
            <Link className="btn" href={`/m/${slug}/upgrade?feature=exports`} data-testid="revenue-at-risk-csv-locked">
              <LockIcon />
              {t("download")}
            </Link>
          )
        ) : null
      }
      data-testid="revenue-at-risk"
    >
      {run.summary.verdict !== "better" ? (
        <div data-testid="revenue-at-risk-withheld">
          <EmptyState title={t("withheld")} hint={t(`withheldHint.${run.summary.verdict}`)} />
        </div>
      ) : rows.length === 0 ? (
        <div data-testid="revenue-at-risk-table">
          <EmptyState title={t("empty")} hint={t("emptyHint")} />
        </div>
      ) : (
        <>
          <DataTable
            columns={columns}
            rows={shown}
            rowKey={(row) => row.bankCustomerId}
            caption={t("title")}
            data-testid="revenue-at-risk-table"
          />
          <p className="legend-note">{t("legend")}</p>
          {rows.length > FIRST_ROWS ? (
            <button type="button" className="btn btn-link" onClick={() => setShowAll((v) => !v)} data-testid="revenue-at-risk-more">
              {showAll ? t("showFewer", { count: FIRST_ROWS }) : t("showAll", { count: rows.length })}
            </button>
          ) : null}
        </>
      )}
    </Card>
  );
}

/**
 * Which model scores the customers, in words (ADR 0019): the merchant's own, the segment's, or a
 * blend, and why the holdout chose it.
 */
function poolingText(run: ChurnResults, t: (key: string, values?: Record<string, string | number>) => string): string {
  const { mode, merchants, level } = run.params.pooling;
  const values = { merchants: merchants ?? 0, level: level ?? "mcc" };
  if (mode === "merchantOnly") return run.metrics.holdoutAuc.pooled === null ? t("pooling.merchantOnly") : t("pooling.merchantOnlyBetter", values);
  if (mode === "blended") return t("pooling.blended", values);
  return run.metrics.holdoutAuc.merchantOnly === null ? t("pooling.pooledOnly", values) : t("pooling.pooled", values);
}

/** The share of the queue the card's sentence quotes (the issue's "top 30 %"). */
const QUOTED_SHARE = 0.3;

/**
 * "What if you contact the top k" (docs/offers.md, "Learning"): the expected incremental revenue of
 * contacting the top k % of the win-back queue ranked by churn × value × uplift, beside today's
 * list, and which uplift model ranked it (the merchant's own offers or its category's, pooled).
 * Aggregates only: no customer is named.
 */
function WinBackCard() {
  const t = useTranslations("churn.winBack");
  const locale = useLocale();
  const format = useChartFormat();
  const { slug, currency } = useMerchant();
  const query = useEndpoint("win-back", slug, {});
  const data = query.data ?? null;
  const curve = useMemo(() => data?.curve ?? [], [data]);
  const option = useMemo(
    () => buildWinBackOption(curve, { ranked: t("ranked"), baseline: t("baseline"), contacted: t("contacted"), incremental: t("incremental") }, format),
    [curve, format, t],
  );
  if (query.isPending || query.error) return null;
  const quoted = curve.find((p) => Math.abs(p.share - QUOTED_SHARE) < 1e-9);
  const money = (minor: number) => formatMoney(Math.round(minor), currency, locale);
  return (
    <Card title={t("title")} subtitle={t("subtitle")} data-testid="churn-winback">
      {data === null ? (
        <p data-testid="winback-source">{t("notYet")}</p>
      ) : data.source === "none" ? (
        <p data-testid="winback-source">{t.has(`reason.${data.reason}`) ? t(`reason.${data.reason}`) : t("reason.noOfferHistory")}</p>
      ) : (
        <>
          <p data-testid="winback-source">
            {data.source === "own"
              ? t("source.own", { offers: data.ownOffers })
              : t("source.pooled", { merchants: data.poolMerchants ?? 0, offers: data.ownOffers })}
          </p>
          {quoted ? (
            <p data-testid="winback-top">
              {t("top", {
                share: formatPercent(quoted.share, locale, 0),
                customers: formatNumber(quoted.customers, locale),
                ranked: money(quoted.expectedIncrementalMinor),
                baseline: money(quoted.baselineMinor),
              })}
            </p>
          ) : null}
          <EChart option={option} height={300} ariaLabel={t("chartLabel")} data-testid="winback-chart" />
          <p className="legend-note">{t("legend")}</p>
        </>
      )}
    </Card>
  );
}
