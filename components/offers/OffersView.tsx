"use client";

import Link from "next/link";
import { useLocale, useTranslations } from "next-intl";
import { useState, type FormEvent, type ReactNode } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { currencyDigits, formatDay, formatMoney, formatNumber, formatPercent } from "@/lib/format";
import { endpointKey } from "@/lib/endpoints/keys";
import type { CreatedOffer } from "@/lib/offers/store";
import type { OfferPreview } from "@/lib/offers/plan";
import type { OfferView } from "@/lib/offers/queries";
import { Card } from "../Card";
import type { Column } from "../DataTable";
import { RunListCard } from "../RunListCard";
import { ApiError } from "../hooks/api";
import { createOffer, previewOffer } from "../hooks/useOffers";
import { useEndpoint } from "../hooks/useEndpoint";
import { useMerchant } from "../shell/MerchantContext";
import { LoadingState } from "../states";

/** The Offers tab: create an offer with a preview, then the library of the merchant's offers. */
export function OffersView({ defaultStart }: { defaultStart: string }) {
  return (
    <>
      <CreateOfferCard defaultStart={defaultStart} />
      <OfferLibrary />
    </>
  );
}

const AUDIENCES = {
  lapsed: { kind: "lapsed", minDays: 31, maxDays: 180 },
  regulars: { kind: "regulars", minPurchases: 5 },
  active: { kind: "active", withinDays: 30 },
  all: { kind: "all" },
} as const;

function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
}

type Outcome = { phase: "idle" } | { phase: "busy" } | { phase: "preview"; preview: OfferPreview & { tooSmall: boolean } } | { phase: "created"; created: CreatedOffer } | { phase: "error"; status: number | null };

function CreateOfferCard({ defaultStart }: { defaultStart: string }) {
  const t = useTranslations("offers.create");
  const locale = useLocale();
  const { slug, currency } = useMerchant();
  const queryClient = useQueryClient();
  const scale = 10 ** currencyDigits(currency);
  const [name, setName] = useState("");
  const [audience, setAudience] = useState<keyof typeof AUDIENCES>("lapsed");
  const [kind, setKind] = useState<"cashback" | "bonus">("cashback");
  const [value, setValue] = useState("5");
  const [cap, setCap] = useState("500");
  const [startsOn, setStartsOn] = useState(defaultStart);
  const [endsOn, setEndsOn] = useState(addDays(defaultStart, 28));
  const [budget, setBudget] = useState("10000000");
  const [metric, setMetric] = useState<"revenue" | "visits">("revenue");
  const [holdout, setHoldout] = useState("0.15");
  const [variantB, setVariantB] = useState(false);
  const [rateB, setRateB] = useState("10");
  const [outcome, setOutcome] = useState<Outcome>({ phase: "idle" });

  const terms = (k: "cashback" | "bonus", v: string) => ({
    kind: k,
    rateBp: k === "cashback" ? Math.round(Number(v) * 100) : null,
    bonusMinor: k === "bonus" ? Math.round(Number(v) * scale) : null,
    capMinor: Math.round(Number(cap) * scale),
  });
  const body = () => ({
    name: name.trim() || t("name"),
    audience: AUDIENCES[audience],
    terms: terms(kind, value),
    variantB: variantB ? terms("cashback", rateB) : null,
    startsOn,
    endsOn,
    budgetMinor: Math.round(Number(budget) * scale),
    primaryMetric: metric,
    holdout: Number(holdout),
  });
  const run = async (preview: boolean) => {
    setOutcome({ phase: "busy" });
    try {
      if (preview) setOutcome({ phase: "preview", preview: await previewOffer(slug, body()) });
      else {
        const created = await createOffer(slug, body());
        setOutcome({ phase: "created", created });
        await queryClient.invalidateQueries({ queryKey: endpointKey("offers", slug, {}) });
      }
    } catch (err) {
      setOutcome({ phase: "error", status: err instanceof ApiError ? err.status : null });
    }
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void run(false);
  };
  const busy = outcome.phase === "busy";
  const field = (label: string, input: ReactNode) => (
    <label style={{ display: "grid", gap: 4, minWidth: 0 }}>
      <span>{label}</span>
      {input}
    </label>
  );
  return (
    <Card title={t("title")} subtitle={t("hint")} data-testid="offer-create">
      <form onSubmit={submit} style={{ display: "grid", gridTemplateColumns: "repeat(auto-fit, minmax(160px, 1fr))", gap: 12, alignItems: "end" }}>
        {field(t("name"), <input type="text" value={name} maxLength={120} onChange={(e) => setName(e.target.value)} data-testid="offer-name" />)}
        {field(
          t("audience"),
          <select value={audience} onChange={(e) => setAudience(e.target.value as keyof typeof AUDIENCES)} data-testid="offer-audience">
            <option value="lapsed">{t("audienceLapsed")}</option>
            <option value="regulars">{t("audienceRegulars")}</option>
            <option value="active">{t("audienceActive")}</option>
            <option value="all">{t("audienceAll")}</option>
          </select>,
        )}
        {field(
          t("kind"),
          <select value={kind} onChange={(e) => setKind(e.target.value as "cashback" | "bonus")} data-testid="offer-kind">
            <option value="cashback">{t("kindCashback")}</option>
            <option value="bonus">{t("kindBonus")}</option>
          </select>,
        )}
        {field(kind === "cashback" ? t("rate") : t("bonus", { currency }), <input type="number" min="0" step="any" value={value} onChange={(e) => setValue(e.target.value)} data-testid="offer-value" />)}
        {field(t("cap", { currency }), <input type="number" min="0" step="any" value={cap} onChange={(e) => setCap(e.target.value)} data-testid="offer-cap" />)}
        {field(t("startsOn"), <input type="date" value={startsOn} onChange={(e) => setStartsOn(e.target.value)} data-testid="offer-from" />)}
        {field(t("endsOn"), <input type="date" value={endsOn} onChange={(e) => setEndsOn(e.target.value)} data-testid="offer-to" />)}
        {field(t("budget", { currency }), <input type="number" min="0" step="any" value={budget} onChange={(e) => setBudget(e.target.value)} data-testid="offer-budget" />)}
        {field(
          t("metric"),
          <select value={metric} onChange={(e) => setMetric(e.target.value as "revenue" | "visits")}>
            <option value="revenue">{t("metricRevenue")}</option>
            <option value="visits">{t("metricVisits")}</option>
          </select>,
        )}
        {field(
          t("holdout"),
          <select value={holdout} onChange={(e) => setHoldout(e.target.value)} data-testid="offer-holdout">
            {["0.1", "0.15", "0.2"].map((h) => (
              <option key={h} value={h}>
                {formatPercent(Number(h), locale, 0)}
              </option>
            ))}
          </select>,
        )}
        <label style={{ display: "flex", gap: 8, alignItems: "center" }}>
          <input type="checkbox" checked={variantB} onChange={(e) => setVariantB(e.target.checked)} />
          <span>{t("variantB")}</span>
        </label>
        {variantB ? field(t("rateB"), <input type="number" min="0" step="any" value={rateB} onChange={(e) => setRateB(e.target.value)} />) : null}
        <div style={{ display: "flex", gap: 8, flexWrap: "wrap" }}>
          <button type="button" className="btn" disabled={busy} onClick={() => void run(true)} data-testid="offer-preview">
            {t("preview")}
          </button>
          <button type="submit" className="btn btn-primary" disabled={busy} data-testid="offer-submit">
            {t("submit")}
          </button>
        </div>
      </form>
      {busy ? <LoadingState height={60} /> : null}
      {outcome.phase === "preview" ? <PreviewPanel preview={outcome.preview} /> : null}
      {outcome.phase === "created" ? (
        <div role="status" style={{ marginTop: 12 }} data-testid="offer-created">
          <p>{t("created", { audience: formatNumber(outcome.created.audienceSize, locale), holdout: formatNumber(outcome.created.arms.holdout, locale) })}</p>
          <Link className="btn" href={`/m/${slug}/offers/${outcome.created.offerId}`} data-testid="offer-open">
            {t("open")}
          </Link>
        </div>
      ) : null}
      {outcome.phase === "error" ? (
        <p role="alert" className="state-error" data-testid="offer-error">
          {outcome.status === 403 ? t("forbidden") : outcome.status === 422 ? t("tooSmall") : outcome.status === 400 ? t("invalid") : t("failed")}
        </p>
      ) : null}
    </Card>
  );
}

function PreviewPanel({ preview }: { preview: OfferPreview & { tooSmall: boolean } }) {
  const t = useTranslations("offers.create");
  const locale = useLocale();
  const { currency } = useMerchant();
  if (preview.tooSmall) return <p role="status" className="notice" data-testid="offer-preview-small">{t("tooSmall")}</p>;
  const money = (v: number) => formatMoney(Math.round(v), currency, locale, { whole: true });
  return (
    <div style={{ marginTop: 12 }} data-testid="offer-preview-panel">
      <h3>{t("previewTitle")}</h3>
      <div className="grid grid-kpi">
        <div className="card kpi">
          <span className="kpi-label">{t("size")}</span>
          <span className="kpi-value" data-testid="offer-preview-size">{formatNumber(preview.audienceSize, locale)}</span>
        </div>
        <div className="card kpi">
          <span className="kpi-label">{t("responders")}</span>
          <span className="kpi-value">{formatNumber(Math.round(preview.expectedResponders), locale)}</span>
        </div>
        <div className="card kpi">
          <span className="kpi-label">{t("incremental")}</span>
          <span className="kpi-value">{money(preview.expectedIncrementalRevenueMinor)}</span>
          <div className="kpi-foot">{t("prior", { source: preview.priorSource, lift: formatPercent(preview.priorLift, locale, 1) })}</div>
        </div>
      </div>
      <p className="legend-note">{t("suggested", { holdout: formatPercent(preview.suggestedHoldout, locale, 0) })}</p>
      <ul className="legend-note">
        {preview.planner.map((p) => (
          <li key={p.holdout}>{t("mde", { holdout: formatPercent(p.holdout, locale, 0), mde: p.mdeMinor === null ? "—" : money(p.mdeMinor) })}</li>
        ))}
      </ul>
    </div>
  );
}

function OfferLibrary() {
  const t = useTranslations("offers.list");
  const ts = useTranslations("offers.status");
  const locale = useLocale();
  const { slug, currency } = useMerchant();
  const query = useEndpoint("offers", slug, {});
  const money = (v: number) => formatMoney(Math.round(v), currency, locale, { whole: true });
  const columns: Column<OfferView>[] = [
    {
      key: "name",
      header: t("name"),
      cell: (o) => (
        <Link href={`/m/${slug}/offers/${o.id}`} data-testid="offer-link">
          {o.name}
        </Link>
      ),
    },
    { key: "status", header: t("status"), cell: (o) => ts(o.status) },
    { key: "window", header: t("window"), cell: (o) => `${formatDay(o.startsOn, locale, "short")} – ${formatDay(o.endsOn, locale, "short")}` },
    { key: "audience", header: t("audience"), numeric: true, cell: (o) => formatNumber(o.audienceSize, locale) },
    {
      key: "effect",
      header: t("effect"),
      numeric: true,
      cell: (o) => (o.result ? o.result.variants.map((v) => `${money(v.revenue.total)} [${money(v.revenue.totalCi.lower)}; ${money(v.revenue.totalCi.upper)}]`).join(" / ") : "—"),
    },
    { key: "roi", header: t("roi"), numeric: true, cell: (o) => (o.result ? o.result.variants.map((v) => (v.roi ? formatPercent(v.roi.estimate, locale, 0) : "—")).join(" / ") : "—") },
  ];
  return <RunListCard title={t("title")} emptyTitle={t("emptyTitle")} emptyHint={t("emptyHint")} query={query} columns={columns} rowKey={(o) => String(o.id)} data-testid="offer-list" />;
}
