"use client";

import { useTranslations } from "next-intl";
import { Card } from "../Card";
import { FindingItem } from "../findings/FindingsFeed";
import styles from "../findings/findings.module.css";
import { usePortfolioFindings } from "../hooks/usePortfolio";
import { EmptyState, ErrorState, LoadingState } from "../states";

/** The relationship manager's feed: the portfolio's most important findings, each with its merchant. */
export function PortfolioFindings() {
  const t = useTranslations("findings");
  const query = usePortfolioFindings();
  let body;
  if (query.isPending) body = <LoadingState height={160} />;
  else if (query.error || !query.data) body = <ErrorState error={query.error} onRetry={() => query.refetch()} />;
  else if (query.data.findings.length === 0) body = <EmptyState title={t("portfolio.empty")} hint={t("feed.emptyHint")} />;
  else
    body = (
      <ul className={styles.feed} data-testid="portfolio-findings-list">
        {query.data.findings.map((p) => (
          <FindingItem key={`${p.slug}:${p.finding.id}`} finding={p.finding} currency={p.currency} href={`/m/${p.slug}${p.finding.chart}`} merchantName={p.name} />
        ))}
      </ul>
    );
  return (
    <Card title={t("portfolio.title")} subtitle={t("portfolio.subtitle")} data-testid="portfolio-findings">
      {body}
    </Card>
  );
}
