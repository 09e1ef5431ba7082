import Link from "next/link";
import { notFound, redirect } from "next/navigation";
import { getTranslations } from "next-intl/server";
import { requireMerchantPage } from "@/lib/auth/access";
import { cheapestPlanWith, isFeature } from "@/lib/billing/plans";
import { billingMode, canManageBilling } from "@/lib/billing/checkout";
import { accounts } from "@/lib/accounts/server";
import { UpgradeRequestCard } from "@/components/billing/UpgradeRequestCard";
import { requestUpgradeAction } from "../billing/actions";
import { Card } from "@/components/Card";
import { LockedPreview } from "@/components/billing/LockedPreview";
import { PlanTable } from "@/components/billing/PlanTable";
import type { PageParams, PageSearchParams } from "../page-context";
import { PageTitle } from "@/components/dashboard/PageTitle";

const FEATURE_PAGES: Record<string, string> = { overview: "", customers: "/customers", seasonality: "/seasonality", value: "/value", churn: "/churn", segments: "/segments" };

/**
 * The locked view (requireMerchantPage(slug, { feature }) redirects here): what the feature
 * would show (description and a blurred sample), which plan includes it, and how to unlock it.
 */
export default async function UpgradePage({ params, searchParams }: { params: PageParams; searchParams: PageSearchParams }) {
  const { slug } = await params;
  const access = await requireMerchantPage(slug);
  const raw = (await searchParams).feature;
  const feature = Array.isArray(raw) ? raw[0] : raw;
  if (!isFeature(feature)) notFound();
  // Unlocked in the meantime (plan changed): go to the feature itself.
  if (access.entitlements.features.has(feature) && feature in FEATURE_PAGES) redirect(`/m/${slug}${FEATURE_PAGES[feature]}`);
  const t = await getTranslations("billing");
  const e = access.entitlements;
  const featureName = t(`features.${feature}.title`);
  const required = cheapestPlanWith(feature);
  const lapsed = e.plan !== null && !e.inGoodStanding;
  return (
    <>
      <PageTitle
        title={lapsed ? t("locked.lapsedTitle") : t("locked.title", { feature: featureName })}
        subtitle={t(`features.${feature}.description`)}
        titleTestId="locked-title"
      />
      <div className="grid" style={{ gap: 16 }}>
        <Card title={featureName} subtitle={t("locked.preview")}>
          <LockedPreview feature={feature} label={t("locked.badge")} />
          <p data-testid="locked-required-plan" style={{ marginTop: 12 }}>
            {lapsed && e.plan && e.status
              ? t("locked.lapsedText", { plan: t(`plans.${e.plan}`), status: t(`statuses.${e.status}`), feature: featureName })
              : t("locked.requires", { feature: featureName, plan: t(`plans.${required}`) })}
          </p>
          <div style={{ display: "flex", gap: 8, marginTop: 8 }}>
            {canManageBilling(access.role) ? (
              <Link className="btn btn-primary" href={`/m/${slug}/billing`} data-testid="locked-upgrade">
                {t("locked.upgrade")}
              </Link>
            ) : (
              <p className="muted">{t("locked.askOwner")}</p>
            )}
            {feature !== "overview" ? (
              <Link className="btn" href={`/m/${slug}`}>
                {t("locked.back")}
              </Link>
            ) : null}
          </div>
        </Card>
        {billingMode() === "bank" && access.role === "merchant_owner" && !lapsed ? (
          <UpgradeRequestCard
            current={e.plan}
            open={await accounts.openUpgrade(access.merchant.id)}
            action={requestUpgradeAction.bind(null, slug)}
            only={required}
          />
        ) : null}
        <Card title={t("page.compare")}>
          <PlanTable current={e.plan} highlight={feature} />
        </Card>
      </div>
    </>
  );
}
