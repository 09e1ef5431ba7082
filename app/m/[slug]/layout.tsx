import type { Metadata } from "next";
import type { ReactNode } from "react";
import { requireMerchantPage } from "@/lib/auth/access";
import { AppShell } from "@/components/shell/AppShell";
import { unreadNotificationCount } from "@/lib/jobs/alerts";
import { MerchantProvider } from "@/components/shell/MerchantContext";
import { getTranslations } from "next-intl/server";
import { queueAdmin } from "@/lib/jobs/server";

type Params = Promise<{ slug: string }>;

export async function generateMetadata({ params }: { params: Params }): Promise<Metadata> {
  const { slug } = await params;
  const access = await requireMerchantPage(slug);
  return { title: access.merchant.name };
}

/**
 * Every /m/[slug] page: signed out -> /login, another tenant's or an unknown merchant -> 404
 * (requireMerchantPage; the same answer for both). Client components get the merchant's
 * public fields through MerchantProvider.
 */
export default async function MerchantLayout({ children, params }: { children: ReactNode; params: Params }) {
  const { slug } = await params;
  const access = await requireMerchantPage(slug);
  const { merchant, actor, role } = access;
  // Models still being fitted in the background (the demo's first minutes, or after a load), and
  // the bell's count: two independent statements, sent together.
  const [prep, unread, t] = await Promise.all([
    queueAdmin.merchantPreparation(merchant.id).catch(() => null),
    unreadNotificationCount(actor.userId).catch(() => undefined),
    getTranslations("common.preparing"),
  ]);
  return (
    <AppShell
      actor={actor}
      role={role}
      merchant={merchant}
      showPortfolioLink={role === "bank_admin" || role === "relationship_manager"}
      features={[...access.entitlements.features]}
      unread={unread}
    >
      <MerchantProvider
        merchant={{
          slug: merchant.slug,
          name: merchant.name,
          mcc: merchant.mcc,
          currency: merchant.currency,
          timeZone: merchant.timeZone,
          features: [...access.entitlements.features],
        }}
      >
        <main className="page">
          {prep ? (
            <p className="notice" role="status" data-testid="preparing">
              {t("merchant", { done: prep.done, of: prep.of })} {t("overall", { ready: prep.ready, merchants: prep.merchants })}
            </p>
          ) : null}
          {children}
        </main>
      </MerchantProvider>
    </AppShell>
  );
}
