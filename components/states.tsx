"use client";

import { useTranslations } from "next-intl";
import type { ReactNode } from "react";
import { ApiError } from "./hooks/api";

/** Placeholder blocks in the shape of what is loading (no spinners jumping around). */
export function LoadingState({ height = 160, label }: { height?: number; label?: string }) {
  const t = useTranslations("common.states");
  return (
    <div className="skeleton" style={{ height }} role="status" aria-live="polite" aria-label={label ?? t("loading")}>
      <span className="visually-hidden">{label ?? t("loading")}</span>
    </div>
  );
}

export function EmptyState({ title, hint, children }: { title?: string; hint?: string; children?: ReactNode }) {
  const t = useTranslations("common.states");
  return (
    <div className="state" data-testid="empty-state">
      <span className="state-title">{title ?? t("emptyTitle")}</span>
      <span>{hint ?? t("emptyHint")}</span>
      {children}
    </div>
  );
}

/** A failed query: what happened in words the user can act on, and a retry when it may help. */
export function ErrorState({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const t = useTranslations("common.states");
  const status = error instanceof ApiError ? error.status : null;
  const message =
    status === 401 ? t("unauthorized") : status === 404 ? t("notFound") : status === 400 ? t("badRequest") : t("errorHint");
  return (
    <div className="state state-error" role="alert" data-testid="error-state">
      <span className="state-title">{t("errorTitle")}</span>
      <span>{message}</span>
      {status === 401 ? (
        <a className="btn btn-primary" href="/login">
          {t("signIn")}
        </a>
      ) : onRetry && status !== 404 && status !== 400 ? (
        <button type="button" className="btn" onClick={onRetry}>
          {t("retry")}
        </button>
      ) : null}
    </div>
  );
}
