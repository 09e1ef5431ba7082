import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { requireActor } from "@/lib/auth/access";
import { ApiReference } from "@/components/api/ApiReference";
import { PageTitle } from "@/components/dashboard/PageTitle";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("api.reference");
  return { title: t("title") };
}

/**
 * The human-readable API reference: Swagger UI (bundled from swagger-ui-dist, no CDN) over
 * /api/v1/openapi.json, which lib/endpoints/openapi.ts generates from the view definitions.
 * Signed-in users only, like every page; the JSON document itself is public.
 */
export default async function DevelopersPage() {
  await requireActor();
  const t = await getTranslations("api.reference");
  return (
    <main className="page">
      <PageTitle title={t("title")} subtitle={t("subtitle")} />
      <ApiReference url="/api/v1/openapi.json" />
    </main>
  );
}
