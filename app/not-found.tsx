import Link from "next/link";
import { getTranslations } from "next-intl/server";

/** One 404 for unknown pages and for other tenants' merchants (indistinguishable by design). */
export default async function NotFound() {
  const t = await getTranslations("common");
  return (
    <main className="center-page">
      <div className="card center-card" data-testid="not-found">
        <div className="big-code">404</div>
        <h1>{t("notFound.title")}</h1>
        <p className="muted">{t("notFound.body")}</p>
        <Link className="btn btn-primary" href="/">
          {t("notFound.home")}
        </Link>
      </div>
    </main>
  );
}
