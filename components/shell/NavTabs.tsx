"use client";

import Link from "next/link";
import { usePathname, useSearchParams } from "next/navigation";
import { useTranslations } from "next-intl";
import { isFeature } from "@/lib/billing/plans";
import { LockIcon } from "../billing/LockIcon";

/** The dashboard's sections; the chosen period (?from&to) travels with the tabs. */
export function NavTabs({ slug, features, canAdminister = false }: { slug: string; features?: readonly string[]; canAdminister?: boolean }) {
  const t = useTranslations("common.nav");
  const tm = useTranslations();
  const pathname = usePathname();
  const searchParams = useSearchParams();
  const keep = new URLSearchParams();
  for (const key of ["from", "to"]) {
    const value = searchParams.get(key);
    if (value) keep.set(key, value);
  }
  const qs = keep.toString();
  const base = `/m/${slug}`;
  const tabs = [
    { href: base, label: t("overview"), id: "overview" },
    { href: `${base}/customers`, label: t("customers"), id: "customers" },
    { href: `${base}/seasonality`, label: t("seasonality"), id: "seasonality" },
    { href: `${base}/value`, label: tm("value.nav"), id: "value" },
    { href: `${base}/churn`, label: tm("churn.nav"), id: "churn" },
    { href: `${base}/segments`, label: tm("segments.nav"), id: "segments" },
    { href: `${base}/competitors`, label: tm("competitors.nav"), id: "competitors" },
    { href: `${base}/findings`, label: tm("findings.nav"), id: "findings" },
    { href: `${base}/campaigns`, label: tm("campaigns.nav"), id: "campaigns" },
    { href: `${base}/offers`, label: tm("offers.nav"), id: "offers", feature: "campaigns" },
    // The account's own tabs come last, after the analytics.
    { href: `${base}/team`, label: tm("billing.nav.team"), id: "team" },
    { href: `${base}/api`, label: tm("api.nav"), id: "api" },
    ...(canAdminister ? [{ href: `${base}/billing`, label: tm("billing.nav.billing"), id: "billing" }] : []),
  ];
  // A tab whose feature the plan lacks still shows (it leads to the locked view), marked with a lock.
  const locked = (id: string) => features !== undefined && isFeature(id) && !features.includes(id);
  const tabLocked = (tab: { id: string; feature?: string }) => locked(tab.feature ?? tab.id);
  return (
    <nav className="nav-tabs" aria-label={t("label")}>
      {tabs.map((tab) => (
        <Link
          key={tab.id}
          href={qs ? `${tab.href}?${qs}` : tab.href}
          className="nav-tab"
          aria-current={pathname === tab.href ? "page" : undefined}
          data-testid={`nav-${tab.id}`}
          data-locked={tabLocked(tab) ? "true" : undefined}
        >
          {tabLocked(tab) ? <LockIcon label={tm("billing.locked.badge")} /> : null}
          {tab.label}
        </Link>
      ))}
    </nav>
  );
}
