"use client";

import { usePathname, useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { useTransition } from "react";
import { activePreset, PRESET_DAYS, presetPeriod, type Period } from "@/lib/days";

/**
 * The portfolio's period: each merchant's own last 30 days (default, no URL parameters), or a
 * common preset ending at the latest data day of the portfolio.
 */
export function PortfolioPicker({ period, end }: { period: Period | null; end: string }) {
  const t = useTranslations("common.period");
  const tp = useTranslations("portfolio");
  const router = useRouter();
  const pathname = usePathname();
  const [pending, startTransition] = useTransition();
  const preset = period ? activePreset(period, end) : null;
  const go = (href: string) => startTransition(() => router.push(href, { scroll: false }));
  return (
    <div className="period-picker" aria-busy={pending} data-testid="portfolio-period">
      <div className="segmented" role="group" aria-label={t("label")}>
        <button type="button" aria-pressed={period === null} onClick={() => go(pathname)}>
          {tp("ownPeriodShort")}
        </button>
        {PRESET_DAYS.map((days) => {
          const next = presetPeriod(days, end);
          return (
            <button
              key={days}
              type="button"
              aria-pressed={period !== null && preset === days}
              onClick={() => go(`${pathname}?from=${next.from}&to=${next.to}`)}
            >
              {t("preset", { days })}
            </button>
          );
        })}
      </div>
    </div>
  );
}
