"use client";

import Link from "next/link";
import { useLocale, useTranslations } from "next-intl";
import { useRef, useState, type FormEvent } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { formatDay, formatNumber, formatPercent } from "@/lib/format";
import { Card } from "../Card";
import type { Column } from "../DataTable";
import { RunListCard } from "../RunListCard";
import { ApiError } from "../hooks/api";
import { uploadCampaign, type UploadResult } from "../hooks/useCampaigns";
import { useEndpoint } from "../hooks/useEndpoint";
import { endpointKey } from "@/lib/endpoints/keys";
import type { CampaignListItem } from "@/lib/campaigns/queries";
import { useMerchant } from "../shell/MerchantContext";
import { localDay } from "../value/ModelParts";

/** The Campaigns tab: upload with a progress bar, then the list of the merchant's campaigns. */
export function CampaignsView() {
  return (
    <>
      <UploadCard />
      <CampaignList />
    </>
  );
}

type UploadState =
  | { phase: "idle" }
  | { phase: "uploading"; sent: number; total: number }
  | { phase: "processing" }
  | { phase: "done"; result: UploadResult }
  | { phase: "error"; status: number | null };

function UploadCard() {
  const t = useTranslations("campaigns.upload");
  const locale = useLocale();
  const { slug } = useMerchant();
  const queryClient = useQueryClient();
  const fileRef = useRef<HTMLInputElement>(null);
  const [name, setName] = useState("");
  const [format, setFormat] = useState<"campaign" | "hillstrom">("campaign");
  const [state, setState] = useState<UploadState>({ phase: "idle" });
  const busy = state.phase === "uploading" || state.phase === "processing";

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const file = fileRef.current?.files?.[0];
    if (!file || busy) return;
    setState({ phase: "uploading", sent: 0, total: file.size });
    try {
      const result = await uploadCampaign(slug, file, { name: name.trim() || undefined, format }, (sent, total) =>
        setState(sent >= total ? { phase: "processing" } : { phase: "uploading", sent, total }),
      );
      setState({ phase: "done", result });
      await queryClient.invalidateQueries({ queryKey: endpointKey("campaigns", slug, {}) });
    } catch (err) {
      setState({ phase: "error", status: err instanceof ApiError ? err.status : null });
    }
  };

  return (
    <Card title={t("title")} subtitle={t("hint")} data-testid="campaign-upload">
      <form onSubmit={submit} className="campaign-upload-form" style={{ display: "flex", flexWrap: "wrap", gap: 12, alignItems: "end" }}>
        <label style={{ display: "grid", gap: 4 }}>
          <span>{t("file")}</span>
          <input ref={fileRef} type="file" name="file" accept=".csv,.gz,text/csv,application/gzip" required disabled={busy} data-testid="campaign-file" />
        </label>
        <label style={{ display: "grid", gap: 4 }}>
          <span>{t("name")}</span>
          <input type="text" value={name} maxLength={200} onChange={(e) => setName(e.target.value)} disabled={busy} data-testid="campaign-name" />
        </label>
        <label style={{ display: "grid", gap: 4 }}>
          <span>{t("format")}</span>
          <select value={format} onChange={(e) => setFormat(e.target.value as "campaign" | "hillstrom")} disabled={busy}>
            <option value="campaign">{t("formatCampaign")}</option>
            <option value="hillstrom">{t("formatHillstrom")}</option>
          </select>
        </label>
        <button type="submit" className="btn btn-primary" disabled={busy} data-testid="campaign-submit">
          {t("submit")}
        </button>
      </form>
      {state.phase === "uploading" ? (
        <div style={{ marginTop: 12 }} role="status">
          <progress max={state.total || 1} value={state.sent} aria-label={t("progress")} style={{ width: "100%" }} data-testid="campaign-progress" />
          <span>{t("uploading", { percent: formatPercent(state.total ? state.sent / state.total : 0, locale, 0) })}</span>
        </div>
      ) : null}
      {state.phase === "processing" ? (
        <div style={{ marginTop: 12 }} role="status" data-testid="campaign-processing">
          <progress aria-label={t("progress")} style={{ width: "100%" }} />
          <span>{t("processing")}</span>
        </div>
      ) : null}
      {state.phase === "error" ? (
        <p role="alert" className="state-error" data-testid="campaign-upload-error">
          {state.status === 403 ? t("forbidden") : state.status === 413 ? t("tooLarge") : t("failed")}
        </p>
      ) : null}
      {state.phase === "done" ? <UploadOutcome result={state.result} /> : null}
    </Card>
  );
}

function UploadOutcome({ result }: { result: UploadResult }) {
  const t = useTranslations("campaigns.upload");
  const locale = useLocale();
  const { slug } = useMerchant();
  const r = result.import;
  if (!r.ok) {
    return (
      <div role="alert" style={{ marginTop: 12 }} data-testid="campaign-upload-rejected">
        <p>{t("rejected", { count: r.errorCount })}</p>
        <ul>
          {r.errors.map((e, i) => (
            <li key={i}>
              {t("line", { line: e.line })}
              {e.column ? `, ${t("column", { column: e.column })}` : ""}: {e.reason}
            </li>
          ))}
        </ul>
      </div>
    );
  }
  return (
    <div role="status" style={{ marginTop: 12 }} data-testid="campaign-upload-done">
      <p>
        {r.alreadyPresent
          ? t("already")
          : t("done", { rows: formatNumber(r.rowsRead, locale), unknown: formatNumber(r.unknownCustomers, locale) })}
      </p>
      {result.reportQueued ? <p data-testid="campaign-report-queued">{t("queued")}</p> : null}
      {r.campaignId !== null ? (
        <Link className="btn" href={`/m/${slug}/campaigns/${r.campaignId}`} data-testid="campaign-open-report">
          {t("open")}
        </Link>
      ) : null}
    </div>
  );
}

function CampaignList() {
  const t = useTranslations("campaigns.list");
  const locale = useLocale();
  const { slug, timeZone } = useMerchant();
  const query = useEndpoint("campaigns", slug, {});
  const status = (s: CampaignListItem["reportStatus"]) => (s === "succeeded" ? t("statusSucceeded") : s === "failed" ? t("statusFailed") : t("statusNone"));
  const columns: Column<CampaignListItem>[] = [
    {
      key: "name",
      header: t("name"),
      cell: (c) => (
        <Link href={`/m/${slug}/campaigns/${c.id}`} data-testid="campaign-link">
          {c.name}
        </Link>
      ),
    },
    { key: "actions", header: t("actions"), cell: (c) => c.actions.join(", ") },
    { key: "rows", header: t("rows"), numeric: true, cell: (c) => formatNumber(c.rows, locale) },
    { key: "unknown", header: t("unknown"), numeric: true, cell: (c) => formatNumber(c.unknownCustomers, locale) },
    { key: "created", header: t("created"), cell: (c) => formatDay(localDay(c.createdAt, timeZone), locale) },
    { key: "report", header: t("report"), cell: (c) => status(c.reportStatus) },
  ];
  return <RunListCard title={t("title")} emptyTitle={t("emptyTitle")} emptyHint={t("emptyHint")} query={query} columns={columns} rowKey={(c) => String(c.id)} data-testid="campaign-list" />;
}
