"use client";

import { useEffect } from "react";
import { useTranslations } from "next-intl";

/** The error boundary of every page below the root layout: a calm message and a retry. */
export default function ErrorPage({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  const t = useTranslations("common");
  useEffect(() => {
    console.error(error);
  }, [error]);
  return (
    <main className="center-page">
      <div className="card center-card state-error" role="alert">
        <h1>{t("error.title")}</h1>
        <p className="muted">{t("error.body")}</p>
        {error.digest ? <p className="faint">{t("error.reference", { digest: error.digest })}</p> : null}
        <button type="button" className="btn btn-primary" onClick={() => reset()}>
          {t("error.retry")}
        </button>
      </div>
    </main>
  );
}
