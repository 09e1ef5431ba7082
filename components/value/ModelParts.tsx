"use client";

import { useLocale, useTranslations } from "next-intl";
import type { ReactNode } from "react";
import type { ModelRunAttempt, ModelRunMeta } from "@/lib/runs/contract";
import { addDays } from "@/lib/days";
import { formatDay } from "@/lib/format";
import { Card } from "../Card";
import { EmptyState, ErrorState, LoadingState } from "../states";
import { useMerchant } from "../shell/MerchantContext";

/*
 * The pieces the three model pages (customer value, churn, segments) share: the run line, the
 * "no run yet" state, the failed-attempt note, a figure card without a comparison, and the
 * loading / error blocks. Each page passes its own message namespace, whose `run.*` keys hold
 * the words (messages/<locale>/{value,churn,segments}.json).
 */

export type ModelNamespace = "value" | "churn" | "segments";
// The translators below read `${ns}.run` of one of these (ADR 0034; the page's messages list them):
// client-messages: value.run churn.run segments.run

/** An ISO timestamp as the merchant's local calendar day 'YYYY-MM-DD'. */
export function localDay(iso: string, timeZone: string): string {
  try {
    return new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).format(new Date(iso));
  } catch {
    return iso.slice(0, 10);
  }
}

/** "Computed on 5 Mar 2024 from purchases of 1 Jan 2023 – 4 Mar 2024 (run 3)". */
export function RunLine({ ns, run }: { ns: ModelNamespace; run: ModelRunMeta }) {
  const t = useTranslations(`${ns}.run`);
  const locale = useLocale();
  const { timeZone } = useMerchant();
  return (
    <p className="legend-note" data-testid="model-run">
      {t("computed", {
        date: formatDay(localDay(run.finishedAt, timeZone), locale),
        from: formatDay(run.periodFrom, locale),
        to: formatDay(addDays(run.periodTo, -1), locale),
        version: run.version,
      })}
    </p>
  );
}

/** A note when the latest attempt failed after (or instead of) the run on screen. */
export function FailedAttemptNote({
  ns,
  attempt,
  shownRunId,
}: {
  ns: ModelNamespace;
  attempt: ModelRunAttempt | null;
  shownRunId: number | null;
}) {
  const t = useTranslations(`${ns}.run`);
  const locale = useLocale();
  const { timeZone } = useMerchant();
  if (!attempt || attempt.status !== "failed" || attempt.id === shownRunId) return null;
  const date = formatDay(localDay(attempt.finishedAt, timeZone), locale);
  return (
    <p className="notice" data-testid="model-failed">
      {shownRunId === null ? t("failedNoRun", { date }) : t("failedOlder", { date })}
      {/* The reason is stored in English only. */}
      {attempt.error && locale === "en" ? ` ${t("reason", { reason: attempt.error })}` : null}
    </p>
  );
}

/**
 * No run to show: none succeeded yet (models are computed after each data load), or the stored
 * one is of an older format and is being recalculated (`attempt.refitNeeded`).
 */
export function NoRunYet({ ns, attempt }: { ns: ModelNamespace; attempt: ModelRunAttempt | null }) {
  const t = useTranslations(`${ns}.run`);
  if (attempt?.refitNeeded) {
    return (
      <Card data-testid="model-refit">
        <EmptyState title={t("refitTitle")} hint={t("refitHint")} />
      </Card>
    );
  }
  return (
    <Card data-testid="model-empty">
      <EmptyState title={t("emptyTitle")} hint={t("emptyHint")}>
        <FailedAttemptNote ns={ns} attempt={attempt} shownRunId={null} />
      </EmptyState>
    </Card>
  );
}

/** A headline figure of a model run (no previous period to compare with, unlike KpiCard). */
export function ModelKpi({ id, label, value, foot, hint }: { id: string; label: string; value: string; foot?: ReactNode; hint?: string }) {
  return (
    <div className="card kpi" data-testid={`kpi-${id}`} title={hint}>
      <span className="kpi-label">{label}</span>
      <span className="kpi-value" data-testid="kpi-value">
        {value}
      </span>
      {foot ? <div className="kpi-foot">{foot}</div> : null}
    </div>
  );
}

/** The page's blocks while the query loads: KPI row, then the given chart heights. */
export function ModelLoading({ kpis = 0, blocks }: { kpis?: number; blocks: number[] }) {
  return (
    <>
      {kpis > 0 ? (
        <div className="grid grid-kpi" aria-busy="true">
          {Array.from({ length: kpis }, (_, i) => (
            <LoadingState key={i} height={112} />
          ))}
        </div>
      ) : null}
      {blocks.map((height, i) => (
        <LoadingState key={i} height={height} />
      ))}
    </>
  );
}

/** The page's query failed: the shared error block with retry. */
export function ModelError({ error, onRetry }: { error: unknown; onRetry: () => void }) {
  return (
    <Card>
      <ErrorState error={error} onRetry={onRetry} />
    </Card>
  );
}
