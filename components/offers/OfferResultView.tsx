"use client";

import Link from "next/link";
import { useLocale, useTranslations } from "next-intl";
import { formatDay, formatMoney, formatNumber, formatPercent } from "@/lib/format";
import type { VariantResult, SegmentEffect } from "@/lib/offers/measure";
import type { OfferView } from "@/lib/offers/queries";
import { Card } from "../Card";
import { DataTable, type Column } from "../DataTable";
import { useEndpoint } from "../hooks/useEndpoint";
import { useMerchant } from "../shell/MerchantContext";
import { EmptyState, ErrorState, LoadingState } from "../states";
import { ModelKpi } from "../value/ModelParts";

/** One offer: terms, status timeline, and per variant the measured effects with intervals and ROI. */
export function OfferResultView({ id }: { id: number }) {
  const t = useTranslations("offers.result");
  const locale = useLocale();
  const { slug } = useMerchant();
  const query = useEndpoint("offer", slug, { id });
  if (query.isPending) return <LoadingState height={420} />;
  if (query.error || !query.data) return <ErrorState error={query.error} onRetry={() => query.refetch()} />;
  const offer = query.data;
  return (
    <>
      <p>
        <Link href={`/m/${slug}/offers`}>← {t("back")}</Link>
      </p>
      <h2 data-testid="offer-title">{offer.name}</h2>
      <OfferHeader offer={offer} />
      {offer.result ? (
        offer.result.variants.map((v) => <VariantSection key={v.arm} variant={v} />)
      ) : offer.status === "failed" ? (
        <EmptyState title={t("failed", { reason: offer.resultError ?? "" })} />
      ) : (
        <p role="status" className="notice" data-testid="offer-waiting">
          {t("waiting", { date: formatDay(offer.endsOn, locale) })}
        </p>
      )}
    </>
  );
}

function OfferHeader({ offer }: { offer: OfferView }) {
  const t = useTranslations("offers.result");
  const ts = useTranslations("offers.status");
  const tc = useTranslations("offers.create");
  const locale = useLocale();
  const money = (v: number | null) => formatMoney(v, offer.currency, locale, { whole: true });
  const terms = (x: OfferView["terms"]) =>
    t("terms", { kind: x.kind, rate: formatPercent((x.rateBp ?? 0) / 10_000, locale, 1), cap: money(x.capMinor), bonus: money(x.bonusMinor) });
  return (
    <Card title={t("timeline")} data-testid="offer-header">
      <p>
        A: {terms(offer.terms)}
        {offer.variantB ? <> · B: {terms(offer.variantB)}</> : null}
      </p>
      <p className="legend-note">
        {t("window", {
          from: formatDay(offer.startsOn, locale),
          to: formatDay(offer.endsOn, locale),
          holdout: formatPercent(offer.holdout, locale, 0),
          metric: offer.primaryMetric === "revenue" ? tc("metricRevenue") : tc("metricVisits"),
        })}
      </p>
      <ol data-testid="offer-timeline">
        {offer.timeline.map((s, i) => (
          <li key={i}>
            {ts(s.status)} — {formatDay(s.at.slice(0, 10), locale)}
          </li>
        ))}
      </ol>
    </Card>
  );
}

function VariantSection({ variant: v }: { variant: VariantResult }) {
  const t = useTranslations("offers.result");
  const locale = useLocale();
  const { currency } = useMerchant();
  const money = (x: number) => formatMoney(Math.round(x), currency, locale, { whole: true });
  const num = (x: number) => formatNumber(x, locale, { maximumFractionDigits: 1 });
  const interval = (lo: string, hi: string) => t("interval", { lower: lo, upper: hi });
  const name = v.arm === 1 ? "A" : "B";
  return (
    <Card title={t("variant", { name, treated: formatNumber(v.treatment, locale), holdout: formatNumber(v.control, locale) })} data-testid={`offer-variant-${name}`}>
      <div className="grid grid-kpi">
        <ModelKpi
          id="offer-revenue"
          label={t("revenue")}
          value={money(v.revenue.total)}
          foot={
            <>
              <div data-testid="offer-revenue-ci">{interval(money(v.revenue.totalCi.lower), money(v.revenue.totalCi.upper))}</div>
              <div>{t("perCustomer", { value: money(v.revenue.perCustomer) })}</div>
            </>
          }
        />
        <ModelKpi id="offer-visits" label={t("visits")} value={num(v.visits.total)} foot={interval(num(v.visits.totalCi.lower), num(v.visits.totalCi.upper))} />
        <ModelKpi id="offer-cost" label={t("cost")} value={money(v.costMinor)} foot={`${t("net")}: ${money(v.netMinor.estimate)}`} />
        <ModelKpi
          id="offer-roi"
          label={t("roi")}
          value={v.roi ? formatPercent(v.roi.estimate, locale, 0) : "—"}
          foot={v.roi ? interval(formatPercent(v.roi.ci.lower, locale, 0), formatPercent(v.roi.ci.upper, locale, 0)) : undefined}
        />
        <ModelKpi
          id="offer-persuadables"
          label={t("persuadables")}
          value={formatPercent(v.persuadableShare.inSegments, locale, 0)}
          foot={t("persuadablesFoot", { net: formatPercent(v.persuadableShare.net, locale, 1) })}
        />
      </div>
      <p className="legend-note">{t("cuped", { share: formatPercent(1 - 1 / v.revenue.narrowing, locale, 0), plain: money(v.revenue.plain.perCustomer) })}</p>
      <SegmentTable segments={v.segments} />
    </Card>
  );
}

function SegmentTable({ segments }: { segments: SegmentEffect[] }) {
  const t = useTranslations("offers.result");
  const locale = useLocale();
  const { currency } = useMerchant();
  const money = (x: number) => formatMoney(Math.round(x), currency, locale, { whole: true });
  const label = (s: string) => {
    const [recency, frequency] = s.split("-");
    return /^r\d$/.test(recency ?? "") && /^f\d$/.test(frequency ?? "") ? t("segmentNames", { recency, frequency }) : s;
  };
  const columns: Column<SegmentEffect>[] = [
    { key: "segment", header: t("segment"), cell: (s) => label(s.segment) },
    { key: "treated", header: t("treated"), numeric: true, cell: (s) => (s.suppressed ? <span className="suppressed">{t("suppressed")}</span> : formatNumber(s.treatment, locale)) },
    { key: "control", header: t("heldOut"), numeric: true, cell: (s) => (s.suppressed ? <span className="suppressed">{t("suppressed")}</span> : formatNumber(s.control, locale)) },
    {
      key: "effect",
      header: t("revenuePerCustomer"),
      numeric: true,
      cell: (s) => (s.revenue ? `${money(s.revenue.perCustomer)} [${money(s.revenue.ci.lower)}; ${money(s.revenue.ci.upper)}]` : "—"),
    },
  ];
  return (
    <>
      <h3>{t("segments")}</h3>
      <DataTable columns={columns} rows={segments} rowKey={(s) => s.segment} data-testid="offer-segments" />
    </>
  );
}
