import type { ReactNode } from "react";
import { listAccessibleMerchants, requireActor } from "@/lib/auth/access";
import { AppShell } from "@/components/shell/AppShell";
import { unreadNotificationCount } from "@/lib/jobs/alerts";

/** The portfolio's frame; signed out -> /login. */
export default async function PortfolioLayout({ children }: { children: ReactNode }) {
  const actor = await requireActor();
  const merchants = await listAccessibleMerchants(actor);
  const role = actor.bankRole ?? (merchants.some((m) => m.role === "relationship_manager") ? "relationship_manager" : null);
  return (
    <AppShell actor={actor} role={role} showPortfolioLink={false} unread={await unreadNotificationCount(actor.userId).catch(() => undefined)}>
      <main className="page">{children}</main>
    </AppShell>
  );
}
