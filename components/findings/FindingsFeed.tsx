"use client";

import Link from "next/link";
import { useLocale, useTranslations } from "next-intl";
import { formatDay } from "@/lib/format";
import { renderFinding } from "@/lib/findings/render";
import type { Finding } from "@/lib/findings/types";
import { Card } from "../Card";
import { useEndpoint } from "../hooks/useEndpoint";
import { useMerchant } from "../shell/MerchantContext";
import { EmptyState, ErrorState, LoadingState } from "../states";
import styles from "./findings.module.css";

/** One finding in words with its numbers, confidence and chart link. */
export function FindingItem({ finding, currency, href, merchantName }: { finding: Finding; currency: string; href: string; merchantName?: string }) {
  const t = useTranslations("findings");
  const locale = useLocale();
  const r = renderFinding(finding, locale, currency, (key, values) => t(key as never, values as never));
  const tone = finding.direction === "up" ? styles.up : finding.direction === "down" ? styles.down : "";
  return (
    <li className={`${styles.item} ${tone}`} data-testid="finding" data-finding-id={finding.id}>
      <p className={styles.headline}>
        {merchantName ? <span className={styles.merchant}>{merchantName}: </span> : null}
        {r.headline}
      </p>
      <p className={styles.explanation}>{r.explanation}</p>
      <div className={styles.meta}>
        <span>{t("feed.confidence", { level: r.confidence })}</span>
        <Link href={href}>{t("feed.chart")}</Link>
      </div>
      {r.numbers.length > 0 ? (
        <details>
          <summary className="muted">{t("feed.numbers")}</summary>
          <dl className={styles.numbers}>
            {r.numbers.map((n) => (
              <div key={n.name} style={{ display: "contents" }}>
                <dt>{n.label}</dt>
                <dd>{n.value}</dd>
              </div>
            ))}
          </dl>
        </details>
      ) : null}
    </li>
  );
}

/**
 * The merchant's findings feed (latest findings run), most important first; `limit` shows the
 * top few with a link to the Findings tab (the overview), without it the whole feed.
 */
export function FindingsFeed({ limit }: { limit?: number }) {
  const t = useTranslations("findings");
  const locale = useLocale();
  const { slug, currency } = useMerchant();
  const query = useEndpoint("findings", slug, {});
  const base = `/m/${slug}`;
  let body;
  if (query.isPending) body = <LoadingState height={160} />;
  else if (query.error || !query.data) body = <ErrorState error={query.error} onRetry={() => query.refetch()} />;
  else if (!query.data.run) body = <EmptyState title={t("feed.noRun")} />;
  else if (query.data.run.summary.findings.length === 0) body = <EmptyState title={t("feed.empty")} hint={t("feed.emptyHint")} />;
  else {
    const list = limit ? query.data.run.summary.findings.slice(0, limit) : query.data.run.summary.findings;
    body = (
      <ul className={styles.feed} data-testid="findings-list">
        {list.map((f) => (
          <FindingItem key={f.id} finding={f} currency={currency} href={`${base}${f.chart}`} />
        ))}
      </ul>
    );
  }
  const asOf = query.data?.run?.summary.asOf;
  return (
    <Card
      title={t("feed.title")}
      subtitle={asOf ? t("feed.computed", { date: formatDay(asOf, locale) }) : undefined}
      actions={limit ? <Link href={`${base}/findings`}>{t("feed.all")}</Link> : undefined}
      data-testid="findings-feed"
    >
      {body}
    </Card>
  );
}
