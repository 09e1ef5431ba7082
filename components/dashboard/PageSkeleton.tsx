import { getTranslations } from "next-intl/server";

/** The shape of a tab while its server part loads (route-level loading.tsx). */
export async function PageSkeleton({ blocks }: { blocks: Array<"kpis" | "chart" | "table"> }) {
  const t = await getTranslations("common");
  return (
    <div className="page-skeleton" role="status" aria-live="polite" data-testid="page-loading">
      <span className="visually-hidden">{t("loadingPage")}</span>
      <div className="page-head">
        <div className="skeleton" style={{ width: 220, height: 28 }} />
        <div className="skeleton" style={{ width: 360, height: 32 }} />
      </div>
      {blocks.map((block, i) =>
        block === "kpis" ? (
          <div key={i} className="grid grid-kpi">
            {Array.from({ length: 8 }, (_, j) => (
              <div key={j} className="skeleton" style={{ height: 112 }} />
            ))}
          </div>
        ) : (
          <div key={i} className="skeleton" style={{ height: block === "chart" ? 340 : 260 }} />
        ),
      )}
    </div>
  );
}
