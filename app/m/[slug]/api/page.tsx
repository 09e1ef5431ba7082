import { getFormatter, getTranslations } from "next-intl/server";
import Link from "next/link";
import { requireMerchantPage } from "@/lib/auth/access";
import { apiTokenService } from "@/lib/auth/tokens";
import { apiV1Path } from "@/lib/endpoints/keys";
import { Card } from "@/components/Card";
import { CreateTokenForm, RevokeTokenButton } from "@/components/api/ApiTokenForms";
import { PageTitle } from "@/components/dashboard/PageTitle";
import type { PageParams } from "../page-context";
import { createTokenAction, revokeTokenAction } from "./actions";
import { ClientMessages } from "@/components/i18n/ClientMessages";

export async function generateMetadata() {
  const t = await getTranslations("api");
  return { title: t("title") };
}

/**
 * The merchant's API tab: owners create and revoke API tokens (the new token is shown once);
 * everyone sees how to call the API and where its reference is (/developers).
 */
export default async function ApiPage({ params }: { params: PageParams }) {
  const { slug } = await params;
  const access = await requireMerchantPage(slug);
  const t = await getTranslations("api");
  const format = await getFormatter();
  const isOwner = access.role === "merchant_owner";
  const tokens = isOwner ? await apiTokenService.list(access) : [];
  const example = `curl -H "Authorization: Bearer mi_live_…" \\\n  "<origin>${apiV1Path("overview", access.merchant.slug)}?from=2024-01-01&to=2024-02-01"`;
  const when = (d: Date | string | null) => (d ? format.dateTime(new Date(d), { dateStyle: "medium", timeStyle: "short" }) : t("tokens.never"));
  return (
    <ClientMessages paths={["api.tokens"]}>
      <PageTitle title={t("title")} subtitle={t("subtitle")} />
      <div className="grid" style={{ gap: 16 }}>
        <Card title={t("tokens.title")} subtitle={t("tokens.hint")} data-testid="api-tokens">
          {isOwner ? (
            <div className="grid" style={{ gap: 16 }}>
              <CreateTokenForm action={createTokenAction.bind(null, slug)} />
              {tokens.length === 0 ? (
                <p className="muted" data-testid="no-tokens">{t("tokens.none")}</p>
              ) : (
                <div className="table-wrap">
                  <table className="table" data-testid="token-list">
                    <thead>
                      <tr>
                        <th>{t("tokens.name")}</th>
                        <th>{t("tokens.status")}</th>
                        <th>{t("tokens.lastUsed")}</th>
                        <th>{t("tokens.createdAt")}</th>
                      </tr>
                    </thead>
                    <tbody>
                      {tokens.map((tok) => (
                        // Name and status (with the revoke button) first: on a phone they are what fits.
                        <tr key={tok.id} data-testid={`token-${tok.prefix}`}>
                          <td>
                            {tok.name}
                            <div>
                              <code className="muted">{tok.prefix}…</code>
                            </div>
                          </td>
                          <td>
                            <div>{tok.revokedAt ? t("tokens.revoked", { date: when(tok.revokedAt) }) : t("tokens.active")}</div>
                            {tok.revokedAt ? null : <RevokeTokenButton action={revokeTokenAction.bind(null, slug)} id={tok.id} prefix={tok.prefix} />}
                          </td>
                          <td data-testid="token-last-used">{when(tok.lastUsedAt)}</td>
                          <td>
                            {when(tok.createdAt)}
                            {tok.createdByEmail ? <div className="muted">{tok.createdByEmail}</div> : null}
                          </td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              )}
            </div>
          ) : (
            <p className="muted" data-testid="tokens-owner-only">{t("tokens.ownerOnly")}</p>
          )}
        </Card>
        <Card title={t("usage.title")} subtitle={t("usage.hint", { currency: access.merchant.currency })}>
          <pre style={{ whiteSpace: "pre-wrap", wordBreak: "break-all", margin: 0 }}>
            <code>{example}</code>
          </pre>
          <p>{t("usage.exports")}</p>
          <p style={{ display: "flex", gap: 16, flexWrap: "wrap" }}>
            <Link href="/developers" data-testid="api-reference-link">{t("usage.reference")}</Link>
            <a href="/api/v1/openapi.json">{t("usage.document")}</a>
          </p>
        </Card>
      </div>
    </ClientMessages>
  );
}
