import type { Metadata } from "next";
import type { ReactNode } from "react";
import { requireMerchantPage } from "@/lib/auth/access";
import { AppShell } from "@/components/shell/AppShell";
import { MerchantProvider } from "@/components/shell/MerchantContext";

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
  return (
    <AppShell
      actor={actor}
      role={role}
      merchant={merchant}
      showPortfolioLink={role === "bank_admin" || role === "relationship_manager"}
      features={[...access.entitlements.features]}
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
        <main className="page">{children}</main>
      </MerchantProvider>
    </AppShell>
  );
}
