import { getFormatter, getTranslations } from "next-intl/server";
import { requireMerchantPage } from "@/lib/auth/access";
import { accounts } from "@/lib/accounts/server";
import { invitableRoles } from "@/lib/accounts/team";
import { Card } from "@/components/Card";
import { AuditTable } from "@/components/billing/AuditTable";
import { InviteForm, RemoveMemberButton } from "@/components/billing/TeamForms";
import type { PageParams } from "../page-context";
import { inviteAction, removeMemberAction, setMarginAction } from "./actions";
import { MarginForm } from "@/components/billing/MarginForm";
import { canEditSettings } from "@/lib/accounts/settings";
import { PageTitle } from "@/components/dashboard/PageTitle";
import { ClientMessages } from "@/components/i18n/ClientMessages";

export async function generateMetadata() {
  const t = await getTranslations("billing.team");
  return { title: t("title") };
}

/**
 * The merchant's team: members and open invitations; owners invite and remove viewers, bank
 * staff owners and viewers, viewers only look. Owners and bank staff also see the activity log
 * and set the merchant's gross margin (viewers see it).
 */
export default async function TeamPage({ params }: { params: PageParams }) {
  const { slug } = await params;
  const access = await requireMerchantPage(slug);
  const t = await getTranslations("billing");
  const format = await getFormatter();
  const { members, invitations } = await accounts.team(access);
  const roles = invitableRoles(access.role);
  const audit = access.role === "merchant_viewer" ? null : await accounts.merchantAudit(access);
  const grossMarginBp = await accounts.grossMargin(access.merchant.id);
  return (
    <ClientMessages paths={["billing"]}>
      <PageTitle title={t("team.title")} subtitle={t("team.subtitle")} />
      <div className="grid" style={{ gap: 16 }}>
        <Card title={t("team.members")}>
          <div className="table-wrap">
            <table className="table" data-testid="team-members">
              <thead>
                <tr>
                  <th>{t("team.email")}</th>
                  <th>{t("team.name")}</th>
                  <th>{t("team.role")}</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {members.map((m) => (
                  <tr key={m.userId} data-testid={`member-${m.email}`}>
                    <td>{m.email}</td>
                    <td>{m.name ?? ""}</td>
                    <td>{t(`roles.${m.role}`)}</td>
                    <td>
                      {m.role !== "relationship_manager" && roles.includes(m.role) && m.userId !== access.actor.userId ? (
                        <RemoveMemberButton action={removeMemberAction.bind(null, slug)} userId={m.userId} email={m.email} />
                      ) : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </Card>
        {invitations.length > 0 ? (
          <Card title={t("team.invitations")}>
            <ul data-testid="team-invitations">
              {invitations.map((i) => (
                <li key={i.id}>
                  {i.email} · {t(`roles.${i.role}`)} · {t("team.expires")} {format.dateTime(i.expiresAt, { dateStyle: "medium" })}
                </li>
              ))}
            </ul>
          </Card>
        ) : null}
        <Card title={t("team.invite")}>
          {roles.length > 0 ? <InviteForm action={inviteAction.bind(null, slug)} roles={roles} /> : <p className="muted" data-testid="no-invite">{t("team.noInvite")}</p>}
        </Card>
        <Card title={t("margin.title")} subtitle={t("margin.subtitle")}>
          <MarginForm action={canEditSettings(access.role) ? setMarginAction.bind(null, slug) : null} grossMarginBp={grossMarginBp} />
        </Card>
        {audit ? (
          <Card title={t("team.activity")} subtitle={t("team.activityHint")}>
            <AuditTable entries={audit} />
          </Card>
        ) : null}
      </div>
    </ClientMessages>
  );
}
