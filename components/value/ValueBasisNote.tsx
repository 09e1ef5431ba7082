"use client";

import Link from "next/link";
import { useLocale, useTranslations } from "next-intl";
import { formatPercent } from "@/lib/format";
import { useMerchant } from "../shell/MerchantContext";

/**
 * What the money of CLV and revenue at risk means on this page (issue 17): "in margin" at the
 * merchant's gross margin, or "in revenue (no margin set)" with a link to set it on the team page.
 */
export function ValueBasisNote({ grossMarginBp }: { grossMarginBp: number | null }) {
  const t = useTranslations("value.basis");
  const locale = useLocale();
  const { slug } = useMerchant();
  if (grossMarginBp !== null) {
    return (
      <p className="legend-note" data-testid="value-basis" data-basis="margin">
        {t("margin", { margin: formatPercent(grossMarginBp / 10_000, locale, 2) })}{" "}
        <Link href={`/m/${slug}/team#margin`}>{t("change")}</Link>
      </p>
    );
  }
  return (
    <p className="legend-note" data-testid="value-basis" data-basis="revenue">
      {t("revenue")} <Link href={`/m/${slug}/team#margin`}>{t("set")}</Link>
    </p>
  );
}

/** "label, in margin" or "label, in revenue": labels of money figures say what the money is. */
export function useBasisLabel(grossMarginBp: number | null): (label: string) => string {
  const t = useTranslations("value.basis");
  return (label) => (grossMarginBp === null ? t("inRevenue", { label }) : t("inMargin", { label }));
}
