import Link from "next/link";
import { Suspense, type ReactNode } from "react";
import { getTranslations } from "next-intl/server";
import type { AccessRole, Actor } from "@/lib/auth/access";
import { LocaleSwitcher } from "./LocaleSwitcher";
import { NavTabs } from "./NavTabs";
import { SignOutButton } from "./SignOutButton";
import { UserMenu } from "./UserMenu";

export interface ShellMerchant {
  slug: string;
  name: string;
  mcc: string;
  currency: string;
}

/**
 * The frame of every signed-in page: brand, the merchant on screen (name, MCC, currency) with
 * its section tabs, the portfolio link for bank staff, the EN/RU switcher and the user menu.
 */
export async function AppShell({
  actor,
  role,
  merchant,
  showPortfolioLink,
  features,
  unread,
  children,
}: {
  actor: Actor;
  role: AccessRole | null;
  merchant?: ShellMerchant;
  showPortfolioLink: boolean;
  /** The merchant's granted features (lib/billing): locked tabs show a lock. */
  features?: readonly string[];
  /** The user's unread notifications (lib/jobs/alerts.ts): the bell's badge; absent = not shown. */
  unread?: number;
  children: ReactNode;
}) {
  const t = await getTranslations("common");
  const tn = await getTranslations("notifications.nav");
  return (
    <>
      <header className="shell-header">
        <div className="shell-bar">
          <Link href="/" className="brand">
            <span className="brand-mark" aria-hidden="true">
              M
            </span>
            <span className="brand-name">{t("appName")}</span>
          </Link>
          {merchant ? (
            <div className="shell-merchant">
              <span className="shell-merchant-name" data-testid="merchant-name" title={merchant.name}>
                {merchant.name}
              </span>
              <span className="shell-merchant-meta">
                {t("merchantMeta", { mcc: merchant.mcc, currency: merchant.currency })}
              </span>
            </div>
          ) : null}
          <div className="shell-spacer" />
          <div className="shell-tools">
            {showPortfolioLink ? (
              <Link href="/portfolio" className="btn" data-testid="nav-portfolio">
                {t("nav.portfolio")}
              </Link>
            ) : null}
            {actor.bankRole ? (
              <Link href="/admin" className="btn" data-testid="nav-admin">
                {t("nav.admin")}
              </Link>
            ) : null}
            {unread !== undefined ? (
              <Link href="/notifications" className="btn notif-link" data-testid="nav-notifications" aria-label={tn("unreadLabel", { count: unread })}>
                <svg width="16" height="16" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round" aria-hidden="true">
                  <path d="M18 8a6 6 0 0 0-12 0c0 7-3 9-3 9h18s-3-2-3-9" />
                  <path d="M13.73 21a2 2 0 0 1-3.46 0" />
                </svg>
                {unread > 0 ? (
                  <span className="notif-badge" data-testid="unread-count">
                    {unread}
                  </span>
                ) : null}
              </Link>
            ) : null}
            <LocaleSwitcher />
            <UserMenu
              name={actor.name}
              email={actor.email}
              roleLabel={role ? t(`roles.${role}`) : null}
              menuLabel={t("user.menu")}
            >
              <Link href="/settings" className="btn-link" data-testid="nav-settings">
                {tn("settings")}
              </Link>
              <SignOutButton />
            </UserMenu>
          </div>
        </div>
        {merchant ? (
          // useSearchParams in NavTabs: a Suspense boundary keeps the rest of the shell static-safe.
          <Suspense fallback={<div className="nav-tabs" />}>
            <NavTabs slug={merchant.slug} features={features} canAdminister={role === "merchant_owner" || role === "bank_admin" || role === "relationship_manager"} />
          </Suspense>
        ) : null}
      </header>
      {children}
    </>
  );
}
