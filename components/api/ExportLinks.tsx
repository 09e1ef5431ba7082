import { getLocale, getTranslations } from "next-intl/server";
import { exportPath } from "@/lib/endpoints/keys";

/**
 * "Download: <table> CSV · Excel" links of views' exports (lib/endpoints, ADR 0008) for the page's
 * period, in the reader's language; nothing when the plan lacks the `exports` feature (the server
 * would answer 403). Server component.
 */
export async function ExportLinks({ slug, canExport, items }: { slug: string; canExport: boolean; items: Array<{ view: string; table: string; query: object }> }) {
  if (!canExport || items.length === 0) return null;
  const t = await getTranslations("api.export");
  const locale = (await getLocale()) === "ru" ? "ru" : "en";
  return (
    <p className="muted" style={{ display: "flex", gap: 12, flexWrap: "wrap", margin: "4px 0 0" }} data-testid="export-links">
      <span>{t("download")}:</span>
      {items.map((item) => (
        <span key={`${item.view}-${item.table}`}>
          {t(`tables.${item.table}` as never)}{" "}
          <a href={exportPath(item.view, slug, "csv", locale, { ...item.query, table: item.table })} download data-testid={`export-${item.view}-csv`}>
            {t("csv")}
          </a>
          {" · "}
          <a href={exportPath(item.view, slug, "xlsx", locale, item.query)} download data-testid={`export-${item.view}-xlsx`}>
            {t("xlsx")}
          </a>
        </span>
      ))}
    </p>
  );
}
