import type { Metadata } from "next";
import type { ReactNode } from "react";
import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { requireBankPage } from "@/lib/auth/access";
import { AppShell } from "@/components/shell/AppShell";
import { unreadNotificationCount } from "@/lib/jobs/alerts";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("admin");
  return { title: t("metaTitle") };
}

/** The bank's area (bank admins and relationship managers; others get 404): onboarding, outbox, and for admins the audit log and staff. */
export default async function AdminLayout({ children }: { children: ReactNode }) {
  const actor = await requireBankPage();
  const t = await getTranslations("admin");
  const links = [
    { href: "/admin", label: t("nav.onboard"), id: "onboard" },
    { href: "/admin/outbox", label: t("nav.outbox"), id: "outbox" },
    ...(actor.bankRole === "bank_admin"
      ? [
          { href: "/admin/audit", label: t("nav.audit"), id: "audit" },
          { href: "/admin/staff", label: t("nav.staff"), id: "staff" },
          { href: "/admin/queue", label: t("nav.queue"), id: "queue" },
        ]
      : []),
  ];
  return (
    <AppShell actor={actor} role={actor.bankRole} showPortfolioLink unread={await unreadNotificationCount(actor.userId).catch(() => undefined)}>
      <nav className="nav-tabs" aria-label={t("title")}>
        {links.map((l) => (
          <Link key={l.id} href={l.href} className="nav-tab" data-testid={`admin-nav-${l.id}`}>
            {l.label}
          </Link>
        ))}
      </nav>
      <main className="page">{children}</main>
    </AppShell>
  );
}
