import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { OfferResultView } from "@/components/offers/OfferResultView";
import { offer } from "@/lib/endpoints/views/offers";
import { RunPage } from "../../run-page";
import { ClientMessages } from "@/components/i18n/ClientMessages";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("offers");
  return { title: t("title") };
}

/** One offer: timeline and results with intervals and ROI; 404 for an unknown offer or another merchant's. */
export default function OfferPage({ params }: { params: Promise<{ slug: string; id: string }> }) {
  return (
    <ClientMessages paths={["offers.create", "offers.result", "offers.status", "value.run", "churn.run", "segments.run"]}>
      <RunPage params={params} endpoint={offer} ns="offers" view={(id) => <OfferResultView id={id} />} />
    </ClientMessages>
  );
}
