"use client";

import Link from "next/link";
import { useTranslations } from "next-intl";
import type { Feature } from "@/lib/billing/plans";
import { Card } from "../Card";
import { useMerchant } from "../shell/MerchantContext";
import { LockedPreview } from "./LockedPreview";

/**
 * A card standing in for a feature the merchant's plan lacks, on a page the plan does include
 * (e.g. the findings feed and forecast band on the overview of a Start merchant): what the
 * feature is, a sample preview (never the merchant's data) and the way to unlock it.
 */
export function LockedCard({ feature }: { feature: Feature }) {
  // Two narrow namespaces: the pages showing this card hand the browser only these (ADR 0034).
  const tf = useTranslations("billing.features");
  const t = useTranslations("billing.locked");
  const { slug } = useMerchant();
  return (
    <Card title={tf(`${feature}.title`)} subtitle={tf(`${feature}.description`)} data-testid={`locked-card-${feature}`}>
      <LockedPreview feature={feature} label={t("badge")} />
      <p className="legend-note">
        <Link className="btn" href={`/m/${slug}/upgrade?feature=${feature}`}>
          {t("upgrade")}
        </Link>
      </p>
    </Card>
  );
}

/** Whether the merchant on screen has `feature` now (MerchantContext.features from lib/billing). */
export function useHasFeature(feature: Feature): boolean {
  const { features } = useMerchant();
  return features?.includes(feature) ?? false;
}
