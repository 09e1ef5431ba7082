"use client";

import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useLocale, useTranslations } from "next-intl";
import { useTransition } from "react";
import { CALENDAR_GRAINS, grainPeriods, type CalendarGrain, type Period } from "@/lib/days";
import { formatMonth } from "@/lib/format";
import { Segmented } from "../Segmented";

/** Grain toggle and the list of whole periods; the choice goes to ?from&to like the dashboard's picker. */
export function CompetitorPeriodPicker({ period, grain, end }: { period: Period; grain: CalendarGrain; end: string }) {
  const t = useTranslations("competitors.picker");
  const locale = useLocale();
  const router = useRouter();
  const pathname = usePathname();
  const searchParams = useSearchParams();
  const [pending, startTransition] = useTransition();

  function go(next: Period) {
    const params = new URLSearchParams(searchParams.toString());
    params.set("from", next.from);
    params.set("to", next.to);
    startTransition(() => router.push(`${pathname}?${params.toString()}`, { scroll: false }));
  }
  const label = (p: Period, g: CalendarGrain) =>
    g === "month"
      ? formatMonth(p.from, locale)
      : g === "quarter"
        ? t("quarterLabel", { quarter: Math.floor((Number(p.from.slice(5, 7)) - 1) / 3) + 1, year: p.from.slice(0, 4) })
        : p.from.slice(0, 4);
  const options = grainPeriods(grain, end);
  if (!options.some((o) => o.from === period.from)) options.unshift(period);
  return (
    <div className="period-picker" data-testid="competitor-period-picker" aria-busy={pending}>
      <Segmented
        label={t("grain")}
        value={grain}
        onChange={(g) => go(grainPeriods(g, end)[0])}
        options={CALENDAR_GRAINS.map((g) => ({ value: g, label: t(g) }))}
        testId="competitor-grain"
      />
      <select
        aria-label={t("period")}
        value={period.from}
        onChange={(e) => go(options.find((o) => o.from === e.target.value)!)}
        data-testid="competitor-period"
      >
        {options.map((o) => (
          <option key={o.from} value={o.from}>
            {label(o, grain)}
          </option>
        ))}
      </select>
    </div>
  );
}
