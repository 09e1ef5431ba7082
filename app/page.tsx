import { redirect } from "next/navigation";
import { getTranslations } from "next-intl/server";
import { getActor, listAccessibleMerchants } from "@/lib/auth/access";
import { SignOutButton } from "@/components/shell/SignOutButton";

/**
 * The front door: signed out -> /login; a bank admin or relationship manager -> their portfolio;
 * a merchant user with one merchant -> its dashboard; with several -> the list of them
 * (the portfolio page doubles as a chooser).
 */
export default async function Home() {
  const actor = await getActor();
  if (!actor) redirect("/login");
  const merchants = await listAccessibleMerchants(actor);
  // A relationship manager with no portfolio yet starts where merchants are onboarded.
  if (actor.bankRole === "relationship_manager" && merchants.length === 0) redirect("/admin");
  const managesPortfolio = actor.bankRole === "bank_admin" || merchants.some((m) => m.role === "relationship_manager");
  if (managesPortfolio || merchants.length > 1) redirect("/portfolio");
  if (merchants.length === 1) redirect(`/m/${merchants[0].slug}`);

  const t = await getTranslations("common");
  return (
    <main className="center-page">
      <div className="card center-card">
        <h1>{t("home.noMerchantsTitle")}</h1>
        <p className="muted">{t("home.noMerchantsBody", { email: actor.email })}</p>
        <SignOutButton />
      </div>
    </main>
  );
}
