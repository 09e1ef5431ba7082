"use client";

import { useRouter } from "next/navigation";
import { useLocale, useTranslations } from "next-intl";
import { useTransition } from "react";
import { LOCALES, type Locale } from "@/lib/i18n/config";

/**
 * EN / RU. Sets the NEXT_LOCALE cookie through POST /api/locale, then re-renders the server
 * tree (router.refresh) so messages, <html lang> and every Intl format follow; cached query
 * data is locale-free and stays.
 */
export function LocaleSwitcher() {
  const locale = useLocale();
  const t = useTranslations("common.locale");
  const router = useRouter();
  const [pending, startTransition] = useTransition();

  function choose(next: Locale) {
    if (next === locale) return;
    startTransition(async () => {
      const response = await fetch("/api/locale", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ locale: next }),
      });
      if (response.ok) router.refresh();
    });
  }

  return (
    <div className="locale-switch" role="group" aria-label={t("label")} aria-busy={pending}>
      {LOCALES.map((l) => (
        <button
          key={l}
          type="button"
          lang={l}
          title={t(`${l}Name`)}
          aria-pressed={l === locale}
          disabled={pending}
          onClick={() => choose(l)}
          data-testid={`locale-${l}`}
        >
          {t(l)}
        </button>
      ))}
    </div>
  );
}
