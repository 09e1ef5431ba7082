"use client";

import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useLocale, useTranslations } from "next-intl";
import { useState, useTransition, type FormEvent } from "react";
import { activePreset, addDays, daysBetween, PRESET_DAYS, presetPeriod, type Period } from "@/lib/days";
import { formatPeriod } from "@/lib/format";

/**
 * Presets (7/30/90/365 days ending at the merchant's latest data day) and a custom range.
 * The period is written to the URL (?from&to, `to` exclusive), so it survives reloads, is
 * shareable and travels between tabs; the page re-renders from the URL.
 * The custom inputs show the last day inclusively, as people read a date range.
 */
export function PeriodPicker({
  period,
  end,
  firstDay,
  lastDay,
}: {
  period: Period;
  /** Exclusive end the presets count back from. */
  end: string;
  firstDay: string | null;
  lastDay: string | null;
}) {
  const t = useTranslations("common.period");
  const locale = useLocale();
  const router = useRouter();
  const pathname = usePathname();
  const searchParams = useSearchParams();
  const [pending, startTransition] = useTransition();
  const preset = activePreset(period, end);
  const [custom, setCustom] = useState(preset === null);
  const [from, setFrom] = useState(period.from);
  const [toInclusive, setToInclusive] = useState(addDays(period.to, -1));

  function go(next: Period) {
    const params = new URLSearchParams(searchParams.toString());
    params.set("from", next.from);
    params.set("to", next.to);
    startTransition(() => router.push(`${pathname}?${params.toString()}`, { scroll: false }));
  }

  function applyCustom(e: FormEvent) {
    e.preventDefault();
    if (!from || !toInclusive || from > toInclusive) return;
    go({ from, to: addDays(toInclusive, 1) });
  }

  const invalid = !from || !toInclusive || from > toInclusive;
  return (
    <div className="period-picker" data-testid="period-picker" aria-busy={pending}>
      <div className="segmented" role="group" aria-label={t("label")}>
        {PRESET_DAYS.map((days) => (
          <button
            key={days}
            type="button"
            aria-pressed={!custom && preset === days}
            onClick={() => {
              setCustom(false);
              const next = presetPeriod(days, end);
              setFrom(next.from);
              setToInclusive(addDays(next.to, -1));
              go(next);
            }}
            data-testid={`period-preset-${days}`}
          >
            {t("preset", { days })}
          </button>
        ))}
        <button type="button" aria-pressed={custom} onClick={() => setCustom(true)} data-testid="period-custom">
          {t("custom")}
        </button>
      </div>
      {custom ? (
        <form className="period-custom" onSubmit={applyCustom}>
          <label htmlFor="period-from">{t("from")}</label>
          <input
            id="period-from"
            className="input"
            type="date"
            value={from}
            min={firstDay ?? undefined}
            max={toInclusive || undefined}
            onChange={(e) => setFrom(e.target.value)}
            required
          />
          <label htmlFor="period-to">{t("to")}</label>
          <input
            id="period-to"
            className="input"
            type="date"
            value={toInclusive}
            min={from || undefined}
            max={lastDay ?? undefined}
            onChange={(e) => setToInclusive(e.target.value)}
            required
          />
          <button type="submit" className="btn btn-primary" disabled={invalid || pending}>
            {t("apply")}
          </button>
        </form>
      ) : null}
      <span className="period-label" data-testid="period-label">
        {formatPeriod(period, locale)} · {t("days", { days: daysBetween(period.from, period.to) })}
      </span>
    </div>
  );
}
