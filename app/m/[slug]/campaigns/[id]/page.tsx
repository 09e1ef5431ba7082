import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { CampaignReportView } from "@/components/campaigns/CampaignReportView";
import { campaignReport } from "@/lib/endpoints/views/campaigns";
import { RunPage } from "../../run-page";
import { ClientMessages } from "@/components/i18n/ClientMessages";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("campaigns");
  return { title: t("title") };
}

/** One campaign's uplift report; 404 for an unknown campaign or another merchant's. */
export default function CampaignReportPage({ params }: { params: Promise<{ slug: string; id: string }> }) {
  return (
    <ClientMessages paths={["campaigns.report", "value.run", "churn.run", "segments.run"]}>
      <RunPage params={params} endpoint={campaignReport} ns="campaigns" view={(id) => <CampaignReportView id={id} />} />
    </ClientMessages>
  );
}
